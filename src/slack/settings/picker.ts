import type { App, BlockButtonAction } from '@slack/bolt';
import type { View } from '@slack/types';
import type { Logger } from '../../logger.js';
import { isChannelMember } from '../kit/channel-members.js';
import { describeFailure } from '../kit/failures.js';
import { slackView } from '../kit/message.js';
import { teamOf } from '../kit/requester.js';
import type { ChannelSettingsFlow } from './flow.js';

const CHANNEL_PICK_VIEW = 'channel_settings_pick';
const CHANNEL_FIELD = 'channel';

function pickerModal(): View {
  return slackView({
    type: 'modal',
    callback_id: CHANNEL_PICK_VIEW,
    title: { type: 'plain_text', text: 'Channel settings' },
    submit: { type: 'plain_text', text: 'Next' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: CHANNEL_FIELD,
        label: { type: 'plain_text', text: 'Channel' },
        hint: { type: 'plain_text', text: 'Its members set its defaults: pick a channel you are in.' },
        element: {
          type: 'conversations_select',
          action_id: 'value',
          placeholder: { type: 'plain_text', text: 'Choose a channel' },
          filter: { include: ['public', 'private'], exclude_bot_users: true },
        },
      },
    ],
  });
}

/**
 * Channel settings from a button where no channel is at hand (App Home): first pick the channel, then
 * its settings form replaces the picker, sealed to that channel, for a member of it only.
 */
export function registerChannelPicker(
  app: App,
  actionId: string,
  flow: ChannelSettingsFlow,
  logger: Logger,
): void {
  app.action<BlockButtonAction>(actionId, async ({ ack, body, client }) => {
    await ack();
    await client.views.open({ trigger_id: body.trigger_id, view: pickerModal() });
  });

  app.view(CHANNEL_PICK_VIEW, async ({ ack, body, view, client }) => {
    const channelId = view.state.values[CHANNEL_FIELD]?.value?.selected_conversation ?? '';
    const userId = body.user.id;
    const member = channelId ? await isChannelMember(client, channelId, userId) : false;
    if (!member) {
      const why =
        member === false
          ? 'Only members of a channel set its defaults: pick a channel you are in.'
          : 'I can’t see who is in that channel: invite @Bedrock to it, or run `/compare settings` there.';
      await ack({ response_action: 'errors', errors: { [CHANNEL_FIELD]: why } });
      return;
    }
    try {
      const form = await flow.form({ teamId: teamOf(body), userId, channelId });
      await ack({ response_action: 'update', view: form });
    } catch (error) {
      logger.error({ err: error }, 'opening channel settings failed');
      await ack({ response_action: 'errors', errors: { [CHANNEL_FIELD]: describeFailure(error) } });
    }
  });
}
