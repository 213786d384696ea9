import type { SlackRateLimits } from '../../config.js';
import type { Logger } from '../../logger.js';
import { keys } from '../../store/keys.js';
import { type RateLimitStore, StoreUnavailableError, type TokenBucket } from '../../store/types.js';

/** Asks the budget for one call: 0 when it may go now, else the milliseconds to wait. */
export type Permit = (urgent: boolean) => Promise<number>;

/** Slack tolerates short bursts: a bucket holds this many seconds of its steady rate. */
const BURST_SECONDS = 10;
/** The part of the update budget ordinary streaming updates leave to urgent ones (first tokens, final states). */
const URGENT_SHARE = 0.3;

/** How many calls a budget of `perMinute` lets through at once. */
export const burstOf = (perMinute: number) => Math.max(1, Math.round((perMinute / 60) * BURST_SECONDS));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Slack's rate limits, kept by every replica together: each limit is a token bucket in the store
 * (atomic there), so three replicas streaming into one workspace spend one budget, not three.
 * chat.update is Tier 3, per workspace; posts are about one a second per channel. When the store
 * is unreachable the budget lets calls through (Slack's 429 answers, retried by the Web API
 * client, are the fallback) rather than stop every message.
 */
export class SlackBudget {
  constructor(
    private readonly store: Pick<RateLimitStore, 'takeToken'>,
    private readonly limits: SlackRateLimits,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  /** The permit for chat.update calls in the workspace `teamId`. */
  updates(teamId: string): Permit {
    const capacity = burstOf(this.limits.updatesPerMinute);
    const bucket = { capacity, perSecond: this.limits.updatesPerMinute / 60 };
    const keep = Math.floor(capacity * URGENT_SHARE);
    return (urgent) =>
      this.take(keys.slackCalls(teamId, 'chat.update').key, { ...bucket, keep: urgent ? 0 : keep });
  }

  /** Resolves once a post in `channelId` is within Slack's limit. */
  async beforePost(teamId: string, channelId: string): Promise<void> {
    const perMinute = this.limits.postsPerChannelPerMinute;
    const bucket = { capacity: burstOf(perMinute), perSecond: perMinute / 60, keep: 0 };
    const key = keys.slackCalls(teamId, 'chat.postMessage', channelId).key;
    for (let wait = await this.take(key, bucket); wait > 0; wait = await this.take(key, bucket))
      await sleep(wait);
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
