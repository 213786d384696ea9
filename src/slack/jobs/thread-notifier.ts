import type { WebClient } from '@slack/web-api';
import type { JobChange, JobNotifier } from '../../jobs/poller.js';
import type { CustomCompareTarget } from '../../jobs/types.js';
import { type Job, modelIdOf } from '../../jobs/types.js';
import type { JobWatch, RateLimitStore } from '../../store/types.js';
import { readThread } from '../kit/thread-reader.js';
import { JOB_CHANGE_EVENT, jobChangeMessage } from './blocks.js';

/** The poller's way into Slack: a reply in each watch's thread, marked so it can be found again. */
export class JobThreadNotifier implements JobNotifier {
  constructor(
    private readonly client: WebClient,
    private readonly limits: RateLimitStore,
    private readonly region: string,
  ) {}

  async tell(watch: JobWatch, job: Job, change: JobChange): Promise<void> {
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
    const read = await readThread(this.client, this.limits, watch);
    return read?.messages.some((message) => {
      const payload = message.metadata?.event_payload as Record<string, unknown> | undefined;
      return (
        message.metadata?.event_type === JOB_CHANGE_EVENT &&
        payload?.job === watch.jobArn &&
        payload?.change === signature
      );
    });
  }
}
