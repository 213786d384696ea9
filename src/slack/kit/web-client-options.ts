import { ErrorCode, type Logger, type RetryOptions, type WebClientOptions } from '@slack/web-api';
import { slackFetch } from './slack-fetch.js';

/**
 * The Web API client's default policy retries every failed call, including a `chat.postMessage`
 * whose answer was lost after Slack had taken it, which posts the message twice. Only a 429 is
 * certain to have been refused, so only that is retried (after the client has waited Retry-After);
 * any other failure goes back to the caller, which knows whether its call is safe to repeat.
 */
// The client throws this after waiting out a 429's Retry-After, wrapped in a WebAPIRequestError
// ("A request error occurred: A rate limit was exceeded (url: …)"); no other failure says it.
const RATE_LIMITED = /A rate limit was exceeded \(url: /;

function isRateLimitRetry(error: Error): boolean {
  return RATE_LIMITED.test(error.message);
}

/** How many 429s in a row a call waits out before it fails. */
export const RATE_LIMIT_RETRIES = 5;
/** How long a Web API call may take before it fails as a request error. */
export const SLACK_CALL_TIMEOUT_MS = 15_000;

// The client hands retryConfig to p-retry, which honours onFailedAttempt (throwing there stops the
// retries); the published RetryOptions type only lists node-retry's fields, hence the widening.
const onlyRateLimits: RetryOptions & { onFailedAttempt: (error: Error) => void } = {
  retries: RATE_LIMIT_RETRIES,
  minTimeout: 0,
  maxTimeout: 0,
  onFailedAttempt: (error) => {
    if (!isRateLimitRetry(error)) throw error;
  },
};

export function webClientOptions(apiUrl: string | undefined, logger: Logger): WebClientOptions {
  return {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    logger,
    timeout: SLACK_CALL_TIMEOUT_MS,
    retryConfig: onlyRateLimits,
    fetch: slackFetch,
  };
}

/**
 * A failure after which a call may or may not have taken effect: Slack answered 5xx ("it's possible
 * some aspect of the operation succeeded") or the answer never came. A refusal (`ok: false`) or a
 * 429 is certain to have changed nothing.
 */
export function isUncertainFailure(error: unknown): boolean {
  const failure = error as { code?: string; statusCode?: number; message?: string };
  if (failure.code === ErrorCode.HTTPError) return (failure.statusCode ?? 0) >= 500;
  return failure.code === ErrorCode.RequestError && !isRateLimitRetry(error as Error);
}
