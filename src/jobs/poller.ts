import { randomUUID } from 'node:crypto';
import { classifyBedrockError } from '../bedrock/errors.js';
import type { Logger } from '../logger.js';
import type { JobWatch, LockStore, WatchStore } from '../store/types.js';
import type { Deployment, JobsClient, Throughput } from './client.js';
import { FINISHED, type Job, signatureOf } from './types.js';

export interface JobChange {
  /** The signature last told to this watch, if any (see `signatureOf`). */
  previous?: string;
  current: string;
  /** A provisioned throughput serving the finished custom model, when one exists. */
  throughputArn?: string;
  /** An active on-demand deployment of the finished custom model, when one exists. */
  deploymentArn?: string;
}

/** A change of a watched deployment (its status), told like a job's. */
export interface DeploymentChange {
  previous?: string;
  current: string;
}

/** Watches of deployments share the job watches' store and thread, keyed by the deployment's ARN. */
const isDeploymentArn = (arn: string) => arn.includes(':custom-model-deployment/');
const DEPLOYMENT_FINISHED = new Set(['Active', 'Failed']);

/** How watchers hear of a change. Slack implements it; the poller knows nothing of Slack. */
export interface JobNotifier {
  tell(watch: JobWatch, job: Job, change: JobChange): Promise<void>;
  tellDeployment(watch: JobWatch, deployment: Deployment, change: DeploymentChange): Promise<void>;
  /**
   * Whether the watch's thread already holds the message for `signature`, for a change a poller
   * claimed and then died; undefined when it cannot tell right now.
   */
  alreadyTold(watch: JobWatch, signature: string): Promise<boolean | undefined>;
}

export interface JobPollerDeps {
  watches: WatchStore & LockStore;
  jobs: JobsClient;
  notifier: JobNotifier;
  intervalMs: number;
  logger: Logger;
  /** Whether job details may still go to this channel; a watch left in a channel no longer allowed ends. */
  channelAllowed: (channelId: string) => boolean;
  now?: () => number;
}

const LOCK = 'finetune-poller';
/** Jobs listed per page; one page covers every watched job of most accounts. */
const PAGE_SIZE = 100;
const MAX_PAGES = 3;
const MAX_BACKOFF_MS = 15 * 60_000;

/** A change claimed by a poller and not yet confirmed as told; kept in the watch's `lastSeen`. */
interface Claim {
  at: number;
  from?: string;
  to: string;
}
const CLAIM_PREFIX = 'pending:';
const claimOf = (lastSeen: string | undefined): Claim | undefined =>
  lastSeen?.startsWith(CLAIM_PREFIX) ? (JSON.parse(lastSeen.slice(CLAIM_PREFIX.length)) as Claim) : undefined;
const claimText = (claim: Claim) => `${CLAIM_PREFIX}${JSON.stringify(claim)}`;
/** What `lastSeen` holds after recovering a claim on a watch that had never been told anything. */
const NOTHING_TOLD = '-';

/**
 * Watches customization jobs and tells each watch's thread about every status or stage change,
 * exactly once. One poller runs across all replicas: a lock in the store with expiry elects it, and
 * another replica takes over within one interval when it dies. Each change is claimed in the store
 * before it is told (the claim re-dated while Slack keeps the post waiting) and confirmed after, so a
 * poller that dies in between is detected and its message sent (or found) by the next one.
 */
export class JobPoller {
  readonly owner = randomUUID();
  private leader = false;
  private timer?: NodeJS.Timeout;
  private electing = false;
  private polling = false;
  private lastPollAt = Number.NEGATIVE_INFINITY;
  private backoffMs = 0;
  private readonly now: () => number;

  constructor(private readonly deps: JobPollerDeps) {
    this.now = deps.now ?? Date.now;
  }

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    // Followers try for the lock three times an interval, so a dead leader is replaced within one.
    this.timer = setInterval(() => void this.tick(), Math.max(50, this.deps.intervalMs / 3));
    void this.tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.leader) await this.deps.watches.releaseLock(LOCK, this.owner).catch(() => false);
    this.leader = false;
  }

  private async tick(): Promise<void> {
    await this.holdLeadership();
    const { intervalMs } = this.deps;
    if (!this.leader || this.polling || this.now() - this.lastPollAt < intervalMs + this.backoffMs) return;
    this.polling = true;
    this.lastPollAt = this.now();
    try {
      await this.pollOnce();
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'job poller tick failed');
    } finally {
      this.polling = false;
    }
  }

  /**
   * Renews (or tries for) the lock on every tick, even while a poll is still running: a poll held up
   * by Slack's Retry-After must not let the lock lapse and another replica tell the same change.
   */
  private async holdLeadership(): Promise<void> {
    if (this.electing) return;
    this.electing = true;
    try {
      const { watches, intervalMs } = this.deps;
      this.leader = this.leader
        ? await watches.renewLock(LOCK, this.owner, intervalMs)
        : await watches.acquireLock(LOCK, this.owner, intervalMs);
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'job poller could not renew its lock');
    } finally {
      this.electing = false;
    }
  }

  /** One pass over every watched job. */
  async pollOnce(): Promise<void> {
    const all = await this.deps.watches.listWatches();
    const watches = all.filter((watch) => !isDeploymentArn(watch.jobArn));
    await this.pollDeployments(all.filter((watch) => isDeploymentArn(watch.jobArn)));
    if (watches.length === 0) return;
    let jobs: Map<string, Job>;
    try {
      jobs = await this.fetch(new Set(watches.map((watch) => watch.jobArn)));
      this.backoffMs = 0;
    } catch (error) {
      if (classifyBedrockError(error).kind !== 'throttled') throw error;
      this.backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(this.deps.intervalMs, this.backoffMs * 2));
      this.deps.logger.warn({ backoffMs: this.backoffMs }, 'Bedrock throttled the job poller; backing off');
      return;
    }
    const throughputs = this.throughputsOnce();
    for (const [arn, job] of jobs) {
      await this.deliver(
        watches.filter((watch) => watch.jobArn === arn),
        job,
        throughputs,
      );
    }
  }

  /** Each watched deployment, one GetCustomModelDeployment each: there are few, and each ends in minutes. */
  private async pollDeployments(watches: JobWatch[]): Promise<void> {
    for (const arn of new Set(watches.map((watch) => watch.jobArn))) {
      const watching = watches.filter((watch) => watch.jobArn === arn);
      let deployment: Deployment;
      try {
        deployment = await this.deps.jobs.deployment(arn);
      } catch (error) {
        // Anything else (throttling, an outage) waits for the next poll, without holding up the jobs.
        if (classifyBedrockError(error).kind !== 'not-found') {
          this.deps.logger.warn({ err: error, deploymentArn: arn }, 'could not read a watched deployment');
          continue;
        }
        this.deps.logger.warn({ deploymentArn: arn }, 'a watched deployment no longer exists');
        for (const watch of watching) await this.deps.watches.removeWatch(watch.jobArn, watch.channelId);
        continue;
      }
      for (const watch of watching.filter((entry) => entry.lastSeen !== deployment.status)) {
        try {
          await this.tellOnce(
            watch,
            deployment.status,
            DEPLOYMENT_FINISHED.has(deployment.status),
            (change) => this.deps.notifier.tellDeployment(watch, deployment, change),
          );
        } catch (error) {
          this.deps.logger.warn(
            { err: error, deploymentArn: arn },
            'could not tell a watch about a deployment',
          );
        }
      }
    }
  }

  /** The EventBridge path: a job's state changed; tell its watchers as a poll would. */
  async onJobStateChange(jobArn: string): Promise<void> {
    const watches = (await this.deps.watches.listWatches()).filter((watch) => watch.jobArn === jobArn);
    if (watches.length === 0) return;
    await this.deliver(watches, await this.deps.jobs.get(jobArn), this.throughputsOnce());
  }

  /** The account's provisioned throughputs, listed at most once per pass and only when a job completed. */
  private throughputsOnce(): () => Promise<Throughput[]> {
    let listed: Promise<Throughput[]> | undefined;
    return () => {
      listed ??= this.deps.jobs.throughputs();
      return listed;
    };
  }

  /** Newest first, a page of 100 at a time, until every watched job is found; the rest one by one. */
  private async fetch(wanted: Set<string>): Promise<Map<string, Job>> {
    const found = new Map<string, Job>();
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES && found.size < wanted.size; page++) {
      const answer = await this.deps.jobs.list({ maxResults: PAGE_SIZE, nextToken });
      for (const job of answer.jobs) if (wanted.has(job.arn)) found.set(job.arn, job);
      nextToken = answer.nextToken;
      if (!nextToken) break;
    }
    for (const arn of wanted) {
      if (found.has(arn)) continue;
      try {
        found.set(arn, await this.deps.jobs.get(arn));
      } catch (error) {
        if (classifyBedrockError(error).kind !== 'not-found') throw error;
        this.deps.logger.warn({ jobArn: arn }, 'a watched job no longer exists');
      }
    }
    return found;
  }

  private async deliver(
    watches: JobWatch[],
    listed: Job,
    throughputs: () => Promise<Throughput[]>,
  ): Promise<void> {
    const signature = signatureOf(listed);
    for (const watch of watches.filter((entry) => !this.deps.channelAllowed(entry.channelId))) {
      this.deps.logger.info(
        { jobArn: watch.jobArn, channel: watch.channelId },
        'ending a watch in a channel no longer allowed',
      );
      await this.deps.watches.removeWatch(watch.jobArn, watch.channelId);
    }
    const stale = watches.filter(
      (watch) => watch.lastSeen !== signature && this.deps.channelAllowed(watch.channelId),
    );
    if (stale.length === 0) return;
    const finished = FINISHED.has(listed.status);
    // The final message needs what only GetModelCustomizationJob returns: the model, losses, failure.
    const job = finished && !listed.detailed ? await this.deps.jobs.get(listed.arn) : listed;
    let throughputArn: string | undefined;
    let deploymentArn: string | undefined;
    if (job.status === 'Completed' && job.customModelArn) {
      const modelArn = job.customModelArn;
      throughputArn = (await throughputs()).find(
        (throughput) => throughput.modelArn === modelArn && throughput.status === 'InService',
      )?.arn;
      // A role without the deployment actions still hears of the completion, just without this.
      deploymentArn = (await this.deps.jobs.deployments(modelArn).catch(() => [])).find(
        (deployment) => deployment.status === 'Active',
      )?.arn;
    }
    for (const watch of stale) {
      try {
        const signature = signatureOf(job);
        await this.tellOnce(watch, signature, FINISHED.has(job.status), (change) =>
          this.deps.notifier.tell(watch, job, { ...change, throughputArn, deploymentArn }),
        );
      } catch (error) {
        // Left claimed: the next poll finds out whether the message went out, and sends it if not.
        this.deps.logger.warn({ err: error, jobArn: job.arn }, 'could not tell a watch about a job change');
      }
    }
  }

  /**
   * Tells `watch` about `signature` exactly once (claimed, told, confirmed) and ends the watch once
   * `finished`; `tell` posts the message.
   */
  private async tellOnce(
    watch: JobWatch,
    signature: string,
    finished: boolean,
    tell: (change: { previous?: string; current: string }) => Promise<void>,
  ): Promise<void> {
    const { watches, notifier } = this.deps;
    let confirmed = watch.lastSeen;
    const claim = claimOf(watch.lastSeen);
    if (claim) {
      // Another poller claimed a change; only when its claim is old did that poller die mid-way.
      if (this.now() - claim.at < 3 * this.deps.intervalMs) return;
      const told = await notifier.alreadyTold(watch, claim.to);
      if (told === undefined) return;
      confirmed = told ? claim.to : (claim.from ?? NOTHING_TOLD);
      if (!(await watches.advanceWatch(watch.jobArn, watch.channelId, watch.lastSeen, confirmed))) return;
    }
    if (confirmed !== signature) {
      const previous = confirmed === NOTHING_TOLD ? undefined : confirmed;
      const claim = { from: previous, to: signature };
      const ours = claimText({ at: this.now(), ...claim });
      if (!(await watches.advanceWatch(watch.jobArn, watch.channelId, confirmed, ours))) return;
      const held = this.keepClaimFresh(watch, ours, claim);
      try {
        await tell({ previous, current: signature });
      } catch (error) {
        // Left claimed: the next poll finds out whether the message went out.
        await held.release();
        throw error;
      }
      await watches.advanceWatch(watch.jobArn, watch.channelId, await held.release(), signature);
    }
    if (finished) await watches.removeWatch(watch.jobArn, watch.channelId);
  }

  /**
   * Re-dates a claim every interval while its message is being told, however long Slack makes that
   * take, so no other poller mistakes it for the claim of a poller that died. `release` stops and
   * returns the claim as it now stands.
   */
  private keepClaimFresh(watch: JobWatch, first: string, claim: Omit<Claim, 'at'>) {
    let current = first;
    let renewing = Promise.resolve();
    const timer = setInterval(() => {
      renewing = renewing.then(async () => {
        const fresh = claimText({ at: this.now(), ...claim });
        const renewed = await this.deps.watches
          .advanceWatch(watch.jobArn, watch.channelId, current, fresh)
          .catch(() => false);
        if (renewed) current = fresh;
      });
    }, this.deps.intervalMs);
    return {
      release: async () => {
        clearInterval(timer);
        await renewing;
        return current;
      },
    };
  }
}
