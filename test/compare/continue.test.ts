import { beforeEach, describe, expect, it } from 'vitest';
import { CompareContinuation } from '../../src/compare/continue.js';
import { CompareRuns } from '../../src/compare/runs.js';
import type { CompareRun } from '../../src/compare/types.js';
import { MemoryBackend } from '../../src/store/memory-backend.js';
import { storeOn } from '../../src/store/store.js';
import { conversationId, type Store } from '../../src/store/types.js';
import { compareRun, modelRun } from './fixtures.js';

describe('continuing a compare’s answer as a conversation', () => {
  let store: Store;
  let runs: CompareRuns;
  let continuation: CompareContinuation;
  let run: CompareRun;
  const thread = { teamId: 'T1', channelId: 'C1', messageTs: '1700000000.000100' };

  beforeEach(async () => {
    store = storeOn(new MemoryBackend());
    runs = new CompareRuns(store, { warn: () => {} });
    continuation = new CompareContinuation({ runs, conversations: store, conversationTtlSeconds: 3600 });
    run = compareRun(
      [
        modelRun('amazon.nova-micro-v1:0', {
          invokeId: 'us.amazon.nova-micro-v1:0',
          text: 'S3 stores objects.',
        }),
        modelRun('amazon.nova-lite-v1:0', { status: 'timed-out', text: 'S3 is' }),
      ],
      { options: { blind: false, system: 'Answer in one sentence.' } },
    );
    await runs.save(run);
  });

  it('starts the thread’s conversation with the prompt and that model’s answer, and what they cost', async () => {
    const started = await continuation.start(run.id, 0, thread);

    expect(started).toMatchObject({ ok: true, value: { modelId: 'amazon.nova-micro-v1:0' } });
    expect(await store.getConversation(conversationId('T1', 'C1', thread.messageTs))).toEqual({
      modelId: 'us.amazon.nova-micro-v1:0',
      systemPrompt: 'Answer in one sentence.',
      turns: [
        { role: 'user', text: 'What is S3?' },
        { role: 'assistant', text: 'S3 stores objects.' },
      ],
      inputTokens: 10,
      outputTokens: 100,
      costUsd: 0.001,
    });
  });

  it('does not continue an unfinished answer, nor a run of another workspace', async () => {
    expect(await continuation.start(run.id, 1, thread)).toMatchObject({
      ok: false,
      problem: { kind: 'conflict', message: expect.stringContaining('has no finished answer') },
    });
    expect(await continuation.start(run.id, 0, { ...thread, teamId: 'T2' })).toMatchObject({
      ok: false,
      problem: { kind: 'gone' },
    });
    expect(await store.getConversation(conversationId('T1', 'C1', thread.messageTs))).toBeUndefined();
  });

  it('carries the model’s thinking, effort and tier into the thread, for that model', async () => {
    const thinking = compareRun([
      modelRun('anthropic.claude-sonnet-4-5-20250929-v1:0', {
        invokeId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        text: 'Done thinking.',
        modelFields: { thinking: { type: 'enabled', budget_tokens: 2048 } },
        maxTokens: 3072,
      }),
      modelRun('openai.gpt-oss-120b-1:0', { serviceTier: 'flex', modelFields: { reasoning_effort: 'high' } }),
    ]);
    await runs.save(thinking);
    await continuation.start(thinking.id, 0, thread);
    expect(
      (await store.getConversation(conversationId('T1', 'C1', thread.messageTs)))?.modelSettings,
    ).toEqual({
      invokeId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      fields: { thinking: { type: 'enabled', budget_tokens: 2048 } },
      maxTokens: 3072,
    });
    const other = { ...thread, messageTs: '1700000000.000200' };
    await continuation.start(thinking.id, 1, other);
    expect((await store.getConversation(conversationId('T1', 'C1', other.messageTs)))?.modelSettings).toEqual(
      {
        invokeId: 'openai.gpt-oss-120b-1:0',
        fields: { reasoning_effort: 'high' },
        serviceTier: 'flex',
      },
    );
  });
});
