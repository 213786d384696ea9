import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatUsd } from '../src/bedrock/pricing.js';
import type { RecordedCall } from '../src/playground/local-slack.js';
import { conversationId } from '../src/store/types.js';
import { visibleText } from './support/blocks.js';
import { type Bench, mentionBot, startBench } from './support/harness.js';

let bench: Bench;
let counter = 0;
const TEAM = 'T0001';
const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
// Claude 3.5 Haiku on Bedrock, per million tokens (genai-prices' table): input, cache write, cache read, output.
const HAIKU_PRICES = { input: 0.8, write: 1, read: 0.08, output: 4 };

const freshChannel = () => `C${++counter}CACHE`;
const nextTs = () => `${1_800_100_000 + ++counter}.000100`;

async function mention(channel: string, text: string, threadTs?: string): Promise<string> {
  const ts = nextTs();
  expect(await mentionBot(bench, { channel, text, ts, threadTs })).toBe(200);
  return ts;
}

const answersIn = (channel: string): RecordedCall[] =>
  bench.slack.calls.filter(
    (call) =>
      (call.method === 'chat.update' || call.method === 'chat.postMessage') &&
      call.args.channel === channel &&
      (call.args.metadata as { event_type?: string } | undefined)?.event_type === 'bedrock_slack_answer',
  );

const waitForAnswers = (channel: string, count: number) =>
  bench.slack.waitFor(() => answersIn(channel).length >= count && answersIn(channel));

/** A thread already `turns` long in the store, every turn `chars` characters, on `modelId`. */
async function seedThread(channel: string, modelId: string, turns: number, chars: number): Promise<string> {
  const root = nextTs();
  await bench.app.store.saveConversation(
    conversationId(TEAM, channel, root),
    {
      modelId,
      turns: Array.from({ length: turns }, (_, index) => ({
        role: index % 2 === 0 ? ('user' as const) : ('assistant' as const),
        text: `turn ${index}: ${'x'.repeat(chars)}`,
      })),
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
    },
    3600,
  );
  return root;
}

const hasCachePoint = (blocks: Record<string, unknown>[] | undefined) =>
  (blocks ?? []).some((block) => 'cachePoint' in block);

beforeAll(async () => {
  bench = await startBench({
    env: { CHAT_DEFAULT_MODEL: 'claude-3.5-haiku', RATE_LIMIT_USER_PER_MINUTE: '1000' },
  });
});
afterAll(() => bench.stop());

describe('prompt caching in a thread', () => {
  it('marks the stable history with cache points, and prices cache reads and writes as Bedrock does', async () => {
    const channel = freshChannel();
    // Claude 3.5 Haiku caches a prefix of 2,048 tokens or more: this question alone is about 2,500.
    const long = `Here is our runbook: ${'restart the service, then check the logs. '.repeat(240)}`;
    const root = await mention(channel, long);
    await waitForAnswers(channel, 1);
    await mention(channel, 'What is step one?', root);
    await waitForAnswers(channel, 2);
    await mention(channel, 'And step two?', root);
    const answers = await waitForAnswers(channel, 3);

    const third = bench.bedrock.callsFor(HAIKU).at(-1)!;
    const marked = third.body.messages.flatMap((message, index) =>
      hasCachePoint(message.content) ? [`${index}:${message.role}`] : [],
    );
    expect(marked).toEqual(['1:assistant', '3:assistant']);

    const figures = visibleText(answers[2]?.args.blocks);
    const [, input, read, write, output] =
      figures.match(/(\d+) in \(\+ (\d+) from cache, (\d+) to cache\) \/ (\d+) out tokens/) ?? [];
    expect(Number(read)).toBeGreaterThan(2_048);
    expect(Number(write)).toBeGreaterThan(0);
    const usd = (tokens: string | undefined, perMillion: number) => (Number(tokens) * perMillion) / 1_000_000;
    const cached =
      usd(input, HAIKU_PRICES.input) +
      usd(read, HAIKU_PRICES.read) +
      usd(write, HAIKU_PRICES.write) +
      usd(output, HAIKU_PRICES.output);
    expect(figures).toContain(` · ${formatUsd(cached)} · `);
    const uncached =
      usd(input, HAIKU_PRICES.input) +
      usd(String(Number(read) + Number(write)), HAIKU_PRICES.input) +
      usd(output, HAIKU_PRICES.output);
    expect(cached).toBeLessThan(uncached / 2);
  });

  it('marks the thread’s system prompt with a cache point', async () => {
    const channel = freshChannel();
    const root = nextTs();
    await bench.app.store.saveConversation(
      conversationId(TEAM, channel, root),
      {
        modelId: `us.${HAIKU}`,
        systemPrompt: 'You answer for the on-call team, in three sentences at most.',
        turns: [
          { role: 'user', text: 'Where is the runbook?' },
          { role: 'assistant', text: 'In the wiki.' },
        ],
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
      },
      3600,
    );
    await mention(channel, 'And the escalation path?', root);
    await waitForAnswers(channel, 1);
    const sent = bench.bedrock.callsFor(HAIKU).at(-1)!;
    expect(sent.body.system).toEqual([
      { text: 'You answer for the on-call team, in three sentences at most.' },
      { cachePoint: { type: 'default' } },
    ]);
  });

  it('sends no cache point to a model without prompt caching', async () => {
    const channel = freshChannel();
    const root = await seedThread(channel, 'meta.llama3-70b-instruct-v1:0', 4, 100);
    await mention(channel, 'Go on.', root);
    await waitForAnswers(channel, 1);
    const sent = bench.bedrock.callsFor('meta.llama3-70b-instruct-v1:0').at(-1)!;
    expect(sent.body.messages.some((message) => hasCachePoint(message.content))).toBe(false);
    expect(visibleText(answersIn(channel)[0]?.args.blocks)).not.toContain('cache');
  });
});

describe('trimming a long thread to the context window', () => {
  it('keeps every turn that fits by Bedrock’s CountTokens, where characters/3 would have dropped some', async () => {
    const channel = freshChannel();
    // 16 turns of 40,000 characters: about 213,000 tokens by characters/3, over Haiku's 200,000;
    // about 160,000 by the model's own count, which fits.
    const root = await seedThread(channel, `us.${HAIKU}`, 16, 40_000);
    const counted = bench.bedrock.tokenCounts.length;
    await mention(channel, 'Summarise the thread.', root);
    const [answer] = await waitForAnswers(channel, 1);
    const sent = bench.bedrock.callsFor(HAIKU).at(-1)!;
    expect(JSON.stringify(sent.body.messages)).toContain('turn 0:');
    expect(sent.body.messages).toHaveLength(17);
    expect(bench.bedrock.tokenCounts.slice(counted)).toEqual([
      { modelId: HAIKU, inputTokens: expect.any(Number) },
    ]);
    expect(visibleText(answer?.args.blocks)).not.toContain('left out');
  });

  it('falls back to characters/3 for a model without CountTokens, and says what it left out', async () => {
    const channel = freshChannel();
    // Nova Micro's window is 128,000 tokens: 12 turns of 40,000 characters do not fit by the estimate.
    const root = await seedThread(channel, 'us.amazon.nova-micro-v1:0', 12, 40_000);
    const counted = bench.bedrock.tokenCounts.length;
    await mention(channel, 'Summarise the thread.', root);
    const [answer] = await waitForAnswers(channel, 1);
    const sent = bench.bedrock.callsFor('amazon.nova-micro-v1:0').at(-1)!;
    expect(JSON.stringify(sent.body.messages)).not.toContain('turn 0:');
    expect(bench.bedrock.tokenCounts.slice(counted)).toEqual([]);
    expect(visibleText(answer?.args.blocks)).toMatch(/left out to fit Nova Micro/);
  });
});
