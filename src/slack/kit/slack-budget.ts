import { type WebClient, WebClientEvent } from '@slack/web-api';
import type { SlackRateLimits } from '../../config.js';
import type { Logger } from '../../logger.js';
import { keys } from '../../store/keys.js';
import { type RateLimitStore, StoreUnavailableError, type TokenBucket } from '../../store/types.js';

/** Asks the budget for one call: 0 when it may go now, else the milliseconds to wait. */
export type Permit = (urgent: boolean) => Promise<number>;

/** The Web API methods whose calls a workspace's budget counts, each in a bucket of its own. */
const BUDGETED = ['chat.update', 'chat.startStream', 'chat.appendStream', 'chat.stopStream'] as const;
export type BudgetedMethod = (typeof BUDGETED)[number];
/** Those and posts, which are counted per channel. */
type CountedMethod = BudgetedMethod | 'chat.postMessage';

const isCounted = (method: string): method is CountedMethod =>
  method === 'chat.postMessage' || (BUDGETED as readonly string[]).includes(method);

/** Where budgeted calls go: a channel, in a workspace. */
export interface BudgetedPlace {
  teamId: string;
  channelId: string;
}

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
 * rather than stop every message. A 429 Slack answers one replica empties the bucket for every
 * replica (`follow`).
 */
export class SlackBudget {
  /**
   * The workspace of each channel budgeted here: Slack's 429 names only the call, whose `channel`
   * says which workspace's budget it spent. Per process, one entry a channel.
   */
  private readonly workspaces = new Map<string, string>();

  constructor(
    private readonly store: Pick<RateLimitStore, 'takeToken' | 'emptyBucket'>,
    private readonly limits: SlackRateLimits,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  /**
   * The permit for `method` in the workspace of `place`. An ordinary call leaves part of the bucket
   * to urgent ones, so a first token or a final state never queues behind a stream of ordinary calls.
   */
  calls(place: BudgetedPlace, method: BudgetedMethod): Permit {
    this.workspaces.set(place.channelId, place.teamId);
    const bucket = this.bucketOf(method);
    const keep = Math.floor(bucket.capacity * URGENT_SHARE);
    const key = keys.slackCalls(place.teamId, method).key;
    return (urgent) => this.take(key, { ...bucket, keep: urgent ? 0 : keep });
  }

  /** Resolves once a post in `channelId` is within Slack's limit. */
  async beforePost(teamId: string, channelId: string): Promise<void> {
    this.workspaces.set(channelId, teamId);
    const key = keys.slackCalls(teamId, 'chat.postMessage', channelId).key;
    await whenPermitted(() => this.take(key, { ...this.bucketOf('chat.postMessage'), keep: 0 }), true);
  }

  /**
   * Hears every 429 Slack answers `client` (which waits Retry-After and sends the call again): when
   * the call was a budgeted one, its bucket is emptied in the store for Retry-After seconds, so every
   * replica waits, not only the one Slack refused, instead of each calling until refused in turn.
   */
  follow(client: WebClient): void {
    client.on(
      WebClientEvent.RATE_LIMITED,
      (retryAfterSeconds: number, { url, body }: { url: string; body: Record<string, unknown> }) => {
        const method = url.slice(url.lastIndexOf('/') + 1);
        void this.rateLimited(method, String(body.channel ?? ''), retryAfterSeconds);
      },
    );
  }

  private async rateLimited(method: string, channelId: string, retryAfterSeconds: number): Promise<void> {
    const teamId = this.workspaces.get(channelId);
    if (!teamId || !isCounted(method)) return;
    const key = keys.slackCalls(teamId, method, method === 'chat.postMessage' ? channelId : '').key;
    try {
      await this.store.emptyBucket(key, this.bucketOf(method), retryAfterSeconds * 1000);
    } catch (error) {
      this.logger.warn({ err: error, method }, 'could not share a 429 from Slack with the other replicas');
    }
  }

  /** A method's bucket: about ten seconds of its steady rate. */
  private bucketOf(method: CountedMethod): Omit<TokenBucket, 'keep'> {
    const perMinute = this.perMinute(method);
    return { capacity: burstOf(perMinute), perSecond: perMinute / 60 };
  }

  private perMinute(method: CountedMethod): number {
    switch (method) {
      case 'chat.update':
        return this.limits.updatesPerMinute;
      case 'chat.postMessage':
        return this.limits.postsPerChannelPerMinute;
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
