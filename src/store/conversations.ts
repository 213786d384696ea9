import { z } from 'zod';
import type { Logger } from '../logger.js';
import { type DocumentKind, Documents } from './documents.js';
import { keys } from './keys.js';
import type { Conversation, ConversationStore, DocumentStore } from './types.js';

const turnSchema = z.object({
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  author: z.string().optional(),
  ts: z.string().optional(),
  partial: z.boolean().optional(),
  stoppedByPerson: z.boolean().optional(),
  thinking: z
    .object({
      text: z.string().optional(),
      signature: z.string().optional(),
      redacted: z.array(z.string()).optional(),
    })
    .optional(),
});

const CONVERSATION: DocumentKind<Conversation> = {
  name: 'conversation',
  version: 1,
  schema: z.object({
    modelId: z.string(),
    systemPrompt: z.string().optional(),
    modelSettings: z
      .object({
        invokeId: z.string(),
        fields: z.record(z.string(), z.unknown()).optional(),
        serviceTier: z.enum(['priority', 'flex']).optional(),
        maxTokens: z.number().int().positive().optional(),
      })
      .optional(),
    turns: z.array(turnSchema),
    inputTokens: z.number(),
    outputTokens: z.number(),
    costUsd: z.number(),
  }),
};

/** A thread's conversation with a model, stored as a versioned document checked on every read. */
export class Conversations implements ConversationStore {
  private readonly documents: Documents<Conversation>;

  constructor(store: DocumentStore, logger: Pick<Logger, 'warn'>) {
    this.documents = new Documents(store, CONVERSATION, logger);
  }

  getConversation(id: string): Promise<Conversation | undefined> {
    // The TTL only matters when writing.
    return this.documents.get(keys.conversation(id, 0).key);
  }

  saveConversation(id: string, conversation: Conversation, ttlSeconds: number): Promise<void> {
    const { key } = keys.conversation(id, ttlSeconds);
    return this.documents.set(key, conversation, ttlSeconds);
  }
}
