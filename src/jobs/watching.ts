import { failed, ok, problem, type Result } from '../result.js';
import type { WatchStore } from '../store/types.js';
import type { Asker } from './access.js';
import type { JobsClient } from './client.js';
import { findJob } from './lookup.js';
import { FINISHED, type Job, signatureOf } from './types.js';

/** Watches: a job followed in a channel's thread, told every change by the poller. */
export class JobWatching {
  constructor(
    private readonly jobs: JobsClient,
    private readonly watches: WatchStore,
  ) {}

  async isWatched(jobArn: string, channelId: string): Promise<boolean> {
    return (await this.watches.listWatches()).some(
      (watch) => watch.jobArn === jobArn && watch.channelId === channelId,
    );
  }

  /** The job, when it can be watched in this channel: found, not finished, not watched here yet. */
  async watchable(job: string, channelId: string): Promise<Result<Job>> {
    const found = await findJob(this.jobs, job);
    if (!found.ok) return found;
    const { name, status, arn } = found.value;
    if (FINISHED.has(status)) {
      return failed(
        problem('conflict', `*${name}* has already finished (${status}); there is nothing left to watch.`),
      );
    }
    if (await this.isWatched(arn, channelId)) {
      return failed(problem('conflict', `*${name}* is already watched in this channel.`));
    }
    return found;
  }

  /** Starts the watch in `threadTs`, from the job as it is now: only later changes are told. */
  async start(job: Job, who: Asker, threadTs: string): Promise<void> {
    await this.watches.addWatch({
      jobArn: job.arn,
      teamId: who.teamId,
      channelId: who.channelId,
      threadTs,
      userId: who.userId,
      lastSeen: signatureOf(job),
    });
  }

  /**
   * Follows a deployment in `threadTs` until it is Active or Failed; false when it is already followed
   * in this channel (a second click on Deploy).
   */
  startDeployment(deploymentArn: string, who: Asker, threadTs: string): Promise<boolean> {
    return this.watches.addWatch({
      jobArn: deploymentArn,
      teamId: who.teamId,
      channelId: who.channelId,
      threadTs,
      userId: who.userId,
      lastSeen: 'Creating',
    });
  }

  /** Ends the watch of `job` (a name, an ARN or a job ID) in this channel. */
  async stop(job: string, channelId: string): Promise<Result<void>> {
    const watches = (await this.watches.listWatches()).filter((watch) => watch.channelId === channelId);
    let match = watches.find((watch) => watch.jobArn === job || watch.jobArn.endsWith(`/${job}`));
    if (!match) {
      // A job name: its ARN ends in an ID, not the name, so ask Bedrock.
      const found = await findJob(this.jobs, job);
      match = found.ok ? watches.find((watch) => watch.jobArn === found.value.arn) : undefined;
    }
    if (!match) return failed(problem('conflict', `\`${job}\` is not watched in this channel.`));
    await this.watches.removeWatch(match.jobArn, match.channelId);
    return ok(undefined);
  }
}
