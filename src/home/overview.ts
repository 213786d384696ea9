import type { PriceBook } from '../bedrock/pricing.js';
import type { Leaderboard, Standing } from '../compare/leaderboard.js';
import type { CompareRequests } from '../compare/request.js';
import type { Throughput } from '../jobs/client.js';
import { failed, ok, type Result } from '../result.js';
import type { JobWatch, PreferenceStore, WatchStore } from '../store/types.js';
import type { UsageGuard } from '../usage/guard.js';
import { type UsageLedger, type UsageReport, WORKSPACE } from '../usage/ledger.js';

/** A watched job as Home lists it: the status the watch last told its thread. */
export interface WatchedJob {
  jobArn: string;
  channelId: string;
  /** Undefined until the watch has told anything. */
  status?: string;
}

export interface PricedThroughput extends Throughput {
  /**
   * Its model units at the base model's no-commitment hourly price in PRICES_FILE; undefined when the
   * table has none, or the throughput has a commitment (priced apart, per term).
   */
  hourlyUsd?: number;
}

/** Everything one person's App Home shows, Slack-free: the Slack layer only lays it out. */
export interface HomeOverview {
  today: UsageReport;
  month: UsageReport;
  /** 0: no daily cap. */
  dailyCapUsd: number;
  spentTodayUsd: number;
  defaults: {
    compareModels: string[];
    /** True when the person saved no set of their own, so the workspace's applies. */
    compareIsWorkspaceDefault: boolean;
    chatModel: string;
    chatIsWorkspaceDefault: boolean;
  };
  /** The workspace leaderboard's top entries. */
  standings: Standing[];
  watches: WatchedJob[];
  /** Undefined when the person may not see them (jobs allow-list); a failure says why they could not be listed. */
  throughputs?: Result<PricedThroughput[], string>;
  /** Only for the people in ADMIN_USERS. */
  workspace?: { today: UsageReport; month: UsageReport };
}

export interface HomeOverviewsDeps {
  usage: Pick<UsageLedger, 'report'>;
  guard: Pick<UsageGuard, 'spentToday'>;
  dailyCapUsd: number;
  requests: Pick<CompareRequests, 'savedSet'>;
  preferences: PreferenceStore;
  defaultChatModel: string;
  leaderboard: Pick<Leaderboard, 'standings'>;
  watches: Pick<WatchStore, 'listWatches'>;
  throughputs: () => Promise<Throughput[]>;
  prices: Pick<PriceBook, 'provisionedPerHour'>;
  /** Who may see provisioned throughputs (the jobs allow-list). */
  mayListJobs: (teamId: string, userId: string) => Promise<boolean>;
  admins: string[];
  /** How long a listing of throughputs is reused, so many Homes opened at once ask Bedrock once. */
  throughputCacheMs?: number;
}

const TOP_STANDINGS = 5;
const THROUGHPUT_CACHE_MS = 60_000;

/** The status in a watch's `lastSeen` (`InProgress|…`, or a pending claim on its way to one). */
function statusOf(watch: JobWatch): string | undefined {
  const seen = watch.lastSeen;
  if (!seen || seen === '-') return undefined;
  if (seen.startsWith('pending:')) {
    try {
      const claim = JSON.parse(seen.slice('pending:'.length)) as { to?: unknown };
      return typeof claim.to === 'string' ? claim.to.split('|')[0] : undefined;
    } catch {
      return undefined;
    }
  }
  return seen.split('|')[0];
}

/** Gathers one person's App Home: their usage and budget, defaults, the leaderboard, jobs and throughputs. */
export class HomeOverviews {
  private cached?: { at: number; listing: Promise<Throughput[]> };

  constructor(
    private readonly deps: HomeOverviewsDeps,
    private readonly now: () => number = Date.now,
  ) {}

  async of(teamId: string, userId: string): Promise<HomeOverview> {
    const { deps } = this;
    const admin = deps.admins.includes(userId);
    const [today, month, spentTodayUsd, compareModels, preferences, standings, watches, mayList, workspace] =
      await Promise.all([
        deps.usage.report(teamId, userId, 'day'),
        deps.usage.report(teamId, userId, 'month'),
        deps.guard.spentToday(teamId, userId),
        deps.requests.savedSet({ teamId, userId }),
        deps.preferences.getPreferences(teamId, userId),
        deps.leaderboard.standings(teamId),
        deps.watches.listWatches(),
        deps.mayListJobs(teamId, userId),
        admin
          ? Promise.all([
              deps.usage.report(teamId, WORKSPACE, 'day'),
              deps.usage.report(teamId, WORKSPACE, 'month'),
            ])
          : undefined,
      ]);
    return {
      today,
      month,
      dailyCapUsd: deps.dailyCapUsd,
      spentTodayUsd,
      defaults: {
        compareModels,
        compareIsWorkspaceDefault: !preferences.compareModels?.length,
        chatModel: preferences.chatModel ?? deps.defaultChatModel,
        chatIsWorkspaceDefault: !preferences.chatModel,
      },
      standings: standings.slice(0, TOP_STANDINGS),
      watches: watches
        .filter((watch) => watch.teamId === teamId && watch.userId === userId)
        .map((watch) => ({ jobArn: watch.jobArn, channelId: watch.channelId, status: statusOf(watch) })),
      throughputs: mayList ? await this.throughputs() : undefined,
      workspace: workspace ? { today: workspace[0], month: workspace[1] } : undefined,
    };
  }

  private async throughputs(): Promise<Result<PricedThroughput[], string>> {
    const maxAge = this.deps.throughputCacheMs ?? THROUGHPUT_CACHE_MS;
    if (!this.cached || this.now() - this.cached.at > maxAge) {
      this.cached = { at: this.now(), listing: this.deps.throughputs() };
    }
    const cached = this.cached;
    try {
      const listing = await cached.listing;
      return ok(
        listing.map((throughput) => {
          const perUnit = throughput.commitment
            ? undefined
            : this.deps.prices.provisionedPerHour(throughput.foundationModelArn.split('/').pop() ?? '');
          return {
            ...throughput,
            hourlyUsd: perUnit === undefined ? undefined : perUnit * throughput.modelUnits,
          };
        }),
      );
    } catch (error) {
      // A failed listing is not kept: the next Home open asks again.
      if (this.cached === cached) this.cached = undefined;
      return failed(error instanceof Error ? error.name : 'unknown error');
    }
  }
}
