import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from '../logger.js';
import type { Metrics } from '../ops/metrics.js';
import type { DedupeStore } from '../store/types.js';

/** Slack redelivers an event it thinks was lost (X-Slack-Retry-Num); an hour covers its retry window. */
const EVENT_DEDUPE_SECONDS = 3600;

/**
 * Drops redelivered Events API callbacks, across replicas: the first delivery of an `event_id` claims
 * it in the store. Bolt has already acked events before middleware runs, so dropping is silent.
 */
export function dropRedeliveredEvents(store: DedupeStore, logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next }) => {
    const eventId = 'event_id' in body && typeof body.event_id === 'string' ? body.event_id : undefined;
    if (eventId) {
      const teamId = 'team_id' in body && typeof body.team_id === 'string' ? body.team_id : 'unknown';
      try {
        if (!(await store.claimOnce(`event:${teamId}:${eventId}`, EVENT_DEDUPE_SECONDS))) {
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
