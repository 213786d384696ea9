import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatTurns, type EarlierTurns, type TurnRequest } from '../../src/chat/turn.js';
import { ChannelDefaults } from '../../src/defaults/channel-settings.js';
import { silentLogger } from '../../src/logger.js';
import { failed, ok, problem } from '../../src/result.js';
import { keys } from '../../src/store/keys.js';
import { type ConversationStore, StoreUnavailableError } from '../../src/store/types.js';
import { UsageGuard } from '../../src/usage/guard.js';
import { UsageLedger } from '../../src/usage/ledger.js';
import { type ChatBench, startChatBench } from './bedrock-bench.js';

let bench: ChatBench;
beforeAll(async () => {
  bench = await startChatBench();
});
afterAll(() => bench.stop());

const TODAY = '2026-11-25';
const limits = { userPerMinute: 100, teamPerMinute: 100, dailySpendCapUsd: 0 };

/** Conversations in the embedded store, whose writes fail while `down` is set, as Redis does when it is. */
class FlakyConversations implements ConversationStore {
  down = false;
  getConversation(id: string) {
    return bench.store.getConversation(id);
  }
  async saveConversation(...args: Parameters<ConversationStore['saveConversation']>) {
    if (this.down) throw new StoreUnavailableError(new Error('connection refused'));
    await bench.store.saveConversation(...args);
  }
}

function turns(conversations: ConversationStore = bench.store) {
  const retries: (() => Promise<void>)[] = [];
  const chat = new ChatTurns({
    service: bench.service({ conversations }),
    guard: new UsageGuard(bench.store, limits, () => new Date(`${TODAY}T12:00:00Z`)),
    usage: new UsageLedger(bench.store, () => new Date(`${TODAY}T12:00:00Z`)),
    preferences: bench.store,
    channels: new ChannelDefaults(bench.store, silentLogger),
    defaultModel: 'nova-micro',
    retryLater: (booking) => retries.push(booking),
  });
  return { chat, retries };
}

let person = 0;
function ask(text: string, earlier?: EarlierTurns): TurnRequest {
  person += 1;
  return {
    conversationId: `T1:C1:turn-${person}`,
    teamId: 'T1',
    userId: `U${person}`,
    turn: { role: 'user', text, author: 'Ada' },
    attachments: [],
    earlier,
  };
}

const spentToday = (request: TurnRequest) =>
  bench.store.readTotal(keys.dailySpend(request.teamId, request.userId, TODAY).key);

const usageToday = (request: TurnRequest) =>
  new UsageLedger(bench.store, () => new Date(`${TODAY}T12:00:00Z`)).report(
    request.teamId,
    request.userId,
    'day',
  );

describe('a chat turn', () => {
  it('answers, stores the conversation and books the turn’s cost once', async () => {
    bench.bedrock.script('amazon.nova-micro-v1:0', { answer: 'Glacier is for archives.' });
    const request = ask('What is Glacier?');
    const streamed: [string, string][] = [];

    const outcome = await turns().chat.take(bench.catalog, request, (text, model) =>
      streamed.push([text, model]),
    );

    expect(outcome).toMatchObject({
      ok: true,
      value: { kind: 'answered', modelName: 'Nova Micro', notes: [] },
    });
    const cost = outcome.ok && outcome.value.kind === 'answered' ? outcome.value.reply.costUsd : undefined;
    expect(cost).toBeGreaterThan(0);
    expect(await spentToday(request)).toBeCloseTo(cost!, 12);
    const usage = await usageToday(request);
    expect(usage.models).toEqual([
      expect.objectContaining({ modelId: 'amazon.nova-micro-v1:0', requests: 1, unpricedRequests: 0 }),
    ]);
    expect(usage.costUsd).toBeCloseTo(cost!, 9);
    expect(usage.outputTokens).toBeGreaterThan(0);
    expect(streamed.at(-1)).toEqual(['Glacier is for archives.', 'Nova Micro']);
    const stored = await bench.store.getConversation(request.conversationId);
    expect(stored?.turns.map((turn) => turn.text)).toEqual(['What is Glacier?', 'Glacier is for archives.']);
  });

  it('with the store down, answers with a note, then saves once it is back, still booking the cost once', async () => {
    bench.bedrock.script('amazon.nova-micro-v1:0', { answer: 'EBS is block storage.' });
    const conversations = new FlakyConversations();
    const { chat, retries } = turns(conversations);
    const request = ask('What is EBS?');
    conversations.down = true;

    const outcome = await chat.take(bench.catalog, request, () => {});

    expect(outcome.ok && outcome.value.kind === 'answered' && outcome.value.notes).toEqual([
      expect.stringContaining('this turn is not saved yet'),
    ]);
    const cost = outcome.ok && outcome.value.kind === 'answered' ? outcome.value.reply.costUsd : 0;
    // The spend went in before the save failed: the retry must not count it again.
    expect(await spentToday(request)).toBeCloseTo(cost!, 12);
    expect(await bench.store.getConversation(request.conversationId)).toBeUndefined();

    conversations.down = false;
    expect(retries).toHaveLength(1);
    await retries[0]!();
    await retries[0]!();

    expect(await spentToday(request)).toBeCloseTo(cost!, 12);
    expect((await usageToday(request)).requests).toBe(1);
    expect((await bench.store.getConversation(request.conversationId))?.turns).toHaveLength(2);
  });

  it('books and stores nothing when the model fails', async () => {
    bench.bedrock.script('amazon.nova-micro-v1:0', {
      failure: { type: 'AccessDeniedException', status: 403, message: 'no access', times: 1 },
    });
    const request = ask('Hello?');

    const outcome = await turns().chat.take(bench.catalog, request, () => {});

    expect(outcome).toMatchObject({
      ok: true,
      value: { kind: 'model-failed', failure: { kind: 'access-denied' } },
    });
    expect(await spentToday(request)).toBe(0);
    expect(await bench.store.getConversation(request.conversationId)).toBeUndefined();
  });

  it('carries on from the earlier turns of a thread the store has lost', async () => {
    bench.bedrock.script('amazon.nova-micro-v1:0', { answer: 'Blue giraffe.' });
    const earlier: EarlierTurns = {
      read: async () =>
        ok([
          { role: 'user', text: 'Remember: blue giraffe.', author: 'Ada' },
          { role: 'assistant', text: 'Noted.' },
        ]),
    };

    await turns().chat.take(bench.catalog, ask('What was my hint?', earlier), () => {});

    const sent = JSON.stringify(bench.bedrock.callsFor('amazon.nova-micro-v1:0').at(-1)?.body.messages);
    expect(sent).toContain('Remember: blue giraffe.');
    expect(sent).toContain('What was my hint?');
  });

  it('answers on its own, saying why, when the earlier turns cannot be read', async () => {
    const earlier: EarlierTurns = {
      read: async () => failed(problem('unavailable', 'I could not re-read this thread just now.')),
    };

    const outcome = await turns().chat.take(bench.catalog, ask('And then?', earlier), () => {});

    expect(outcome.ok && outcome.value.kind === 'answered' && outcome.value.notes).toEqual([
      'I could not re-read this thread just now.',
    ]);
  });

  it('is refused with a problem, asking Bedrock nothing, when the thread’s model has left the catalog', async () => {
    const request = ask('Hello?');
    await bench.store.saveConversation(
      request.conversationId,
      { modelId: 'amazon.nova-gone-v1:0', turns: [], inputTokens: 0, outputTokens: 0, costUsd: 0 },
      60,
    );
    const before = bench.bedrock.calls.length;

    const outcome = await turns().chat.take(bench.catalog, request, () => {});

    expect(outcome).toMatchObject({ ok: false, problem: { kind: 'unavailable' } });
    expect(bench.bedrock.calls.length).toBe(before);
  });
});
