import type { App } from '@slack/bolt';
import type { CustomModelCompare } from '../../jobs/custom-compare.js';
import type { NewJobErrors, NewJobForm, NewJobs } from '../../jobs/new-job.js';
import { customCompareTargetSchema } from '../../jobs/types.js';
import type { Logger } from '../../logger.js';
import type { WorkTracker } from '../../ops/work-tracker.js';
import { failed, type Result } from '../../result.js';
import type { CompareFlow } from '../compare/flow.js';
import { runDetached } from '../kit/detached.js';
import { describeFailure } from '../kit/failures.js';
import { type FormSeal, UNSEALED_FORM } from '../kit/form-origin.js';
import type { SlackMessage } from '../kit/message.js';
import { problemNotice } from '../kit/problem.js';
import { ephemeralReply } from '../kit/reply.js';
import { field, type ViewValues } from '../kit/view-state.js';
import { COMPARE_CUSTOM_PROMPT, COMPARE_CUSTOM_VIEW } from './compare-custom-modal.js';
import type { JobsFlow } from './flow.js';
import { NEW_JOB_FIELDS, NEW_JOB_VIEW } from './new-job-modal.js';

export interface JobViewsDeps {
  flow: JobsFlow;
  newJobs: NewJobs;
  customCompare: CustomModelCompare;
  compare: CompareFlow;
  seal: FormSeal;
  work: WorkTracker;
  logger: Logger;
}

/** The new-job form and the custom-model compare prompt. */
export function registerJobViews(app: App, deps: JobViewsDeps): void {
  registerNewJobForm(app, deps);
  registerCustomCompareForm(app, deps);
}

function newJobFormOf(values: ViewValues): NewJobForm {
  return {
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
}

/** Field errors go back inline, Bedrock's refusal too; a started job is watched in the channel. */
function registerNewJobForm(app: App, { flow, newJobs, seal, work, logger }: JobViewsDeps): void {
  app.view(NEW_JOB_VIEW, async ({ ack, body, view, client }) => {
    const sealed = seal.open(body);
    if (!sealed) {
      await ack({ response_action: 'errors', errors: { [NEW_JOB_FIELDS.jobName]: UNSEALED_FORM } });
      return;
    }
    const who = sealed.origin;
    let submitted: Result<string, NewJobErrors>;
    try {
      // Within Slack's 3 seconds, so Bedrock's own refusal can still show in the form.
      const form = newJobFormOf(view.state.values as ViewValues);
      submitted = await newJobs.submit(form, who, AbortSignal.timeout(2_000));
    } catch (error) {
      logger.error({ err: error }, 'new customization job failed');
      submitted = failed({ job_name: describeFailure(error) });
    }
    if (!submitted.ok) {
      await ack({ response_action: 'errors', errors: submitted.problem as Record<string, string> });
      return;
    }
    await ack();
    const jobArn = submitted.value;
    const reply = ephemeralReply(client, who.channelId, who.userId);
    const tell = (message: SlackMessage) => reply({ response_type: 'ephemeral', ...message });
    runDetached(work, logger, 'watching a new job', tell, () => flow.watch(jobArn, who, tell));
  });
}

/** The prompt for "Compare with base model"; the run itself is an ordinary compare. */
function registerCustomCompareForm(
  app: App,
  { customCompare, compare, seal, work, logger }: JobViewsDeps,
): void {
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
      const models = await customCompare.models(target.data, who);
      if (!models.ok) {
        await tell(problemNotice(models.problem));
        return;
      }
      await compare.runModels(models.value, prompt, who, reply);
    });
  });
}
