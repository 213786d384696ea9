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

async function checkReplay(signature: string, seen: DedupeStore, logger: Logger): Promise<Screened> {
  const replay = keys.signedRequest(signature);
  try {
    if (!(await seen.claimOnce(replay.key, replay.ttlSeconds)))
      return acknowledge('dropped a replay of a signed Slack request already handled', 'warn');
  } catch (error) {
    // Without the store a replay might run twice, but refusing every request would be worse.
    logger.warn({ err: error }, 'could not check a Slack request for replay');
  }
  return PASS;
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
 * from now either way, or a bad signature, is refused (401); a signed body seen before is dropped (a
 * replay; an event Slack redelivers is dropped here when signed as before, else by its event_id);
 * a body Bolt would crash on is refused (400); one Bolt cannot dispatch is acknowledged and ignored.
 * Bolt then parses the already-buffered body and verifies it again.
 */
export function guardSlackRequests(receiver: HTTPReceiver, deps: RequestGateDeps): void {
  const forward = receiver.requestListener;
  const now = deps.now ?? Date.now;

  async function screen(request: IncomingMessage): Promise<Screened> {
    const buffered = await readBody(request);
    if (!buffered.ok) return buffered;
    const raw = buffered.value.rawBody.toString();
    const form = request.headers['content-type'] === 'application/x-www-form-urlencoded';
    // Slack's unsigned SSL check; Bolt answers it and ignores anything else in it.
    if (form && new URLSearchParams(raw).get('ssl_check') === '1') return PASS;
    const signature = checkSignature(request, raw, deps.signingSecret, now());
    if (!signature.ok) return signature;
    const body = parseBody(buffered.value);
    if (!body.ok) return body;
    const fresh = await checkReplay(signature.value, deps.seen, deps.logger);
    return fresh.ok ? checkDispatchable(body.value) : fresh;
  }

  receiver.requestListener = (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'POST' || path !== SLACK_ENDPOINT) return forward(request, response);
    void screen(request)
      .then((screened) => {
        if (screened.ok) return forward(request, response);
        const { level, status, message } = screened.problem;
        deps.logger[level]({ status }, message);
        response.writeHead(status);
        response.end();
      })
      .catch((error: unknown) => {
        deps.logger.error({ err: error }, 'could not screen a Slack request');
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
  };
}
