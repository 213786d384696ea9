import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Logger } from '../../logger.js';
import { Documents } from '../../store/documents.js';
import { keys } from '../../store/keys.js';
import type { DocumentStore } from '../../store/types.js';

const USER_NAME = { name: 'user-name', version: 1, schema: z.string().min(1) };

/**
 * Display names for user IDs, so a model in a thread with several people knows who said what.
 * Cached in the store for a day: users.info is rate limited, and names rarely change.
 */
export class UserNames {
  private readonly cache: Documents<string>;

  constructor(
    private readonly client: WebClient,
    store: DocumentStore,
    logger: Pick<Logger, 'warn'>,
  ) {
    this.cache = new Documents(store, USER_NAME, logger);
  }

  async nameOf(teamId: string, userId: string): Promise<string> {
    const { key, ttlSeconds } = keys.userName(teamId, userId);
    const cached = await this.cache.get(key);
    if (cached) return cached;
    try {
      const { user } = await this.client.users.info({ user: userId });
      const name = user?.profile?.display_name || user?.real_name || user?.name || userId;
      await this.cache.set(key, name, ttlSeconds);
      return name;
    } catch {
      // Without users:read (or when Slack is slow) the ID still tells people apart.
      return userId;
    }
  }
}
