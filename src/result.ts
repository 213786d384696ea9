/**
 * The one shape of an outcome that may fail in an expected way (bad input, a limit, something gone),
 * for every use case: `ok` says which, `value` or `problem` carries the rest. Unexpected failures
 * stay exceptions. The Slack layer turns a `Problem` into a message in one place
 * (`src/slack/kit/problem.ts`), so a use case never words a Slack message itself.
 */
export type Result<T, P = Problem> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: P };

/** What went wrong, in words for the person who asked (plain text, may hold `code` in backticks). */
export interface Problem {
  readonly kind: ProblemKind;
  readonly message: string;
  /** For `limited`: when asking again can succeed. */
  readonly retryAfterSeconds?: number;
  /** People the message names on purpose (Slack user IDs); any other mention in it is defused. */
  readonly mentions?: readonly string[];
}

export type ProblemKind =
  /** The request itself is wrong: an unknown option, a bad value, a model that does not exist. */
  | 'invalid'
  /** A rate limit or spend cap: try again later. */
  | 'limited'
  /** The person may not do this here. */
  | 'forbidden'
  /** What it acts on is gone or too old (a run past its TTL, a deleted job). */
  | 'gone'
  /** It cannot be done in its current state (a finished job cannot be stopped, a vote already cast). */
  | 'conflict'
  /** A dependency (Bedrock, the store) cannot serve it now. */
  | 'unavailable';

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });

export const failed = <P = Problem>(problem: P): Result<never, P> => ({ ok: false, problem });

export const problem = (kind: ProblemKind, message: string, extra: Partial<Problem> = {}): Problem => ({
  kind,
  message,
  ...extra,
});
