import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { PriceBook } from '../../bedrock/pricing.js';
import type { JobAccess } from '../../jobs/access.js';
import type { JobsClient } from '../../jobs/client.js';
import type { CustomDeployments } from '../../jobs/deployments.js';
import type { JobListing, JobListPage } from '../../jobs/listing.js';
import { findJob } from '../../jobs/lookup.js';
import type { NewJobs } from '../../jobs/new-job.js';
import { parseJobsCommand } from '../../jobs/parse.js';
import type { JobStopping } from '../../jobs/stopping.js';
import type { CustomCompareTarget } from '../../jobs/types.js';
import type { JobWatching } from '../../jobs/watching.js';
import type { Logger } from '../../logger.js';
import type { Result } from '../../result.js';
import type { FormSeal } from '../kit/form-origin.js';
import type { SlackMessage } from '../kit/message.js';
import { notice } from '../kit/notices.js';
import { problemNotice } from '../kit/problem.js';
import type { Requester } from '../kit/requester.js';
import type { CommandFlow } from '../kit/slash-command.js';
import {
  deploymentStartedMessage,
  deploymentsMessage,
  jobDetailsMessage,
  jobListMessage,
  jobsHelp,
  throughputMessage,
  watchCardMessage,
} from './blocks.js';
import { compareCustomModal } from './compare-custom-modal.js';
import { newJobModal } from './new-job-modal.js';

/** Says something to the person who asked, privately. */
type Tell = (message: SlackMessage) => Promise<unknown>;

export interface JobsFlowDeps {
  client: WebClient;
  jobs: JobsClient;
  access: JobAccess;
  listing: JobListing;
  watching: JobWatching;
  stopping: JobStopping;
  newJobs: NewJobs;
  deployments: CustomDeployments;
  /** For Provisioned Throughput's hourly price, where the price table knows it. */
  prices: PriceBook;
  /** Seals where a form was opened (and the custom-model compare's target), see FormSeal. */
  seal: FormSeal;
  logger: Logger;
}

/** /finetune-status and the job buttons: a payload into a jobs use case, its outcome into Block Kit. */
export class JobsFlow implements CommandFlow {
  constructor(private readonly deps: JobsFlowDeps) {}

  async handleCommand(text: string, who: Requester, respond: RespondFn, triggerId: string): Promise<void> {
    const tell = (message: SlackMessage) => respond({ response_type: 'ephemeral', ...message });
    if (!(await this.admitted(who, tell))) return;
    const parsed = parseJobsCommand(text);
    if (!parsed.ok) {
      await tell(problemNotice(parsed.problem));
      return;
    }
    const command = parsed.value;
    switch (command.kind) {
      case 'help':
        await tell(jobsHelp());
        return;
      case 'list':
        await this.showPage(await this.deps.listing.first(command), tell);
        return;
      case 'details':
        await this.details(command.job, who, tell);
        return;
      case 'watch':
        await this.watch(command.job, who, tell);
        return;
      case 'unwatch':
        await this.unwatch(command.job, who, tell);
        return;
      case 'throughput':
        await tell(
          throughputMessage(await this.deps.jobs.throughputs(), (modelId) =>
            this.deps.prices.provisionedPerHour(modelId),
          ),
        );
        return;
      case 'deployments':
        await this.deployments(tell);
        return;
      case 'deploy':
        await this.deploy(command.job, who, tell);
        return;
      case 'new': {
        const view = newJobModal(await this.deps.newJobs.bases(), this.deps.seal.seal(who));
        await this.deps.client.views.open({ trigger_id: triggerId, view });
        return;
      }
    }
  }

  /** Whether this person may see jobs here; when not, they have been told why. */
  async admitted(who: Requester, tell: Tell): Promise<boolean> {
    const admitted = await this.deps.access.admit(who);
    if (!admitted.ok) await tell(problemNotice(admitted.problem));
    return admitted.ok;
  }

  /** The "More" button: the next page of the same listing. */
  async more(cursor: string, tell: Tell): Promise<void> {
    await this.showPage(await this.deps.listing.next(cursor), tell);
  }

  private async showPage(page: Result<JobListPage>, tell: Tell): Promise<void> {
    await tell(page.ok ? jobListMessage(page.value) : problemNotice(page.problem));
  }

  async details(job: string, who: Requester, tell: Tell): Promise<void> {
    const found = await findJob(this.deps.jobs, job);
    if (!found.ok) {
      await tell(problemNotice(found.problem));
      return;
    }
    const [watching, mayStop, mayDeploy] = await Promise.all([
      this.deps.watching.isWatched(found.value.arn, who.channelId),
      this.deps.access.mayStop(who),
      this.deps.deployments.mayDeploy(found.value, who),
    ]);
    await tell(jobDetailsMessage(found.value, { watching, mayStop, mayDeploy }));
  }

  /** Posts a card for the job in the channel and watches it in that card's thread. */
  async watch(job: string, who: Requester, tell: Tell): Promise<void> {
    const watchable = await this.deps.watching.watchable(job, who.channelId);
    if (!watchable.ok) {
      await tell(problemNotice(watchable.problem));
      return;
    }
    let threadTs: string | undefined;
    try {
      const card = watchCardMessage(watchable.value, who.userId);
      threadTs = (await this.deps.client.chat.postMessage({ channel: who.channelId, ...card })).ts;
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'could not post a watch card');
      await tell(
        notice(
          'I can’t post in this channel, so I can’t watch the job here. Invite me with `/invite @Bedrock` and try again.',
        ),
      );
      return;
    }
    await this.deps.watching.start(watchable.value, who, threadTs ?? '');
  }

  async unwatch(job: string, who: Requester, tell: Tell): Promise<void> {
    const stopped = await this.deps.watching.stop(job, who.channelId);
    await tell(
      stopped.ok
        ? notice('Stopped watching: no more updates in its thread.', ':see_no_evil:')
        : problemNotice(stopped.problem),
    );
  }

  async stop(jobArn: string, who: Requester, tell: Tell): Promise<void> {
    const stopping = await this.deps.stopping.stop(jobArn, who);
    await tell(
      stopping.ok
        ? notice(
            `Stopping the job. Watchers will hear when it has stopped. (Requested by <@${who.userId}>.)`,
            ':octagonal_sign:',
            [who.userId],
          )
        : problemNotice(stopping.problem),
    );
  }

  /**
   * Deploys a completed job's custom model on demand and follows the deployment in `threadTs` (the
   * job's watch thread), or in the thread of a message posted for it here.
   */
  async deploy(job: string, who: Requester, tell: Tell, threadTs?: string): Promise<void> {
    const deployed = await this.deps.deployments.deploy(job, who);
    if (!deployed.ok) {
      await tell(problemNotice(deployed.problem));
      return;
    }
    const { deploymentArn, name } = deployed.value;
    const modelName = deployed.value.job.customModelName ?? deployed.value.job.name;
    if (threadTs && !(await this.deps.watching.startDeployment(deploymentArn, who, threadTs))) {
      await tell(notice(`\`${name}\` is already being deployed: its status follows in this thread.`));
      return;
    }
    try {
      const posted = await this.deps.client.chat.postMessage({
        channel: who.channelId,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        ...deploymentStartedMessage(modelName, name, who.userId),
      });
      if (!threadTs) await this.deps.watching.startDeployment(deploymentArn, who, posted.ts ?? '');
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'could not post a deployment card');
      await tell(
        notice(
          `Deploying \`${name}\` (\`${deploymentArn}\`), but I can’t post in this channel to say when it is ready: \`/finetune-status deployments\` shows its status.`,
        ),
      );
    }
  }

  async deployments(tell: Tell): Promise<void> {
    const listed = await this.deps.deployments.list();
    await tell(listed.ok ? deploymentsMessage(listed.value) : problemNotice(listed.problem));
  }

  async deleteDeployment(deploymentArn: string, who: Requester, tell: Tell): Promise<void> {
    const deleted = await this.deps.deployments.delete(deploymentArn, who);
    await tell(
      deleted.ok
        ? notice(
            `Deleted the deployment *${deleted.value.name}*: requests to its ARN fail from now on. (Requested by <@${who.userId}>.)`,
            ':wastebasket:',
            [who.userId],
          )
        : problemNotice(deleted.problem),
    );
  }

  /** Opens the form that asks for a prompt to compare a custom model with its base. */
  async openCustomCompare(target: CustomCompareTarget, who: Requester, triggerId: string): Promise<void> {
    await this.deps.client.views.open({
      trigger_id: triggerId,
      view: compareCustomModal(target, this.deps.seal.seal(who, target)),
    });
  }
}
