import type { ConversationsRepliesResponse, WebClient } from '@slack/web-api';
import { keys, type StoreKey } from '../../store/keys.js';
import type { RateLimitStore } from '../../store/types.js';

/**
 * Slack allows new apps distributed outside the Marketplace one conversations.replies (and one
 * conversations.history) call a minute per workspace, returning at most 15 messages, oldest first;
 * the store is the source of truth and this the fallback.
 */
const READS_PER_MINUTE = 1;
const READ_LIMIT = 15;

/** Counts one read against Slack's limit for that method (the key's TTL is its window). */
async function mayRead(limits: RateLimitStore, { key, ttlSeconds }: StoreKey): Promise<boolean> {
  return (await limits.hit(key, READS_PER_MINUTE, ttlSeconds)).allowed;
}

type ThreadMessage = NonNullable<ConversationsRepliesResponse['messages']>[number];

export interface ThreadRead {
  /** Oldest first. */
  messages: ThreadMessage[];
  /** True when the thread goes on past the messages read: its latest ones were out of reach. */
  hasMore: boolean;
}

/**
 * A thread's messages with their metadata (those after `oldest` when given), counted against that
 * limit in the store (across replicas). Undefined when the minute's call is already spent.
 */
export async function readThread(
  client: WebClient,
  limits: RateLimitStore,
  where: { teamId: string; channelId: string; threadTs: string; oldest?: string },
): Promise<ThreadRead | undefined> {
  if (!(await mayRead(limits, keys.threadReads(where.teamId)))) return undefined;
  const answer = await client.conversations.replies({
    channel: where.channelId,
    ts: where.threadTs,
    limit: READ_LIMIT,
    include_all_metadata: true,
    ...(where.oldest ? { oldest: where.oldest } : {}),
  });
  return { messages: answer.messages ?? [], hasMore: answer.has_more === true };
}

/**
 * Whether the bot's message marked `eventType` with `reply_to: replyTo` is in Slack: its ts, or
 * null when it is not there. Undefined when Slack's read limit leaves no call to spend right now.
 * Looks only after `replyTo`, in its thread or, without one, in the channel (a DM).
 */
export async function findMarkedReply(
  client: WebClient,
  limits: RateLimitStore,
  where: { teamId: string; channelId: string; threadTs?: string },
  eventType: string,
  replyTo: string,
): Promise<string | null | undefined> {
  const isMarked = (message: ThreadMessage) =>
    message.metadata?.event_type === eventType &&
    (message.metadata.event_payload as Record<string, unknown> | undefined)?.reply_to === replyTo;
  if (where.threadTs) {
    const read = await readThread(client, limits, { ...where, threadTs: where.threadTs, oldest: replyTo });
    return read && (read.messages.find(isMarked)?.ts ?? null);
  }
  if (!(await mayRead(limits, keys.channelReads(where.teamId)))) return undefined;
  const answer = await client.conversations.history({
    channel: where.channelId,
    oldest: replyTo,
    limit: READ_LIMIT,
    include_all_metadata: true,
  });
  return (answer.messages ?? []).find(isMarked)?.ts ?? null;
}
