import type { AnyMiddlewareArgs, App, Middleware } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../ops/metrics.js';
import { keys } from '../../store/keys.js';
import type { DedupeStore } from '../../store/types.js';
import { firstDelivery } from './request-gate.js';

/**
 * Drops redelivered Events API callbacks, across replicas: the first delivery of an `event_id` claims
 * it in the store (and a replayed signed body is dropped by the gate's check). Bolt has already acked
 * events before middleware runs, so dropping is silent.
 */
export function dropRedeliveredEvents(store: DedupeStore, logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async ({ body, context, next }) => {
    const eventId = 'event_id' in body && typeof body.event_id === 'string' ? body.event_id : undefined;
    if (eventId) {
      // A replay of the same signed body, checked beside the ack.
      if (!(await firstDelivery(context))) return;
      const teamId = 'team_id' in body && typeof body.team_id === 'string' ? body.team_id : 'unknown';
      const { key, ttlSeconds } = keys.event(teamId, eventId);
      try {
        if (!(await store.claimOnce(key, ttlSeconds))) {
          logger.debug({ eventId }, 'dropped a redelivered event');
          return;
        }
      } catch (error) {
        // Without the store a reply might double, but silence would be worse: handle it and say why.
        logger.warn({ err: error, eventId }, 'could not check an event for redelivery');
      }
    }
    await next();
  };
}

export function countRequests(metrics: Metrics): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next }) => {
    const record = body as Record<string, unknown>;
    const event = record.event as { type?: string } | undefined;
    const kind =
      typeof record.command === 'string' ? 'command' : event ? 'event' : String(record.type ?? 'other');
    const name = String(
      record.command ?? event?.type ?? (record.view as { callback_id?: string })?.callback_id ?? '',
    );
    metrics.requests.inc({ kind, name });
    await next();
  };
}

/** The context key of a request's "has it been acknowledged?" (see `acknowledgeUnhandled`). */
const ACKNOWLEDGED = 'acknowledged';

/**
 * Acknowledges, once every listener has run, a request none of them acknowledged (an unknown
 * action_id or callback_id, a shortcut, a block_suggestion, a view_closed, a listener that failed
 * first…), so Slack hears 200 at once instead of Bolt's 404 after three seconds. Events are
 * acknowledged by Bolt before this runs. Every request's ack() is routed through a tracker that its
 * context carries, so a request a listener acknowledged is never acknowledged a second time.
 */
export function acknowledgeUnhandled(app: App, logger: Logger): void {
  const processEvent = app.processEvent.bind(app);
  app.processEvent = (event) => {
    let acknowledged = false;
    return processEvent({
      ...event,
      ack: (response) => {
        acknowledged = true;
        return event.ack(response);
      },
      customProperties: { ...event.customProperties, [ACKNOWLEDGED]: () => acknowledged },
    });
  };
  app.use(async (args) => {
    try {
      await args.next();
    } finally {
      const acknowledged = args.context[ACKNOWLEDGED] as (() => boolean) | undefined;
      if ('ack' in args && typeof args.ack === 'function' && !acknowledged?.()) {
        await acknowledge(args.ack, args.body, logger);
      }
    }
  });
}

async function acknowledge(ack: () => Promise<void>, body: unknown, logger: Logger): Promise<void> {
  try {
    await ack();
    logger.info(
      { type: (body as { type?: unknown }).type },
      'acknowledged a Slack request no listener handled',
    );
  } catch (error) {
    logger.warn({ err: error }, 'could not acknowledge a Slack request');
  }
}
