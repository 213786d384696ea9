/** How long the app keeps trying a call whose failure would leave a message unfinished, unsent or unsaved. */
export interface RetryTiming {
  /** The first wait; each next one doubles, up to 8 times the first. */
  backoffMs: number;
  /** After this long the app stops trying (and, for a final update, posts the final state afresh). */
  deadlineMs: number;
}

/** Final updates: Slack's 5xx outages last seconds; past this the final state is posted afresh. */
export const DEFAULT_SLACK_RETRY: RetryTiming = { backoffMs: 500, deadlineMs: 20_000 };

/**
 * Tries `attempt` until it succeeds or the deadline passes, backing off between tries; throws the
 * last failure, or at once the first failure `retryable` refuses.
 */
export async function retryUntil<T>(
  attempt: () => Promise<T>,
  timing: RetryTiming,
  retryable: (error: unknown) => boolean = () => true,
): Promise<T> {
  const deadline = Date.now() + timing.deadlineMs;
  for (let wait = timing.backoffMs; ; wait = Math.min(wait * 2, timing.backoffMs * 8)) {
    try {
      return await attempt();
    } catch (error) {
      if (!retryable(error) || Date.now() + wait > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/**
 * Runs `work` detached, retrying it until the deadline (the store coming back, say); `onGiveUp`
 * reports the last failure. Nothing waits for it: the person has their answer already.
 */
export function retryInBackground(
  work: () => Promise<unknown>,
  timing: RetryTiming,
  onGiveUp: (error: unknown) => void,
): void {
  retryUntil(work, timing).catch(onGiveUp);
}
