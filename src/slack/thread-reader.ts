import type { ConversationsRepliesResponse, WebClient } from '@slack/web-api';
import type { RateLimitStore } from '../store/types.js';

/**
 * Slack allows new apps distributed outside the Marketplace one conversations.replies call a minute
 * per workspace, returning at most 15 messages; the store is the source of truth and this the fallback.
 */
const REPLIES_PER_MINUTE = 1;
const REPLIES_LIMIT = 15;

export type ThreadMessage = NonNullable<ConversationsRepliesResponse['messages']>[number];

/**
 * A thread's messages with their metadata, oldest first, counted against that limit in the store
 * (across replicas). Undefined when the minute's call is already spent.
 */
export async function readThread(
  client: WebClient,
  limits: RateLimitStore,
  where: { teamId: string; channelId: string; threadTs: string },
): Promise<ThreadMessage[] | undefined> {
  const allowed = await limits.hit(`replies:${where.teamId}`, REPLIES_PER_MINUTE, 60);
  if (!allowed.allowed) return undefined;
  const answer = await client.conversations.replies({
    channel: where.channelId,
    ts: where.threadTs,
    limit: REPLIES_LIMIT,
    include_all_metadata: true,
  });
  return answer.messages ?? [];
}
