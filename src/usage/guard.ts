import { formatUsd } from '../bedrock/pricing.js';
import { failed, ok, problem, type Result } from '../result.js';
import { keys, type StoreKey } from '../store/keys.js';
import type { RateLimitResult, RateLimitStore } from '../store/types.js';

export interface UsageLimits {
  userPerMinute: number;
  teamPerMinute: number;
  dailySpendCapUsd: number;
}

const dayOf = (now: Date) => now.toISOString().slice(0, 10);

function secondsUntilMidnightUtc(now: Date): number {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.ceil((midnight - now.getTime()) / 1000);
}

function wait(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  if (seconds < 5400) return `${Math.ceil(seconds / 60)} minutes`;
  return `${Math.round(seconds / 3600)} hours`;
}

const limited = (message: string, retryAfterSeconds: number) =>
  failed(problem('limited', message, { retryAfterSeconds }));

/** Per-user and per-workspace request limits and a daily spend cap, shared by /compare and chat. */
export class UsageGuard {
  constructor(
    private readonly store: RateLimitStore,
    private readonly limits: UsageLimits,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Counts one request; refuses with a `limited` problem that says when to try again. */
  async admit(teamId: string, userId: string): Promise<Result<void>> {
    const now = this.now();
    // One round trip for both: a hit counted on a request refused for its spend only costs its own user.
    const [spent, user] = await Promise.all([
      this.store.readTotal(keys.dailySpend(teamId, userId, dayOf(now)).key),
      this.hit(keys.userRequests(teamId, userId), this.limits.userPerMinute),
    ]);
    const cap = this.limits.dailySpendCapUsd;
    if (cap > 0 && spent >= cap) {
      const retryAfterSeconds = secondsUntilMidnightUtc(now);
      return limited(
        `You have used your daily Bedrock budget (${formatUsd(spent)} of ${formatUsd(cap)}). It resets at midnight UTC, in ${wait(retryAfterSeconds)}.`,
        retryAfterSeconds,
      );
    }
    if (!user.allowed) {
      return limited(
        `You are going a bit fast: ${this.limits.userPerMinute} requests a minute at most. Try again in ${wait(user.retryAfterSeconds)}.`,
        user.retryAfterSeconds,
      );
    }
    const team = await this.hit(keys.teamRequests(teamId), this.limits.teamPerMinute);
    if (!team.allowed) {
      return limited(
        `This workspace has reached its limit of ${this.limits.teamPerMinute} requests a minute. Try again in ${wait(team.retryAfterSeconds)}.`,
        team.retryAfterSeconds,
      );
    }
    return ok(undefined);
  }

  /** What `userId` has spent today (UTC), against the daily cap. */
  spentToday(teamId: string, userId: string): Promise<number> {
    return this.store.readTotal(keys.dailySpend(teamId, userId, dayOf(this.now())).key);
  }

  /** Today's spend and the cap (0: no cap), for a cost estimate checked before anything is spent. */
  async budget(teamId: string, userId: string): Promise<{ spentUsd: number; capUsd: number }> {
    return { spentUsd: await this.spentToday(teamId, userId), capUsd: this.limits.dailySpendCapUsd };
  }

  async recordSpend(teamId: string, userId: string, usd: number): Promise<void> {
    if (usd <= 0) return;
    const { key, ttlSeconds } = keys.dailySpend(teamId, userId, dayOf(this.now()));
    await this.store.addToTotal(key, usd, ttlSeconds);
  }

  /** A request counted in its key's window (the key's TTL is the window's length). */
  private hit({ key, ttlSeconds }: StoreKey, limit: number): Promise<RateLimitResult> {
    return this.store.hit(key, limit, ttlSeconds);
  }
}
