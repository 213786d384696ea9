import type { App } from '@slack/bolt';
import type { NewJobForm } from '../../jobs/new-job.js';
import { customCompareTargetSchema } from '../../jobs/types.js';
import type { Logger } from '../../logger.js';
import type { WorkTracker } from '../../ops/work-tracker.js';
import type { CompareFlow } from '../compare/flow.js';
import { runDetached } from '../kit/detached.js';
import { describeFailure } from '../kit/failures.js';
import { type FormSeal, UNSEALED_FORM } from '../kit/form-origin.js';
import type { SlackMessage } from '../kit/message.js';
import { notice } from '../kit/notices.js';
import { ephemeralReply } from '../kit/reply.js';
import { field, type ViewValues } from '../kit/view-state.js';
import { COMPARE_CUSTOM_PROMPT, COMPARE_CUSTOM_VIEW } from './compare-custom-modal.js';
import type { JobsFlow } from './flow.js';
import { NEW_JOB_FIELDS, NEW_JOB_VIEW } from './new-job-modal.js';

/** The new-job form and the custom-model compare prompt. */
export function registerJobViews(
  app: App,
  jobs: JobsFlow,
  compare: CompareFlow,
  seal: FormSeal,
  work: WorkTracker,
  logger: Logger,
): void {
  app.view(NEW_JOB_VIEW, async ({ ack, body, view, client }) => {
    const sealed = seal.open(body);
    if (!sealed) {
      await ack({ response_action: 'errors', errors: { [NEW_JOB_FIELDS.jobName]: UNSEALED_FORM } });
      return;
    }
    const values = view.state.values as ViewValues;
    const form: NewJobForm = {
      type: field(values, NEW_JOB_FIELDS.type) ?? 'FINE_TUNING',
      base: field(values, NEW_JOB_FIELDS.base) ?? '',
      custom_name: field(values, NEW_JOB_FIELDS.customName) ?? '',
      job_name: field(values, NEW_JOB_FIELDS.jobName) ?? '',
      training: field(values, NEW_JOB_FIELDS.training) ?? '',
      validation: field(values, NEW_JOB_FIELDS.validation),
      output: field(values, NEW_JOB_FIELDS.output) ?? '',
      role: field(values, NEW_JOB_FIELDS.role) ?? '',
      hyperparameters: field(values, NEW_JOB_FIELDS.hyperparameters),
      teacher: field(values, NEW_JOB_FIELDS.teacher),
    };
    const who = sealed.origin;
    let result: Awaited<ReturnType<JobsFlow['submitNewJob']>>;
    try {
      result = await jobs.submitNewJob(form, who);
    } catch (error) {
      logger.error({ err: error }, 'new customization job failed');
      result = { errors: { job_name: describeFailure(error) } };
    }
    if ('errors' in result) {
      await ack({ response_action: 'errors', errors: result.errors as Record<string, string> });
      return;
    }
    await ack();
    const { jobArn } = result;
    const reply = ephemeralReply(client, who.channelId, who.userId);
    const tell = (message: SlackMessage) => reply({ response_type: 'ephemeral', ...message });
    runDetached(work, logger, 'watching a new job', tell, () => jobs.watch(jobArn, who, tell));
  });

  app.view(COMPARE_CUSTOM_VIEW, async ({ ack, body, view, client }) => {
    const sealed = seal.open(body);
    const target = customCompareTargetSchema.safeParse(sealed?.data);
    if (!sealed || !target.success) {
      await ack({ response_action: 'errors', errors: { [COMPARE_CUSTOM_PROMPT]: UNSEALED_FORM } });
      return;
    }
    const prompt = field(view.state.values as ViewValues, COMPARE_CUSTOM_PROMPT);
    if (!prompt) {
      await ack({
        response_action: 'errors',
        errors: { [COMPARE_CUSTOM_PROMPT]: 'Write a prompt to compare the two models on.' },
      });
      return;
    }
    await ack();
    const who = sealed.origin;
    const reply = ephemeralReply(client, who.channelId, who.userId);
    const tell = (message: SlackMessage) => reply({ response_type: 'ephemeral', ...message });
    runDetached(work, logger, 'custom model compare', tell, async () => {
      const refusal = await jobs.refusal(who);
      const models = refusal ? { problem: refusal } : await jobs.customCompareModels(target.data);
      if ('problem' in models) {
        await tell(notice(models.problem, ':no_entry:'));
        return;
      }
      await compare.runModels(models, prompt, who, reply);
    });
  });
}
