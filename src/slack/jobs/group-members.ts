import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { GroupMembers } from '../../jobs/access.js';
import type { Logger } from '../../logger.js';
import { Documents } from '../../store/documents.js';
import { keys } from '../../store/keys.js';
import type { DocumentStore } from '../../store/types.js';

const MEMBERS = { name: 'user-group members', version: 1, schema: z.array(z.string()) };

/**
 * A Slack user group's members, cached briefly: usergroups.users.list is rate limited. A group that
 * cannot be read (no usergroups:read scope, Slack down) has no members, so it lets no one in.
 */
export class SlackGroupMembers implements GroupMembers {
  private readonly cache: Documents<string[]>;

  constructor(
    private readonly client: WebClient,
    store: DocumentStore,
    private readonly logger: Logger,
  ) {
    this.cache = new Documents(store, MEMBERS, logger);
  }

  async membersOf(teamId: string, groupId: string): Promise<readonly string[]> {
    const { key, ttlSeconds } = keys.groupMembers(teamId, groupId);
    const cached = await this.cache.get(key);
    if (cached) return cached;
    try {
      const answer = await this.client.usergroups.users.list({ usergroup: groupId });
      const users = answer.users ?? [];
      await this.cache.set(key, users, ttlSeconds);
      return users;
    } catch (error) {
      this.logger.warn(
        { err: error, group: groupId },
        'could not read a user group (usergroups:read scope?)',
      );
      return [];
    }
  }
}
