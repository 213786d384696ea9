import { Agent, request } from 'undici';

/** Statuses whose answer has no body, which a Response must be made without. */
const NO_BODY = new Set([101, 204, 205, 304]);

/** Connections to Slack, kept alive and shared by every call the app makes itself. */
export const slackDispatcher = new Agent({ keepAliveTimeout: 60_000 });

/** undici's answer headers as one string each, as a Response and the Web API client's errors carry them. */
export function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/**
 * The Web API client's `fetch`, over undici's `request`: Node's built-in fetch spends about three
 * times the CPU on each call for the WHATWG machinery, and a streaming compare updates its message
 * every second (measured in bench/load.ts). File uploads send a FormData body and keep Node's fetch.
 * Redirects are not followed, as the client asks (`redirect: 'error'` makes a 3xx a failure).
 */
export const slackFetch: typeof fetch = async (input, init) => {
  if (!init || typeof init.body !== 'string' || typeof input !== 'string') return fetch(input, init);
  const answer = await request(input, {
    method: 'POST',
    headers: init.headers as Record<string, string>,
    body: init.body,
    signal: init.signal ?? undefined,
    dispatcher: slackDispatcher,
  });
  const body = NO_BODY.has(answer.statusCode) ? null : Buffer.from(await answer.body.arrayBuffer());
  return new Response(body, { status: answer.statusCode, headers: flatHeaders(answer.headers) });
};
