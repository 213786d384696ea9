import type { WebClient } from '@slack/web-api';

/**
 * Whether `userId` is a member of `channelId` (conversations.members, page by page); undefined when
 * Slack will not say (a private channel the bot is not in, a missing scope).
 */
export async function isChannelMember(
  client: WebClient,
  channelId: string,
  userId: string,
): Promise<boolean | undefined> {
  let cursor: string | undefined;
  try {
    do {
      const page = await client.conversations.members({ channel: channelId, limit: 1000, cursor });
      if (page.members?.includes(userId)) return true;
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return false;
  } catch {
    return undefined;
  }
}
