import type { WebClient } from '@slack/web-api';
import type { DocumentStore } from '../../store/types.js';

const NAME_TTL_SECONDS = 86_400;

/**
 * Display names for user IDs, so a model in a thread with several people knows who said what.
 * Cached in the store for a day: users.info is rate limited, and names rarely change.
 */
export class UserNames {
  constructor(
    private readonly client: WebClient,
    private readonly cache: DocumentStore,
  ) {}

  async nameOf(teamId: string, userId: string): Promise<string> {
    const key = `user-name:${teamId}:${userId}`;
    const cached = await this.cache.getJson<string>(key);
    if (cached) return cached;
    try {
      const { user } = await this.client.users.info({ user: userId });
      const name = user?.profile?.display_name || user?.real_name || user?.name || userId;
      await this.cache.setJson(key, name, NAME_TTL_SECONDS);
      return name;
    } catch {
      // Without users:read (or when Slack is slow) the ID still tells people apart.
      return userId;
    }
  }
}
