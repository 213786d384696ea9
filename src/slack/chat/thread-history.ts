import type { WebClient } from '@slack/web-api';
import type { EarlierTurns } from '../../chat/turn.js';
import type { Logger } from '../../logger.js';
import { failed, ok, problem, type Result } from '../../result.js';
import type { ConversationTurn, RateLimitStore } from '../../store/types.js';
import { readThread } from '../kit/thread-reader.js';
import type { UserNames } from '../kit/user-names.js';
import { ANSWER_EVENT, FORGET_EVENT } from './blocks.js';

interface ThreadLocation {
  teamId: string;
  channelId: string;
  threadTs: string;
  /** The message being answered now: it becomes the new turn, not history. */
  currentTs: string;
  botUserId?: string;
}

/** Removes mentions of the bot, which address it and mean nothing to the model. */
export function withoutBotMention(text: string, botUserId: string | undefined): string {
  const mention = botUserId ? new RegExp(`<@${botUserId}(\\|[^>]*)?>`, 'g') : /^\s*<@[A-Z0-9]+(\|[^>]*)?>/;
  return text.replace(mention, '').trim();
}

const NOT_NOW = problem(
  'unavailable',
  'I no longer had this thread’s earlier messages and could not re-read them just now, so I answered this message on its own.',
);

/** The thread is longer than one read reaches: its latest messages, and any `forget`, were out of reach. */
const TOO_LONG = problem(
  'unavailable',
  'I no longer had this thread’s earlier messages, and it is longer than the 15 messages Slack lets me re-read at once, so I answered this message on its own.',
);

/** A thread's earlier turns for a chat turn whose conversation the store has lost. */
export function threadTurns(
  client: WebClient,
  limits: RateLimitStore,
  names: UserNames,
  where: ThreadLocation,
  logger: Pick<Logger, 'warn'>,
): EarlierTurns {
  return {
    read: () =>
      rebuildThreadHistory(client, limits, names, where).catch((error: unknown) => {
        logger.warn({ err: error }, 'could not rebuild a thread from conversations.replies');
        return failed(NOT_NOW);
      }),
  };
}

/**
 * Rebuilds a thread's history from Slack when the store has lost it: people's messages become user
 * turns (with their names), the bot's marked answers assistant turns; its placeholders, errors and
 * notices are left out, and so is everything before the latest `forget` marker. Slack returns a
 * thread oldest first, 15 messages a call, one call a minute: when the thread is longer, what was
 * read is its oldest part, which may hold forgotten turns and not the latest ones, so none is used.
 */
async function rebuildThreadHistory(
  client: WebClient,
  limits: RateLimitStore,
  names: UserNames,
  where: ThreadLocation,
): Promise<Result<ConversationTurn[]>> {
  const read = await readThread(client, limits, where);
  // The minute's read is already spent.
  if (!read) return failed(NOT_NOW);
  if (read.hasMore) return failed(TOO_LONG);
  const lastForget = read.messages.findLastIndex((message) => message.metadata?.event_type === FORGET_EVENT);
  const turns: ConversationTurn[] = [];
  for (const message of read.messages.slice(lastForget + 1)) {
    if (message.ts === where.currentTs || !message.text) continue;
    const fromBot =
      Boolean(message.bot_id) || (where.botUserId !== undefined && message.user === where.botUserId);
    if (fromBot) {
      if (message.metadata?.event_type === ANSWER_EVENT) {
        turns.push({ role: 'assistant', text: message.text, ts: message.ts });
      }
    } else if (message.user) {
      const text = withoutBotMention(message.text, where.botUserId);
      if (text) {
        turns.push({
          role: 'user',
          text,
          author: await names.nameOf(where.teamId, message.user),
          ts: message.ts,
        });
      }
    }
  }
  return ok(turns);
}
