import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedModel } from '../../src/bedrock/catalog.js';
import { type ChatRequest, emptyConversation } from '../../src/chat/service.js';
import type { Conversation, ConversationTurn } from '../../src/store/types.js';
import { type ChatBench, startChatBench } from './bedrock-bench.js';

let bench: ChatBench;
beforeAll(async () => {
  bench = await startChatBench();
});
afterAll(() => bench.stop());

const modelNamed = (name: string): ResolvedModel => {
  const resolution = bench.catalog.resolve(name);
  if (!resolution.ok) throw new Error(`the emulator's catalog has no ${name}`);
  return resolution.resolved;
};

let nextId = 0;
const request = (model: string, text: string, conversation?: Conversation): ChatRequest => ({
  conversationId: `T1:C1:${++nextId}`,
  conversation: conversation ?? emptyConversation(''),
  model: modelNamed(model),
  turn: { role: 'user', text, author: 'Ada' },
  attachments: [],
});

describe('a chat reply', () => {
  it('answers with the model’s text, its token counts and cost, and stores both turns', async () => {
    bench.bedrock.script('amazon.nova-micro-v1:0', { answer: 'S3 stores objects.', inputTokens: 12 });
    const asked = request('nova-micro', 'What is S3?');
    const streamed: string[] = [];

    const reply = await bench.service().reply(asked, (soFar) => streamed.push(soFar));

    expect(reply).toMatchObject({ ok: true, text: 'S3 stores objects.', inputTokens: 12, saved: true });
    if (!reply.ok) return;
    expect(reply.outputTokens).toBeGreaterThan(0);
    expect(reply.costUsd).toBeGreaterThan(0);
    expect(streamed.at(-1)).toBe('S3 stores objects.');
    const stored = await bench.store.getConversation(asked.conversationId);
    expect(stored?.modelId).toBe(asked.model.invokeId);
    expect(stored?.turns.map((turn) => [turn.role, turn.text])).toEqual([
      ['user', 'What is S3?'],
      ['assistant', 'S3 stores objects.'],
    ]);
    expect(stored?.costUsd).toBe(reply.costUsd);
  });

  it('leaves the oldest turns out to fit a small context window, and counts them', async () => {
    const long = 'word '.repeat(2_000);
    const turns: ConversationTurn[] = Array.from({ length: 10 }, (_, index) => ({
      role: index % 2 === 0 ? 'user' : 'assistant',
      text: `turn ${index}: ${long}`,
    }));
    const asked = request('llama3-70b', 'What did we say?', { ...emptyConversation(''), turns });

    const reply = await bench.service().reply(asked, () => {});

    expect(reply.ok && reply.droppedTurns).toBeGreaterThan(0);
    const sent = bench.bedrock.callsFor('meta.llama3-70b-instruct-v1:0').at(-1)!.body.messages;
    expect(sent.length).toBeLessThan(turns.length + 1);
    expect(sent[0]?.role).toBe('user');
    expect(JSON.stringify(sent.at(-1))).toContain('What did we say?');
    // What is stored is the whole conversation: the window only shapes what the model is sent.
    expect((await bench.store.getConversation(asked.conversationId))?.turns).toHaveLength(12);
  });

  it('refuses a message that alone is too long for the model’s window, sending nothing to Bedrock', async () => {
    const before = bench.bedrock.calls.length;
    const reply = await bench.service().reply(request('llama3-70b', 'word '.repeat(20_000)), () => {});

    expect(reply).toMatchObject({ ok: false, failure: { kind: 'validation' } });
    expect(!reply.ok && reply.failure.message).toContain('too long for Llama 3 70B Instruct');
    expect(bench.bedrock.calls.length).toBe(before);
  });

  it('keeps what arrived before the time limit, marked partial, with an estimated cost', async () => {
    bench.bedrock.script('anthropic.claude-3-5-haiku-20241022-v1:0', {
      answer: `Lambda runs code ${'without servers '.repeat(40)}`,
      tokensPerSecond: 4,
    });
    const asked = request('claude-3.5-haiku', 'What is Lambda?');

    const reply = await bench.service({ modelTimeoutMs: 1_000 }).reply(asked, () => {});

    expect(reply).toMatchObject({ ok: true, cutOffAfterMs: 1_000 });
    if (!reply.ok) return;
    expect(reply.text).toMatch(/^Lambda runs code/);
    expect(reply.costUsd).toBeGreaterThan(0);
    const stored = await bench.store.getConversation(asked.conversationId);
    expect(stored?.turns.at(-1)).toMatchObject({ role: 'assistant', partial: true, text: reply.text });
  });

  it('stores nothing when the model fails', async () => {
    bench.bedrock.script('amazon.nova-lite-v1:0', {
      failure: { type: 'ThrottlingException', status: 429, message: 'Too many requests' },
    });
    const asked = request('nova-lite', 'Hello?');

    const reply = await bench.service().reply(asked, () => {});

    expect(reply).toMatchObject({ ok: false, failure: { kind: 'throttled' } });
    expect(await bench.store.getConversation(asked.conversationId)).toBeUndefined();
  });
});

describe('a reply from a reasoning model', () => {
  const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';

  it('shows and stores only the answer of a model that always reasons', async () => {
    bench.bedrock.script('openai.gpt-oss-120b-1:0', {
      reasoning: 'Hidden musing.',
      answer: 'Visible answer.',
    });
    const asked = request('gpt-oss-120b', 'Hi');
    const streamed: string[] = [];
    const reply = await bench.service().reply(asked, (soFar) => streamed.push(soFar));
    expect(reply).toMatchObject({ ok: true, text: 'Visible answer.' });
    expect(streamed.join('')).not.toContain('musing');
    const stored = await bench.store.getConversation(asked.conversationId);
    expect(stored?.turns.at(-1)).toEqual({ role: 'assistant', text: 'Visible answer.' });
  });

  it('keeps Claude’s signed thinking out of sight and hands it back on the next turn', async () => {
    bench.bedrock.script(SONNET, { reasoning: 'Signed musing.', answer: 'First answer.' });
    const invokeId = `us.${SONNET}`;
    const conversation: Conversation = {
      ...emptyConversation(invokeId),
      modelSettings: {
        invokeId,
        fields: { thinking: { type: 'enabled', budget_tokens: 1024 } },
        maxTokens: 2048,
      },
    };
    const first = request('sonnet-4.5', 'Think, then answer', conversation);
    const reply = await bench.service().reply(first, () => {});
    expect(reply).toMatchObject({ ok: true, text: 'First answer.' });
    if (!reply.ok) return;
    expect(bench.bedrock.callsFor(SONNET).at(-1)?.body.additionalModelRequestFields).toEqual({
      thinking: { type: 'enabled', budget_tokens: 1024 },
    });
    const answered = reply.conversation.turns.at(-1);
    expect(answered?.text).toBe('First answer.');
    expect(answered?.thinking).toMatchObject({
      text: 'Signed musing.',
      signature: expect.stringMatching(/^sig-/),
    });

    bench.bedrock.script(SONNET, { reasoning: 'More.', answer: 'Second answer.' });
    const second = await bench
      .service()
      .reply({ ...request('sonnet-4.5', 'And then?', reply.conversation) }, () => {});
    expect(second).toMatchObject({ ok: true, text: 'Second answer.' });
    const handedBack = bench.bedrock.callsFor(SONNET).at(-1)?.body.messages[1]?.content;
    // Before the answer it led to (a cache point may follow, see prompt-caching.ts).
    expect(handedBack?.slice(0, 2)).toEqual([
      {
        reasoningContent: {
          reasoningText: { text: 'Signed musing.', signature: answered?.thinking?.signature },
        },
      },
      { text: 'First answer.' },
    ]);
  });
});
