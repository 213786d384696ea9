import type { App } from '@slack/bolt';
import type { CompareForm } from '../../../compare/form.js';
import type { Logger } from '../../../logger.js';
import type { WorkTracker } from '../../../ops/work-tracker.js';
import {
  COMPARE_FIELDS,
  COMPARE_IMAGE_FIELD,
  COMPARE_SAVE_FIELD,
  COMPARE_VIEW,
} from '../../blocks/compare-modal.js';
import { notice } from '../../blocks/notices.js';
import { type CompareFlow, describeFailure } from '../../compare-flow.js';
import { ephemeralReply } from '../../ephemeral-reply.js';
import { type FormSeal, UNSEALED_FORM } from '../../form-origin.js';
import { type SlackFile, slackFileSchema } from '../../slack-files.js';
import { field, selected, type ViewValues } from './view-state.js';

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
    };
    const checked = await flow.checkForm(form).catch((error: unknown) => {
      logger.error({ err: error }, 'checking the compare form failed');
      return { errors: { prompt: describeFailure(error) } };
    });
    if ('errors' in checked) {
      await ack({ response_action: 'errors', errors: checked.errors as Record<string, string> });
      return;
    }
    await ack();
    const files: SlackFile[] = (values[COMPARE_IMAGE_FIELD]?.value?.files ?? []).flatMap((file) => {
      const parsed = slackFileSchema.safeParse(file);
      return parsed.success ? [parsed.data] : [];
    });
    const requester = sealed.origin;
    const reply = ephemeralReply(client, requester.channelId, requester.userId);
    work.run(async () => {
      try {
        await flow.runForm(
          checked,
          { save: selected(values, COMPARE_SAVE_FIELD).length > 0, files },
          requester,
          reply,
        );
      } catch (error) {
        logger.error({ err: error }, 'compare from the form failed');
        await reply({ response_type: 'ephemeral', ...notice(describeFailure(error)) });
      }
    });
  });
}
