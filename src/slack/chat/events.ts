import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { Logger } from '../../logger.js';
import type { WorkTracker } from '../../ops/work-tracker.js';
import { runDetached } from '../kit/detached.js';
import { slackFileSchema } from '../kit/files.js';
import type { ChatEvent } from './chat-event.js';
import type { ChatFlow } from './flow.js';

/** The fields of a message or app_mention event a chat turn reads; anything else is ignored. */
const messageEventSchema = z.object({
  user: z.string(),
  text: z.string().default(''),
  ts: z.string(),
  channel: z.string(),
  thread_ts: z.string().optional(),
  channel_type: z.string().optional(),
  subtype: z.string().optional(),
  bot_id: z.string().optional(),
  edited: z.unknown().optional(),
  files: z.array(slackFileSchema).default([]),
});

/**
 * Turns an event into a chat turn, or undefined for what the bot must not answer: messages from
 * bots (itself included), edits, deletions, joins and other subtypes. A file shared in a DM is a turn.
 */
export function toChatEvent(
  raw: unknown,
  teamId: string,
  botUserId: string | undefined,
  directMessage: boolean,
): ChatEvent | undefined {
  const parsed = messageEventSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const event = parsed.data;
  if (event.bot_id || event.user === botUserId || event.edited !== undefined) return undefined;
  if (event.subtype !== undefined && event.subtype !== 'file_share') return undefined;
  return {
    teamId,
    channelId: event.channel,
    userId: event.user,
    text: event.text,
    ts: event.ts,
    threadTs: event.thread_ts,
    directMessage,
    files: event.files,
    botUserId,
  };
}

/** A kind of mention another feature answers instead of the chat (`@Bedrock evaluate …`). */
export interface MentionRoute {
  wants(text: string): boolean;
  handle(event: ChatEvent): Promise<void>;
}

/** Mentions in channels and every message in a DM with the bot: acked by Bolt, answered detached. */
export function registerChatEvents(
  app: App,
  flow: ChatFlow,
  work: WorkTracker,
  logger: Logger,
  routes: readonly MentionRoute[] = [],
): void {
  const start = (event: ChatEvent | undefined) => {
    if (!event) return;
    const route = routes.find((candidate) => candidate.wants(event.text));
    if (route) {
      runDetached(work, logger, 'answering a mention', undefined, () => route.handle(event));
      return;
    }
    // The flow answers every failure it can in the thread itself; what escapes it can only be logged.
    runDetached(work, logger, 'answering a chat message', undefined, () => flow.handle(event));
  };
  app.event('app_mention', async ({ event, body, context }) => {
    // Slack sends DMs to the bot as message.im; a mention there is handled once, below.
    if (event.channel.startsWith('D')) return;
    start(toChatEvent(event, body.team_id, context.botUserId, false));
  });
  app.event('message', async ({ event, body, context }) => {
    if (!('channel_type' in event) || event.channel_type !== 'im') return;
    start(toChatEvent(event, body.team_id, context.botUserId, true));
  });
}
