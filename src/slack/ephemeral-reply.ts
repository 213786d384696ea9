import type { WebClient } from '@slack/web-api';
import type { Reply } from './compare-flow.js';

/**
 * A `Reply` for where Slack gave no response_url (a modal's submission): an ephemeral message to the
 * person in the channel the form was opened from.
 */
export function ephemeralReply(client: WebClient, channel: string, user: string): Reply {
  return ({ response_type: _, ...message }) => client.chat.postEphemeral({ channel, user, ...message });
}
