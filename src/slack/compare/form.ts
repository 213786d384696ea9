import type { App } from '@slack/bolt';
import type { CompareForm } from '../../compare/form.js';
import type { Logger } from '../../logger.js';
import type { WorkTracker } from '../../ops/work-tracker.js';
import { failed } from '../../result.js';
import { runDetached } from '../kit/detached.js';
import { describeFailure } from '../kit/failures.js';
import { type SlackFile, slackFileSchema } from '../kit/files.js';
import { type FormSeal, UNSEALED_FORM } from '../kit/form-origin.js';
import { ephemeralReply } from '../kit/reply.js';
import { field, selected, type ViewValues } from '../kit/view-state.js';
import type { CompareFlow } from './flow.js';
import { COMPARE_FIELDS, COMPARE_IMAGE_FIELD, COMPARE_SAVE_FIELD, COMPARE_VIEW } from './modal.js';

/** The /compare form: errors inline within the 3-second ack, then the compare runs detached. */
export function registerCompareForm(
  app: App,
  flow: CompareFlow,
  seal: FormSeal,
  work: WorkTracker,
  logger: Logger,
): void {
  app.view(COMPARE_VIEW, async ({ ack, body, view, client }) => {
    const values = view.state.values as ViewValues;
    // Where the form was opened, sealed then; a submission names no channel Slack vouches for.
    const sealed = seal.open(body);
    if (!sealed) {
      await ack({ response_action: 'errors', errors: { [COMPARE_FIELDS.prompt]: UNSEALED_FORM } });
      return;
    }
    const form: CompareForm = {
      models: selected(values, COMPARE_FIELDS.models),
      prompt: field(values, COMPARE_FIELDS.prompt),
      system: field(values, COMPARE_FIELDS.system),
      max_tokens: field(values, COMPARE_FIELDS.maxTokens),
      temperature: field(values, COMPARE_FIELDS.temperature),
      think: field(values, COMPARE_FIELDS.think),
      effort: field(values, COMPARE_FIELDS.effort),
      tier: field(values, COMPARE_FIELDS.tier),
    };
    const checked = await flow.checkForm(form).catch((error: unknown) => {
      logger.error({ err: error }, 'checking the compare form failed');
      return failed({ prompt: describeFailure(error) });
    });
    if (!checked.ok) {
      await ack({ response_action: 'errors', errors: checked.problem as Record<string, string> });
      return;
    }
    await ack();
    const files: SlackFile[] = (values[COMPARE_IMAGE_FIELD]?.value?.files ?? []).flatMap((file) => {
      const parsed = slackFileSchema.safeParse(file);
      return parsed.success ? [parsed.data] : [];
    });
    const requester = sealed.origin;
    const reply = ephemeralReply(client, requester.channelId, requester.userId);
    runDetached(
      work,
      logger,
      'compare from the form',
      (message) => reply({ response_type: 'ephemeral', ...message }),
      () =>
        flow.runForm(
          checked.value,
          { save: selected(values, COMPARE_SAVE_FIELD).length > 0, files },
          requester,
          reply,
        ),
    );
  });
}
