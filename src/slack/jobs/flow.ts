import { randomUUID } from 'node:crypto';
import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { CatalogSource, ResolvedModel } from '../../bedrock/catalog.js';
import { classifyBedrockError, isOutage } from '../../bedrock/errors.js';
import { channelAllowed } from '../../jobs/access.js';
import type { JobsClient } from '../../jobs/client.js';
import { checkNewJob, type NewJobErrors, type NewJobForm } from '../../jobs/new-job.js';
import { parseJobsCommand } from '../../jobs/parse.js';
import {
  type CustomCompareTarget,
  FINISHED,
  type Job,
  type JobStatus,
  signatureOf,
} from '../../jobs/types.js';
import type { Logger } from '../../logger.js';
import type { DocumentStore, RateLimitStore, WatchStore } from '../../store/types.js';
import type { FormSeal } from '../kit/form-origin.js';
import { escapeMrkdwn } from '../kit/limits.js';
import type { SlackMessage } from '../kit/message.js';
import { notice } from '../kit/notices.js';
import type { Requester } from '../kit/requester.js';

import {
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

export interface JobAccessRules {
  allowedChannels: string[];
  allowedUsers: string[];
  stoppers: string[];
}

export interface JobsFlowDeps {
  client: WebClient;
  jobs: JobsClient;
  catalog: CatalogSource;
  watches: WatchStore;
  store: DocumentStore & RateLimitStore;
  access: JobAccessRules;
  /** Seals where a form was opened (and the custom-model compare's target), see FormSeal. */
  seal: FormSeal;
  logger: Logger;
}

/** What a "More" button points at: the filter and Bedrock's page token, kept in the store. */
interface PageCursor {
  status?: JobStatus;
  nameContains?: string;
  nextToken: string;
}

const PAGE_TTL_SECONDS = 15 * 60;
const GROUP_TTL_SECONDS = 5 * 60;
const PAGE_SIZE = 10;

function jobFailure(error: unknown, job: string): string {
  const { kind, message } = classifyBedrockError(error);
  if (kind === 'not-found' || kind === 'validation') {
    return `I can’t find a customization job called \`${job}\` in this account and region. \`/finetune-status\` lists recent jobs.`;
  }
  if (kind === 'access-denied') {
    return 'The app’s AWS role may not read customization jobs: it needs bedrock:ListModelCustomizationJobs and bedrock:GetModelCustomizationJob (see the README).';
  }
  return isOutage(kind) ? `Bedrock did not answer: ${message}` : message;
}

/** /finetune-status from Slack to Bedrock's customization API and back, with the allow-list applied. */
export class JobsFlow {
  constructor(private readonly deps: JobsFlowDeps) {}

  async handleCommand(text: string, who: Requester, respond: RespondFn, triggerId: string): Promise<void> {
    const tell = (message: SlackMessage) => respond({ response_type: 'ephemeral', ...message });
    const refusal = await this.refusal(who);
    if (refusal) {
      await tell(notice(refusal, ':no_entry:'));
      return;
    }
    const parsed = parseJobsCommand(text);
    if (!parsed.ok) {
      await tell(notice(parsed.problem.message));
      return;
    }
    const command = parsed.value;
    switch (command.kind) {
      case 'help':
        await tell(jobsHelp());
        return;
      case 'list':
        await this.list({ status: command.status, nameContains: command.nameContains }, tell);
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
        await tell(throughputMessage(await this.deps.jobs.throughputs()));
        return;
      case 'new': {
        const catalog = await this.deps.catalog.load();
        const bases = catalog.models.filter((model) => model.customizations.length > 0);
        await this.deps.client.views.open({
          trigger_id: triggerId,
          view: newJobModal(bases, this.deps.seal.seal(who)),
        });
        return;
      }
    }
  }

  /** Why this person may not see jobs here, or undefined when they may. */
  async refusal(who: Requester): Promise<string | undefined> {
    const { allowedChannels, allowedUsers } = this.deps.access;
    if (!channelAllowed(allowedChannels, who.channelId)) {
      return `Customization jobs can’t be shown in this channel. Use one of: ${allowedChannels.map((id) => `<#${id}>`).join(', ')}.`;
    }
    if (!(await this.isListed(allowedUsers, who))) {
      return 'You are not on the list of people who may see customization jobs. Ask whoever runs this app to add you (FINETUNE_ALLOWED_USERS).';
    }
    return undefined;
  }

  private async isListed(list: string[], who: Requester): Promise<boolean> {
    if (list.length === 0 || list.includes(who.userId)) return true;
    for (const group of list.filter((id) => id.startsWith('S'))) {
      if ((await this.groupMembers(who.teamId, group)).includes(who.userId)) return true;
    }
    return false;
  }

  /** User-group members, cached briefly: usergroups.users.list is rate limited. */
  private async groupMembers(teamId: string, group: string): Promise<string[]> {
    const key = `usergroup:${teamId}:${group}`;
    const cached = await this.deps.store.getJson<string[]>(key);
    if (cached) return cached;
    try {
      const answer = await this.deps.client.usergroups.users.list({ usergroup: group });
      const users = answer.users ?? [];
      await this.deps.store.setJson(key, users, GROUP_TTL_SECONDS);
      return users;
    } catch (error) {
      this.deps.logger.warn({ err: error, group }, 'could not read a user group (usergroups:read scope?)');
      return [];
    }
  }

  async list(
    filter: { status?: JobStatus; nameContains?: string; nextToken?: string },
    tell: Tell,
  ): Promise<void> {
    let page: Awaited<ReturnType<JobsClient['list']>>;
    try {
      page = await this.deps.jobs.list({ ...filter, maxResults: PAGE_SIZE });
    } catch (error) {
      await tell(notice(jobFailure(error, '')));
      return;
    }
    let cursor: string | undefined;
    if (page.nextToken) {
      cursor = randomUUID();
      const saved: PageCursor = {
        status: filter.status,
        nameContains: filter.nameContains,
        nextToken: page.nextToken,
      };
      await this.deps.store.setJson(`jobs-page:${cursor}`, saved, PAGE_TTL_SECONDS);
    }
    const label = [filter.status, filter.nameContains ? `name contains “${filter.nameContains}”` : undefined]
      .filter(Boolean)
      .join(', ');
    await tell(jobListMessage(page.jobs, label, cursor));
  }

  /** The "More" button: the next page of the same listing. */
  async more(cursor: string, tell: Tell): Promise<void> {
    const saved = await this.deps.store.getJson<PageCursor>(`jobs-page:${cursor}`);
    if (!saved) {
      await tell(notice('That list is too old to page through. Run `/finetune-status` again.'));
      return;
    }
    await this.list(saved, tell);
  }

  async details(job: string, who: Requester, tell: Tell): Promise<void> {
    const found = await this.findJob(job, tell);
    if (!found) return;
    const watching = await this.isWatched(found.arn, who.channelId);
    const mayStop = await this.isListed(this.deps.access.stoppers, who);
    await tell(jobDetailsMessage(found, { watching, mayStop }));
  }

  private async isWatched(jobArn: string, channelId: string): Promise<boolean> {
    return (await this.deps.watches.listWatches()).some(
      (watch) => watch.jobArn === jobArn && watch.channelId === channelId,
    );
  }

  /** The job by name or ARN, or undefined once the user has been told why not. */
  private async findJob(job: string, tell: Tell): Promise<Job | undefined> {
    try {
      return await this.deps.jobs.get(job);
    } catch (error) {
      await tell(notice(jobFailure(error, job)));
      return undefined;
    }
  }

  /** Posts a card for the job in the channel and watches it in that card's thread. */
  async watch(job: string, who: Requester, tell: Tell): Promise<void> {
    const found = await this.findJob(job, tell);
    if (!found) return;
    if (FINISHED.has(found.status)) {
      await tell(
        notice(
          `*${found.name}* has already finished (${found.status}); there is nothing left to watch.`,
          ':information_source:',
        ),
      );
      return;
    }
    if (await this.isWatched(found.arn, who.channelId)) {
      await tell(notice(`*${found.name}* is already watched in this channel.`, ':eyes:'));
      return;
    }
    let threadTs: string | undefined;
    try {
      threadTs = (
        await this.deps.client.chat.postMessage({
          channel: who.channelId,
          ...watchCardMessage(found, who.userId),
        })
      ).ts;
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'could not post a watch card');
      await tell(
        notice(
          'I can’t post in this channel, so I can’t watch the job here. Invite me with `/invite @Bedrock` and try again.',
        ),
      );
      return;
    }
    await this.deps.watches.addWatch({
      jobArn: found.arn,
      teamId: who.teamId,
      channelId: who.channelId,
      threadTs: threadTs ?? '',
      userId: who.userId,
      lastSeen: signatureOf(found),
    });
  }

  async unwatch(job: string, who: Requester, tell: Tell): Promise<void> {
    const watches = (await this.deps.watches.listWatches()).filter(
      (watch) => watch.channelId === who.channelId,
    );
    let match = watches.find((watch) => watch.jobArn === job || watch.jobArn.endsWith(`/${job}`));
    if (!match) {
      // A job name: its ARN ends in an ID, not the name, so ask Bedrock.
      const arn = await this.deps.jobs
        .get(job)
        .then((found) => found.arn)
        .catch(() => undefined);
      match = watches.find((watch) => watch.jobArn === arn);
    }
    if (!match) {
      await tell(notice(`\`${job}\` is not watched in this channel.`, ':information_source:'));
      return;
    }
    await this.deps.watches.removeWatch(match.jobArn, match.channelId);
    await tell(notice('Stopped watching: no more updates in its thread.', ':see_no_evil:'));
  }

  async stop(jobArn: string, who: Requester, tell: Tell): Promise<void> {
    if (!(await this.isListed(this.deps.access.stoppers, who)) || (await this.refusal(who))) {
      await tell(
        notice(
          'You may not stop customization jobs. Ask whoever runs this app (FINETUNE_STOPPERS).',
          ':no_entry:',
        ),
      );
      return;
    }
    try {
      await this.deps.jobs.stop(jobArn);
    } catch (error) {
      await tell(notice(await this.stopFailure(error, jobArn)));
      return;
    }
    await tell(
      notice(
        `Stopping the job. Watchers will hear when it has stopped. (Requested by <@${who.userId}>.)`,
        ':octagonal_sign:',
        [who.userId],
      ),
    );
  }

  /**
   * Bedrock refuses to stop a job that has ended (the API reference lists ConflictException; the sibling
   * batch-job API answers ValidationException), so the job's own status says whether there was simply
   * nothing left to stop.
   */
  private async stopFailure(error: unknown, jobArn: string): Promise<string> {
    const { kind } = classifyBedrockError(error);
    if (kind === 'validation' || kind === 'conflict' || kind === 'not-found') {
      const job = await this.deps.jobs.get(jobArn).catch(() => undefined);
      if (job && FINISHED.has(job.status)) {
        return `*${escapeMrkdwn(job.name)}* already finished (${job.status}): there is nothing to stop.`;
      }
      if (job?.status === 'Stopping') return `*${escapeMrkdwn(job.name)}* is already stopping.`;
    }
    return jobFailure(error, jobArn);
  }

  /** Opens the form that asks for a prompt to compare a custom model with its base. */
  async openCustomCompare(target: CustomCompareTarget, who: Requester, triggerId: string): Promise<void> {
    await this.deps.client.views.open({
      trigger_id: triggerId,
      view: compareCustomModal(target, this.deps.seal.seal(who, target)),
    });
  }

  /**
   * The models of a "Compare with base model" run: the provisioned custom model and its base, or
   * why not. The throughput must be one this account has provisioned: any other "throughput" would
   * run some other model under the custom model's name.
   */
  async customCompareModels(target: CustomCompareTarget): Promise<ResolvedModel[] | { problem: string }> {
    const [catalog, throughputs] = await Promise.all([
      this.deps.catalog.load(),
      this.deps.jobs.throughputs(),
    ]);
    if (!throughputs.some((throughput) => throughput.arn === target.throughputArn)) {
      return {
        problem: `\`${target.throughputArn}\` is not a provisioned throughput of this account, so I won’t run it. \`/finetune-status throughput\` lists them.`,
      };
    }
    const base = catalog.findInvocable(target.baseModelId);
    if (!base) {
      return {
        problem: `I can’t find the base model \`${target.baseModelId}\` in the catalog to compare with.`,
      };
    }
    const custom: ResolvedModel = {
      model: { ...base.model, name: `${target.customName} (custom)`, lifecycle: 'ACTIVE' },
      invokeId: target.throughputArn,
    };
    return [custom, base];
  }

  /** Submits the new-job form; field errors go back inline, Bedrock's refusal too. */
  async submitNewJob(
    form: NewJobForm,
    who: Requester,
  ): Promise<{ errors: NewJobErrors } | { jobArn: string }> {
    const refusal = await this.refusal(who);
    if (refusal) return { errors: { job_name: refusal } };
    const catalog = await this.deps.catalog.load();
    const checked = checkNewJob(
      form,
      catalog.models.find((model) => model.modelId === form.base),
    );
    if ('errors' in checked) return checked;
    try {
      // Within Slack's 3 seconds, so Bedrock's own refusal can still show in the form.
      return { jobArn: await this.deps.jobs.create(checked.request, AbortSignal.timeout(2_000)) };
    } catch (error) {
      const failure = classifyBedrockError(error);
      return { errors: { job_name: `Bedrock refused the job: ${failure.detail ?? failure.message}` } };
    }
  }
}
