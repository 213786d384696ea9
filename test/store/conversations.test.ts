import { describe, expect, it } from 'vitest';
import { Conversations } from '../../src/store/conversations.js';
import { MemoryBackend } from '../../src/store/memory-backend.js';
import { storeOn } from '../../src/store/store.js';
import type { Conversation } from '../../src/store/types.js';

const conversation: Conversation = {
  modelId: 'amazon.nova-micro-v1:0',
  turns: [
    { role: 'user', text: 'Hi', author: 'Ada', ts: '1.0' },
    { role: 'assistant', text: 'Hello', partial: true },
  ],
  inputTokens: 3,
  outputTokens: 2,
  costUsd: 0.0001,
};

function conversations() {
  const warnings: unknown[] = [];
  const store = storeOn(new MemoryBackend());
  return {
    store,
    warnings,
    repository: new Conversations(store, { warn: (...args: unknown[]) => warnings.push(args) }),
  };
}

describe('stored conversations', () => {
  it('read back as they were saved', async () => {
    const { repository } = conversations();
    await repository.saveConversation('T1:C1:1', conversation, 60);

    expect(await repository.getConversation('T1:C1:1')).toEqual(conversation);
  });

  it('read as missing, with a warning, when stored in an older shape or damaged', async () => {
    const { store, repository, warnings } = conversations();
    // As a release before versioned documents wrote it.
    await store.setJson('conversation:T1:C1:old', conversation, 60);
    await store.setJson('conversation:T1:C1:damaged', { v: 1, data: { ...conversation, turns: 'lost' } }, 60);

    expect(await repository.getConversation('T1:C1:old')).toBeUndefined();
    expect(await repository.getConversation('T1:C1:damaged')).toBeUndefined();
    expect(warnings).toHaveLength(2);
  });
});
