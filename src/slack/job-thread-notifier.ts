import type { WebClient } from '@slack/web-api';
import type { JobChange, JobNotifier } from '../jobs/poller.js';
import { type CustomizationJob, modelIdOf } from '../jobs/types.js';
import type { JobWatch, RateLimitStore } from '../store/types.js';
import { JOB_CHANGE_EVENT, jobChangeMessage } from './blocks/jobs.js';
import type { CustomCompareTarget } from './jobs-flow.js';

/** The poller's way into Slack: a reply in each watch's thread, marked so it can be found again. */
export class JobThreadNotifier implements JobNotifier {
  constructor(
    private readonly client: WebClient,
    private readonly limits: RateLimitStore,
    private readonly region: string,
  ) {}

  // JobNotifier: the poller's way into Slack.

  async tell(watch: JobWatch, job: CustomizationJob, change: JobChange): Promise<void> {
    const compareValue = change.throughputArn
      ? JSON.stringify({
          throughputArn: change.throughputArn,
          baseModelId: modelIdOf(job.baseModelArn),
          customName: job.customModelName ?? job.name,
        } satisfies CustomCompareTarget)
      : undefined;
    await this.client.chat.postMessage({
      channel: watch.channelId,
      thread_ts: watch.threadTs,
      ...jobChangeMessage(job, change, { region: this.region, compareValue }),
    });
  }

  async alreadyTold(watch: JobWatch, signature: string): Promise<boolean | undefined> {
    // conversations.replies allows one call a minute for most apps; the rest wait for the next poll.
    const allowed = await this.limits.hit(`replies:${watch.teamId}`, 1, 60);
    if (!allowed.allowed) return undefined;
    const answer = await this.client.conversations.replies({
      channel: watch.channelId,
      ts: watch.threadTs,
      include_all_metadata: true,
      limit: 200,
    });
    return (answer.messages ?? []).some((message) => {
      const payload = message.metadata?.event_payload as Record<string, unknown> | undefined;
      return (
        message.metadata?.event_type === JOB_CHANGE_EVENT &&
        payload?.job === watch.jobArn &&
        payload?.change === signature
      );
    });
  }
}
