import {
  type WebAPICallResult,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  type WebClient,
  WebClientEvent,
} from '@slack/web-api';
import { request } from 'undici';
import { flatHeaders, slackDispatcher } from './slack-fetch.js';
import { RATE_LIMIT_RETRIES, SLACK_CALL_TIMEOUT_MS } from './web-client-options.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A Web API call with a JSON body (which Slack takes for chat.update, with the token as a bearer
 * header), sent over undici by the app itself: for the call a live message makes every second. The
 * Web API client took 13.6% of the app's main thread at 50 compares (bench/load.ts, a CPU profile):
 * a request queue and a retry wrapper per call, form encoding of the blocks, a WHATWG Response, and
 * a debug line that redacts and serialises every answer, built even with debug off (chat.update's
 * answer holds the whole message). For the caller it behaves as that client, as web-client-options.ts
 * sets it up: a 429 is waited out (Retry-After) and sent again, and told to the client's
 * `rate_limited` listeners (the shared budget, slack-budget.ts); any other failure is thrown at once
 * as the client's own error classes, so `isUncertainFailure` reads them alike.
 */
export async function callWithJson(
  client: WebClient,
  method: string,
  args: Record<string, unknown>,
): Promise<WebAPICallResult> {
  const url = `${client.slackApiUrl}${method}`;
  const body = JSON.stringify(args);
  for (let retry = 0; ; retry++) {
    let answer: Awaited<ReturnType<typeof request>>;
    let text: string;
    try {
      answer = await request(url, {
        method: 'POST',
        headers: {
          ...(client.token ? { authorization: `Bearer ${client.token}` } : {}),
          'content-type': 'application/json; charset=utf-8',
        },
        body,
        dispatcher: slackDispatcher,
        signal: AbortSignal.timeout(SLACK_CALL_TIMEOUT_MS),
      });
      text = await answer.body.text();
    } catch (error) {
      throw new WebAPIRequestError(error instanceof Error ? error : new Error(String(error)));
    }
    if (answer.statusCode === 429) {
      const retryAfterSeconds = Number(answer.headers['retry-after'] ?? 1) || 1;
      client.emit(WebClientEvent.RATE_LIMITED, retryAfterSeconds, { url, body: args });
      if (retry >= RATE_LIMIT_RETRIES) throw new WebAPIRateLimitedError(retryAfterSeconds);
      await sleep(retryAfterSeconds * 1000);
      continue;
    }
    if (answer.statusCode !== 200) {
      throw new WebAPIHTTPError(answer.statusCode, '', flatHeaders(answer.headers), text);
    }
    let result: WebAPICallResult & { error?: string };
    try {
      result = JSON.parse(text);
    } catch (error) {
      throw new WebAPIRequestError(error as Error);
    }
    if (!result.ok) throw new WebAPIPlatformError({ ...result, error: result.error ?? 'unknown_error' });
    return result;
  }
}
