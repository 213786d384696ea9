import type { WebClient } from '@slack/web-api';
import { conversationId } from '../../store/types.js';
import type { SlackFile } from '../kit/files.js';
import type { SlackMessage } from '../kit/message.js';

/** A message that speaks to the bot: a mention in a channel, or anything in a DM with it. */
export interface ChatEvent {
  teamId: string;
  channelId: string;
  userId: string;
  text: string;
  ts: string;
  /** Set when the message is itself in a thread. */
  threadTs?: string;
  directMessage: boolean;
  /** Set when the message was written in the assistant panel (a thread of the app's DM). */
  panel?: boolean;
  files: SlackFile[];
  botUserId?: string;
}

/** Where a message's reply goes and which conversation it belongs to. */
export function placeOf(event: ChatEvent) {
  // A channel mention opens a thread on itself; a top-level DM is one running conversation.
  const threadTs = event.threadTs ?? (event.directMessage ? undefined : event.ts);
  return {
    threadTs,
    /** The conversation, and who speaks in it now. */
    at: {
      conversationId: conversationId(event.teamId, event.channelId, threadTs ?? 'dm'),
      teamId: event.teamId,
      userId: event.userId,
      // A DM is a place of the person's own: no channel settings apply there.
      channelId: event.directMessage ? undefined : event.channelId,
    },
    /** The thread whose earlier messages Slack holds, should the store have lost them. */
    earlierIn: event.threadTs !== event.ts ? event.threadTs : undefined,
  };
}

export type Place = ReturnType<typeof placeOf>;

/** Posting where the conversation is, for all to see, or telling the person who wrote alone. */
export interface Voice {
  post(message: SlackMessage): Promise<unknown>;
  tell(message: SlackMessage): Promise<unknown>;
}

export function voiceFor(client: WebClient, event: ChatEvent, threadTs: string | undefined): Voice {
  const where = { channel: event.channelId, thread_ts: threadTs };
  const post = async (message: SlackMessage) => (await client.chat.postMessage({ ...where, ...message })).ts;
  return {
    post,
    // In a DM the person is alone with the bot already.
    tell: async (message) =>
      event.directMessage
        ? post(message)
        : client.chat.postEphemeral({ ...where, user: event.userId, ...message }),
  };
}
