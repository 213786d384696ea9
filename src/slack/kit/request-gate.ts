import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTPModuleFunctions, type HTTPReceiver, isRawBodyError, verifySlackRequest } from '@slack/bolt';
// Bolt's own test for whether it can dispatch a body at all; one it cannot is never acknowledged.
import { getTypeAndConversation } from '@slack/bolt/dist/helpers.js';
import type { Logger } from '../../logger.js';
import { failed, ok, type Result } from '../../result.js';
import { keys } from '../../store/keys.js';
import type { DedupeStore } from '../../store/types.js';

/** Slack's bound on the difference between a request's timestamp and now, either way. */
const MAX_CLOCK_SKEW_SECONDS = 5 * 60;
const SLACK_ENDPOINT = '/slack/events';

/** How a request that is not passed on to Bolt is answered, and logged. */
interface Refusal {
  status: number;
  message: string;
  level: 'warn' | 'info';
}

/** Each step of the screening passes the request on (with what it read) or stops it with a refusal. */
type Screened<T = void> = Result<T, Refusal>;

const PASS: Screened = ok(undefined);

const refuse = (status: number, reason: string): Screened<never> =>
  failed({ status, message: `refused a Slack request: ${reason}`, level: 'warn' });

/** Answered 200 at once, so Slack neither retries it nor counts it against the app, and not passed on. */
const acknowledge = (message: string, level: 'warn' | 'info'): Screened<never> =>
  failed({ status: 200, message, level });

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What makes a signed body unusable, in Bolt's hands (it would crash or answer 500), or undefined. */
function shapeProblem(body: unknown): string | undefined {
  if (!isObject(body)) return 'the body is not a JSON object';
  if ('event' in body && !isObject(body.event)) return 'its event is not an object';
  if ('actions' in body && !Array.isArray(body.actions)) return 'its actions are not a list';
  if ((body.type === 'view_submission' || body.type === 'view_closed') && !isObject(body.view))
    return `a ${body.type} without a view`;
  return undefined;
}

type Buffered = Awaited<ReturnType<typeof HTTPModuleFunctions.bufferIncomingMessage>>;

async function readBody(request: IncomingMessage): Promise<Screened<Buffered>> {
  try {
    return ok(await HTTPModuleFunctions.bufferIncomingMessage(request, HTTPModuleFunctions.defaultBodyLimit));
  } catch (error) {
    return isRawBodyError(error) && error.statusCode === 413
      ? refuse(413, 'the body is too large')
      : refuse(400, 'the body could not be read');
  }
}

/** The request's signature, when Slack signed this body within its clock window. */
function checkSignature(
  request: IncomingMessage,
  raw: string,
  signingSecret: string,
  nowMs: number,
): Screened<string> {
  const signature = request.headers['x-slack-signature'];
  const timestamp = Number(request.headers['x-slack-request-timestamp']);
  if (typeof signature !== 'string' || !Number.isFinite(timestamp)) return refuse(401, 'it is not signed');
  try {
    verifySlackRequest({
      signingSecret,
      body: raw,
      headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
      nowMilliseconds: nowMs,
    });
  } catch (error) {
    return refuse(401, (error as Error).message);
  }
  if (Math.abs(nowMs / 1000 - timestamp) > MAX_CLOCK_SKEW_SECONDS)
    return refuse(401, 'its timestamp is more than 5 minutes from now');
  return ok(signature);
}

function parseBody(buffered: Buffered): Screened<Record<string, unknown>> {
  let body: unknown;
  try {
    body = HTTPModuleFunctions.parseHTTPRequestBody(buffered);
  } catch {
    return refuse(400, 'the body is not JSON or a form');
  }
  const problem = shapeProblem(body);
  return problem ? refuse(400, problem) : ok(body as Record<string, unknown>);
}

/**
 * Whether this is the first delivery of a signed body, claimed in the store across replicas. Without
 * the store a replay might run twice, but refusing every request would be worse: it counts as first.
 */
async function claimFirstDelivery(signature: string, seen: DedupeStore, logger: Logger): Promise<boolean> {
  const replay = keys.signedRequest(signature);
  try {
    return await seen.claimOnce(replay.key, replay.ttlSeconds);
  } catch (error) {
    logger.warn({ err: error }, 'could not check a Slack request for replay');
    return true;
  }
}

const REPLAY_DROPPED = 'dropped a replay of a signed Slack request already handled';

/**
 * A slash command's ack and an event's are empty, so they need not wait for the store: the replay
 * check runs beside the ack and the work waits for it (`firstDelivery`). An interaction's ack may
 * carry its answer (a form's errors, a list of options), so it waits for the check here.
 */
const acksBeforeReplayCheck = (body: Record<string, unknown>) =>
  typeof body.command === 'string' || body.type === 'event_callback';

/** The key under which Bolt's context carries the replay check of a request acked before it. */
const FIRST_DELIVERY = 'firstDelivery';

/**
 * Whether the request behind a listener's `context` is the first delivery of its signed body: its
 * work runs only then. Resolves to true for requests the gate checked before Bolt saw them.
 */
export function firstDelivery(context: Record<string, unknown>): Promise<boolean> {
  const check = context[FIRST_DELIVERY];
  return check instanceof Promise ? check : Promise.resolve(true);
}

/** Whether Bolt has anything to do with this body; what it would only drop is acknowledged here. */
function checkDispatchable(body: Record<string, unknown>): Screened {
  if (body.type === 'app_rate_limited') {
    // Slack drops this workspace's events for the rest of the minute; nothing is owed back but the 200.
    const minute = Number(body.minute_rate_limited);
    const since = Number.isFinite(minute) ? new Date(minute * 1000).toISOString() : 'now';
    return acknowledge(
      `Slack is rate-limiting this app's events for team ${String(body.team_id)} since ${since}: events are being dropped`,
      'warn',
    );
  }
  if (getTypeAndConversation(body).type === undefined)
    return acknowledge(
      `ignored a Slack request of a kind the app does not handle (${String(body.type)})`,
      'info',
    );
  return PASS;
}

export interface RequestGateDeps {
  signingSecret: string;
  /** Where signatures already seen are remembered, across replicas. */
  seen: DedupeStore;
  logger: Logger;
  now?: () => number;
}

/**
 * Screens every request to Slack's endpoint before Bolt sees it: a timestamp more than five minutes
 * from now either way, or a bad signature, is refused (401); a body Bolt would crash on is refused
 * (400); one Bolt cannot dispatch is acknowledged and ignored; a signed body seen before is dropped (a
 * replay; an event Slack redelivers is dropped when signed as before, else by its event_id), here or,
 * for a slash command or an event, after its ack (`firstDelivery`), so no ack waits on the store.
 * Bolt then parses the already-buffered body; it is told not to verify the signature again.
 */
export class RequestGate {
  private readonly checks = new WeakMap<IncomingMessage, Promise<boolean>>();

  constructor(private readonly deps: RequestGateDeps) {}

  /** Bolt's `customPropertiesExtractor`: hands a request's replay check to its listeners' context. */
  readonly properties = (request: IncomingMessage): Record<string, unknown> => {
    const check = this.checks.get(request);
    return check ? { [FIRST_DELIVERY]: check } : {};
  };

  guard(receiver: HTTPReceiver): void {
    const forward = receiver.requestListener;
    const { logger } = this.deps;
    receiver.requestListener = (request: IncomingMessage, response: ServerResponse) => {
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      if (request.method !== 'POST' || path !== SLACK_ENDPOINT) return forward(request, response);
      void this.screen(request)
        .then((screened) => {
          if (screened.ok) return forward(request, response);
          const { level, status, message } = screened.problem;
          logger[level]({ status }, message);
          response.writeHead(status);
          response.end();
        })
        .catch((error: unknown) => {
          logger.error({ err: error }, 'could not screen a Slack request');
          if (!response.headersSent) response.writeHead(500);
          response.end();
        });
    };
  }

  private async screen(request: IncomingMessage): Promise<Screened> {
    const { signingSecret, seen, logger } = this.deps;
    const buffered = await readBody(request);
    if (!buffered.ok) return buffered;
    const raw = buffered.value.rawBody.toString();
    const form = request.headers['content-type'] === 'application/x-www-form-urlencoded';
    // Slack's unsigned SSL check; Bolt answers it and ignores anything else in it.
    if (form && new URLSearchParams(raw).get('ssl_check') === '1') return PASS;
    const signature = checkSignature(request, raw, signingSecret, (this.deps.now ?? Date.now)());
    if (!signature.ok) return signature;
    const body = parseBody(buffered.value);
    if (!body.ok) return body;
    const dispatchable = checkDispatchable(body.value);
    if (!dispatchable.ok) return dispatchable;
    const first = claimFirstDelivery(signature.value, seen, logger);
    if (acksBeforeReplayCheck(body.value)) {
      this.checks.set(
        request,
        first.then((fresh) => {
          if (!fresh) logger.warn(REPLAY_DROPPED);
          return fresh;
        }),
      );
      return PASS;
    }
    return (await first) ? PASS : acknowledge(REPLAY_DROPPED, 'warn');
  }
}
