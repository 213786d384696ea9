import type { WebClient } from '@slack/web-api';
import type { SlackMessage } from './message.js';

/**
 * How a flow answers the person who asked: a slash command's or button's `respond`, or, where Slack
 * gave no response_url (a modal), an ephemeral message.
 */
export type Reply = (
  message: Omit<SlackMessage, 'metadata'> & { response_type: 'ephemeral' | 'in_channel' },
) => Promise<unknown>;

/**
 * A `Reply` for where Slack gave no response_url (a modal's submission): an ephemeral message to the
 * person in the channel the form was opened from.
 */
export function ephemeralReply(client: WebClient, channel: string, user: string): Reply {
  return ({ response_type: _, ...message }) => client.chat.postEphemeral({ channel, user, ...message });
}
