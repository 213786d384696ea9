import { z } from 'zod';
import type { Logger } from '../logger.js';
import { Documents } from '../store/documents.js';
import { keys } from '../store/keys.js';
import type { DocumentStore } from '../store/types.js';
import type { ModelDefaults } from './form.js';

const channelSettingsSchema = z.object({
  compareModels: z.array(z.string()).min(1).optional(),
  chatModel: z.string().optional(),
  systemPrompt: z.string().optional(),
  /** Who saved them last, and when (ms), as help and the settings form say. */
  updatedBy: z.string(),
  updatedAt: z.number(),
});

/** A channel's defaults, set by its members: its compare set, chat model and system prompt. */
export type ChannelSettings = z.infer<typeof channelSettingsSchema>;

/** Each channel's settings, checked against their schema on every read. */
export class ChannelDefaults {
  private readonly documents: Documents<ChannelSettings>;

  constructor(
    store: DocumentStore,
    logger: Pick<Logger, 'warn'>,
    private readonly now: () => number = Date.now,
  ) {
    this.documents = new Documents(
      store,
      { name: 'channel settings', version: 1, schema: channelSettingsSchema },
      logger,
    );
  }

  async of(teamId: string, channelId: string | undefined): Promise<ChannelSettings | undefined> {
    if (!channelId) return undefined;
    return this.documents.get(keys.channelSettings(teamId, channelId).key);
  }

  /** Replaces the channel's settings; all blank clears them. */
  async save(teamId: string, channelId: string, userId: string, defaults: ModelDefaults): Promise<void> {
    const { key, ttlSeconds } = keys.channelSettings(teamId, channelId);
    if (!defaults.compareModels && !defaults.chatModel && !defaults.systemPrompt) {
      await this.documents.delete(key);
      return;
    }
    await this.documents.set(key, { ...defaults, updatedBy: userId, updatedAt: this.now() }, ttlSeconds);
  }
}
