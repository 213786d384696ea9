import type { App } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import { failed } from '../../result.js';
import { readDefaultsForm } from '../kit/defaults-modal.js';
import { describeFailure } from '../kit/failures.js';
import { type FormSeal, UNSEALED_FORM } from '../kit/form-origin.js';
import { ephemeralReply } from '../kit/reply.js';
import type { ViewValues } from '../kit/view-state.js';
import { CHANNEL_SETTINGS_VIEW, type ChannelSettingsFlow } from './flow.js';

/**
 * The channel settings form: checked and saved within the submission's 3-second ack, so a model the
 * account cannot invoke is refused inline, in the form; the person who saved is told privately.
 */
export function registerChannelSettingsForm(
  app: App,
  flow: ChannelSettingsFlow,
  seal: FormSeal,
  logger: Logger,
): void {
  app.view(CHANNEL_SETTINGS_VIEW, async ({ ack, body, view, client }) => {
    // The channel the form is for was sealed when it was opened; a submission names none Slack vouches for.
    const sealed = seal.open(body);
    if (!sealed) {
      await ack({ response_action: 'errors', errors: { compare_models: UNSEALED_FORM } });
      return;
    }
    const saved = await flow
      .save(readDefaultsForm(view.state.values as ViewValues), sealed.origin)
      .catch((error: unknown) => {
        logger.error({ err: error }, 'saving channel settings failed');
        return failed({ compare_models: describeFailure(error) });
      });
    if (!saved.ok) {
      await ack({ response_action: 'errors', errors: saved.problem as Record<string, string> });
      return;
    }
    await ack();
    const { channelId, userId } = sealed.origin;
    await ephemeralReply(
      client,
      channelId,
      userId,
    )({ response_type: 'ephemeral', ...saved.value }).catch((error: unknown) =>
      logger.warn({ err: error }, 'could not confirm saved channel settings'),
    );
  });
}
