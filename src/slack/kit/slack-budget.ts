import type { SlackRateLimits } from '../../config.js';
import type { Logger } from '../../logger.js';
import { keys } from '../../store/keys.js';
import { type RateLimitStore, StoreUnavailableError, type TokenBucket } from '../../store/types.js';

/** Asks the budget for one call: 0 when it may go now, else the milliseconds to wait. */
export type Permit = (urgent: boolean) => Promise<number>;

/** The Web API methods whose calls a workspace's budget counts, each in a bucket of its own. */
export type BudgetedMethod = 'chat.update' | 'chat.startStream' | 'chat.appendStream' | 'chat.stopStream';

/** Slack tolerates short bursts: a bucket holds this many seconds of its steady rate. */
const BURST_SECONDS = 10;
/** The part of a budget ordinary calls leave to urgent ones (first tokens, final states, starved streams). */
const URGENT_SHARE = 0.3;

/** How many calls a budget of `perMinute` lets through at once. */
export const burstOf = (perMinute: number) => Math.max(1, Math.round((perMinute / 60) * BURST_SECONDS));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves once `permit` lets one call go. A budget that cannot say (the store is out) lets it go:
 * the budget is a courtesy to Slack, and a final state is never held back for it.
 */
export async function whenPermitted(permit: Permit, urgent: boolean): Promise<void> {
  const ask = () => permit(urgent).catch(() => 0);
  for (let later = await ask(); later > 0; later = await ask()) await sleep(later);
}

/**
 * Slack's rate limits, kept by every replica together: each limit is a token bucket in the store
 * (atomic there), so three replicas streaming into one workspace spend one budget, not three.
 * chat.update is Tier 3, chat.startStream and chat.stopStream Tier 2 and chat.appendStream Tier 4,
 * each per workspace; posts are about one a second per channel. When the store is unreachable the
 * budget lets calls through (Slack's 429 answers, retried by the Web API client, are the fallback)
 * rather than stop every message.
 */
export class SlackBudget {
  constructor(
    private readonly store: Pick<RateLimitStore, 'takeToken'>,
    private readonly limits: SlackRateLimits,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  /**
   * The permit for `method` in the workspace `teamId`. An ordinary call leaves part of the bucket to
   * urgent ones, so a first token or a final state never queues behind a stream of ordinary calls.
   */
  calls(teamId: string, method: BudgetedMethod): Permit {
    const perMinute = this.perMinute(method);
    const capacity = burstOf(perMinute);
    const bucket = { capacity, perSecond: perMinute / 60 };
    const keep = Math.floor(capacity * URGENT_SHARE);
    const key = keys.slackCalls(teamId, method).key;
    return (urgent) => this.take(key, { ...bucket, keep: urgent ? 0 : keep });
  }

  /** Resolves once a post in `channelId` is within Slack's limit. */
  async beforePost(teamId: string, channelId: string): Promise<void> {
    const perMinute = this.limits.postsPerChannelPerMinute;
    const bucket = { capacity: burstOf(perMinute), perSecond: perMinute / 60, keep: 0 };
    const key = keys.slackCalls(teamId, 'chat.postMessage', channelId).key;
    await whenPermitted(() => this.take(key, bucket), true);
  }

  private perMinute(method: BudgetedMethod): number {
    switch (method) {
      case 'chat.update':
        return this.limits.updatesPerMinute;
      case 'chat.startStream':
      case 'chat.stopStream':
        return this.limits.streamsPerMinute;
      case 'chat.appendStream':
        return this.limits.streamAppendsPerMinute;
    }
  }

  private async take(key: string, bucket: TokenBucket): Promise<number> {
    try {
      return await this.store.takeToken(key, bucket);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      this.logger.warn({ err: error }, 'Slack rate budget unavailable: calling Slack without it');
      return 0;
    }
  }
}
