import type { PriceBook } from '../bedrock/pricing.js';
import type { Leaderboard, Standing } from '../compare/leaderboard.js';
import type { CompareRequests } from '../compare/request.js';
import type { Throughput } from '../jobs/client.js';
import type { Job } from '../jobs/types.js';
import { failed, ok, type Result } from '../result.js';
import type { JobWatch, PreferenceStore, WatchStore } from '../store/types.js';
import type { UsageGuard } from '../usage/guard.js';
import { type UsageLedger, type UsageReport, WORKSPACE } from '../usage/ledger.js';

/** A watched job as Home lists it: its name and status as Bedrock lists them, else as its watch last told them. */
export interface WatchedJob {
  jobArn: string;
  /** Undefined when the job is not among the newest Bedrock lists. */
  name?: string;
  channelId: string;
  /** Undefined until the watch has told anything (and Bedrock does not list the job). */
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
  /** The newest customization jobs, for the names and statuses of watched ones. */
  jobs: () => Promise<Pick<Job, 'arn' | 'name' | 'status'>[]>;
  prices: Pick<PriceBook, 'provisionedPerHour'>;
  /** Who may see provisioned throughputs (the jobs allow-list). */
  mayListJobs: (teamId: string, userId: string) => Promise<boolean>;
  admins: string[];
  /** How long a listing of throughputs or jobs is reused, so many Homes opened at once ask Bedrock once. */
  listingCacheMs?: number;
}

const TOP_STANDINGS = 5;
const LISTING_CACHE_MS = 60_000;

/** A listing reused for a while, shared by concurrent callers; a failed one is not kept. */
class CachedListing<T> {
  private cached?: { at: number; listing: Promise<T[]> };

  constructor(
    private readonly fetch: () => Promise<T[]>,
    private readonly maxAgeMs: number,
    private readonly now: () => number,
  ) {}

  async get(): Promise<T[]> {
    if (!this.cached || this.now() - this.cached.at > this.maxAgeMs) {
      this.cached = { at: this.now(), listing: this.fetch() };
    }
    const cached = this.cached;
    try {
      return await cached.listing;
    } catch (error) {
      if (this.cached === cached) this.cached = undefined;
      throw error;
    }
  }
}

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
  private readonly throughputListing: CachedListing<Throughput>;
  private readonly jobListing: CachedListing<Pick<Job, 'arn' | 'name' | 'status'>>;

  constructor(
    private readonly deps: HomeOverviewsDeps,
    now: () => number = Date.now,
  ) {
    const maxAge = deps.listingCacheMs ?? LISTING_CACHE_MS;
    this.throughputListing = new CachedListing(deps.throughputs, maxAge, now);
    this.jobListing = new CachedListing(deps.jobs, maxAge, now);
  }

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
      watches: await this.watched(
        watches.filter((watch) => watch.teamId === teamId && watch.userId === userId),
      ),
      throughputs: mayList ? await this.throughputs() : undefined,
      workspace: workspace ? { today: workspace[0], month: workspace[1] } : undefined,
    };
  }

  /** Watched jobs with Bedrock's names and statuses; what the watches last told when Bedrock cannot be asked. */
  private async watched(watches: JobWatch[]): Promise<WatchedJob[]> {
    if (watches.length === 0) return [];
    const listed = await this.jobListing.get().catch(() => []);
    return watches.map((watch) => {
      const job = listed.find((entry) => entry.arn === watch.jobArn);
      return {
        jobArn: watch.jobArn,
        name: job?.name,
        channelId: watch.channelId,
        status: job?.status ?? statusOf(watch),
      };
    });
  }

  private async throughputs(): Promise<Result<PricedThroughput[], string>> {
    try {
      const listing = await this.throughputListing.get();
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
      return failed(error instanceof Error ? error.name : 'unknown error');
    }
  }
}
