import type { WebClient } from '@slack/web-api';
import type { PriceBook } from '../../bedrock/pricing.js';
import type { Deployment } from '../../jobs/client.js';
import { onDemandEligibility } from '../../jobs/deployments.js';
import type { DeploymentChange, JobChange, JobNotifier } from '../../jobs/poller.js';
import type { CustomCompareTarget } from '../../jobs/types.js';
import { baseOfCustomModel, type Job, modelIdOf } from '../../jobs/types.js';
import type { JobWatch, RateLimitStore } from '../../store/types.js';
import { readThread } from '../kit/thread-reader.js';
import { deploymentChangeMessage, JOB_CHANGE_EVENT, jobChangeMessage } from './blocks.js';

/** The poller's way into Slack: a reply in each watch's thread, marked so it can be found again. */
export class JobThreadNotifier implements JobNotifier {
  constructor(
    private readonly client: WebClient,
    private readonly limits: RateLimitStore,
    private readonly region: string,
    private readonly prices: PriceBook,
  ) {}

  async tell(watch: JobWatch, job: Job, change: JobChange): Promise<void> {
    const customName = job.customModelName ?? job.name;
    const baseModelId = modelIdOf(job.baseModelArn);
    // An on-demand deployment answers per token: it is the one to compare when both serve the model.
    const target: CustomCompareTarget | undefined = change.deploymentArn
      ? { deploymentArn: change.deploymentArn, baseModelId, customName }
      : change.throughputArn
        ? { throughputArn: change.throughputArn, baseModelId, customName }
        : undefined;
    const eligible = onDemandEligibility(job, this.region);
    await this.client.chat.postMessage({
      channel: watch.channelId,
      thread_ts: watch.threadTs,
      ...jobChangeMessage(job, change, {
        region: this.region,
        compareValue: target && JSON.stringify(target),
        servedBy: change.deploymentArn ? 'on-demand deployment' : 'provisioned throughput',
        onDemand: eligible.ok ? { ok: true } : { ok: false, why: eligible.problem.message },
        provisionedPerHourUsd: this.prices.provisionedPerHour(baseModelId),
      }),
    });
  }

  async tellDeployment(watch: JobWatch, deployment: Deployment, change: DeploymentChange): Promise<void> {
    const baseModelId = baseOfCustomModel(deployment.modelArn);
    const compareValue =
      deployment.status === 'Active' && baseModelId
        ? JSON.stringify({
            deploymentArn: deployment.arn,
            baseModelId,
            customName: deployment.name,
          } satisfies CustomCompareTarget)
        : undefined;
    await this.client.chat.postMessage({
      channel: watch.channelId,
      thread_ts: watch.threadTs,
      ...deploymentChangeMessage(deployment, change.previous, compareValue),
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
