import { formatUsd } from '../bedrock/pricing.js';
import type { RateLimitStore } from '../store/types.js';

export interface UsageLimits {
  userPerMinute: number;
  teamPerMinute: number;
  dailySpendCapUsd: number;
}

export type UsageDecision = { allowed: true } | { allowed: false; reason: string; retryAfterSeconds: number };

const DAY_SECONDS = 86_400;

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

/** Per-user and per-workspace request limits and a daily spend cap, shared by /compare and chat. */
export class UsageGuard {
  constructor(
    private readonly store: RateLimitStore,
    private readonly limits: UsageLimits,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Counts one request; refuses with a message that says when to try again. */
  async admit(teamId: string, userId: string): Promise<UsageDecision> {
    const now = this.now();
    const spendKey = `spend:${teamId}:${userId}:${dayOf(now)}`;
    // One round trip for both: a hit counted on a request refused for its spend only costs its own user.
    const [spent, user] = await Promise.all([
      this.store.readTotal(spendKey),
      this.store.hit(`user:${teamId}:${userId}`, this.limits.userPerMinute, 60),
    ]);
    if (this.limits.dailySpendCapUsd > 0 && spent >= this.limits.dailySpendCapUsd) {
      const retryAfterSeconds = secondsUntilMidnightUtc(now);
      return {
        allowed: false,
        retryAfterSeconds,
        reason: `You have used your daily Bedrock budget (${formatUsd(spent)} of ${formatUsd(this.limits.dailySpendCapUsd)}). It resets at midnight UTC, in ${wait(retryAfterSeconds)}.`,
      };
    }
    if (!user.allowed) {
      return {
        allowed: false,
        retryAfterSeconds: user.retryAfterSeconds,
        reason: `You are going a bit fast: ${this.limits.userPerMinute} requests a minute at most. Try again in ${wait(user.retryAfterSeconds)}.`,
      };
    }
    const team = await this.store.hit(`team:${teamId}`, this.limits.teamPerMinute, 60);
    if (!team.allowed) {
      return {
        allowed: false,
        retryAfterSeconds: team.retryAfterSeconds,
        reason: `This workspace has reached its limit of ${this.limits.teamPerMinute} requests a minute. Try again in ${wait(team.retryAfterSeconds)}.`,
      };
    }
    return { allowed: true };
  }

  async recordSpend(teamId: string, userId: string, usd: number): Promise<void> {
    if (usd > 0)
      await this.store.addToTotal(`spend:${teamId}:${userId}:${dayOf(this.now())}`, usd, DAY_SECONDS * 2);
  }
}
