import type { App } from '@slack/bolt';
import { parseEvaluateText } from '../../evaluate/request.js';
import type { Logger } from '../../logger.js';
import type { WorkTracker } from '../../ops/work-tracker.js';
import { runDetached } from '../kit/detached.js';
import { type SlackFile, slackFileSchema } from '../kit/files.js';
import { type FormSeal, UNSEALED_FORM } from '../kit/form-origin.js';
import { clip } from '../kit/limits.js';
import { ephemeralReply } from '../kit/reply.js';
import { field, type ViewValues } from '../kit/view-state.js';
import type { EvaluateFlow } from './flow.js';
import { EVALUATE_FIELDS, EVALUATE_VIEW } from './modal.js';

/** The form's submission: its words checked inline within the ack, then the estimate posted detached. */
export function registerEvaluateForm(
  app: App,
  flow: EvaluateFlow,
  seal: FormSeal,
  work: WorkTracker,
  logger: Logger,
): void {
  app.view(EVALUATE_VIEW, async ({ ack, body, view, client }) => {
    const values = view.state.values as ViewValues;
    const sealed = seal.open(body);
    if (!sealed) {
      await ack({ response_action: 'errors', errors: { [EVALUATE_FIELDS.words]: UNSEALED_FORM } });
      return;
    }
    const command = parseEvaluateText(field(values, EVALUATE_FIELDS.words) ?? '');
    if (!command.ok) {
      await ack({
        response_action: 'errors',
        errors: { [EVALUATE_FIELDS.words]: clip(command.problem.message.replace(/`/g, ''), 150) },
      });
      return;
    }
    const files: SlackFile[] = (values[EVALUATE_FIELDS.set]?.value?.files ?? []).flatMap((file) => {
      const parsed = slackFileSchema.safeParse(file);
      return parsed.success ? [parsed.data] : [];
    });
    const [file] = files;
    if (!file) {
      await ack({
        response_action: 'errors',
        errors: { [EVALUATE_FIELDS.set]: 'Attach a .csv or .jsonl prompt set.' },
      });
      return;
    }
    await ack();
    const requester = sealed.origin;
    const reply = ephemeralReply(client, requester.channelId, requester.userId);
    runDetached(
      work,
      logger,
      'evaluation from the form',
      (message) => reply({ response_type: 'ephemeral', ...message }),
      () => flow.fromForm(requester, command.value, file, reply),
    );
  });
}
