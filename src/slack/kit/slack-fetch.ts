import { Agent, request } from 'undici';

/** Statuses whose answer has no body, which a Response must be made without. */
const NO_BODY = new Set([101, 204, 205, 304]);

const dispatcher = new Agent({ keepAliveTimeout: 60_000 });

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
    dispatcher,
  });
  const body = NO_BODY.has(answer.statusCode) ? null : Buffer.from(await answer.body.arrayBuffer());
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return new Response(body, { status: answer.statusCode, headers });
};
