import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatUsd, PriceBook } from '../src/bedrock/pricing.js';
import { blockKitError } from '../src/playground/local-slack.js';
import { buttonValue, tableRows, visibleText } from './support/blocks.js';
import { type Bench, startBench } from './support/harness.js';

let bench: Bench;
let channelCounter = 0;
const fresh = () => {
  channelCounter += 1;
  return {
    channelId: `CR${channelCounter}`,
    userId: `UR${channelCounter}`,
    responseId: `rr${channelCounter}`,
  };
};
const finalIn = (channel: string) => bench.slack.updateShowing(channel, 'Summary');
const ephemeralTo = (responseId: string) => bench.slack.responseTo(responseId, 'ephemeral');

const GPT_OSS = 'openai.gpt-oss-120b-1:0';
const THOUGHT =
  'The sky scatters short wavelengths.\nRayleigh scattering goes as one over lambda to the fourth.\nSo blue wins over red.';

beforeAll(async () => {
  bench = await startBench({ env: { RATE_LIMIT_USER_PER_MINUTE: '100' } });
});
afterAll(() => bench.stop());

describe('a reasoning model beside a plain one', () => {
  it('streams its thinking apart from its answer, and measures both', async () => {
    bench.bedrock.script(GPT_OSS, {
      reasoning: THOUGHT,
      answer: 'Blue light scatters most.',
      firstTokenMs: 30,
      tokensPerSecond: 40,
    });
    bench.bedrock.script('amazon.nova-micro-v1:0', {
      answer: 'Because of Rayleigh scattering of sunlight by the air, blue dominates.',
      firstTokenMs: 30,
      tokensPerSecond: 200,
    });
    const who = fresh();
    await bench.sender.command('/compare', 'gpt-oss-120b nova-micro Why is the sky blue?', who);
    const final = await finalIn(who.channelId);
    const shown = visibleText(final.args.blocks);

    // The answer is the answer alone; the reasoning stays out of it.
    expect(shown).toContain('Blue light scatters most.');
    expect(shown).not.toContain('Rayleigh scattering goes as one');

    // While it thought, its slot said so, with the latest line of thought in small print.
    const thinking = bench.slack
      .callsOf('chat.update')
      .filter((call) => call.args.channel === who.channelId)
      .map((call) => visibleText(call.args.blocks))
      .find((text) => text.includes('thinking…'));
    expect(thinking).toMatch(/thinking… \d\.\d\d s/);
    // Whatever line of thought had arrived by then: the start of one of its lines.
    const line = thinking?.match(/:thought_balloon: _([^_]+)_/)?.[1] ?? '';
    expect(line).not.toBe('');
    expect(THOUGHT.split('\n').some((thought) => thought.startsWith(line.trim()))).toBe(true);

    // Figures: first token of anything before the first answer token, thinking time, answer tokens
    // apart from reasoning tokens (estimated, so ≈), tokens/s on answer tokens.
    const [header, oss, nova] = tableRows(final.args.blocks);
    expect(header).toEqual([
      'Model',
      'First token',
      'First answer',
      'Thinking',
      'Total',
      'Tokens in',
      'Answer tokens',
      'Reasoning tokens',
      'Tokens/s',
      'Cost',
      'Reasoning cost',
    ]);
    expect(oss?.[0]).toBe('gpt-oss-120b');
    const secondsIn = (cell: string | undefined) => Number(cell?.match(/^([\d.]+) s/)?.[1]);
    expect(secondsIn(oss?.[1])).toBeLessThan(secondsIn(oss?.[2]));
    expect(secondsIn(oss?.[3])).toBeGreaterThan(0.3);
    expect(oss?.[6]).toMatch(/^≈\d+/);
    expect(oss?.[7]).toMatch(/^≈\d+/);
    expect(oss?.[10]).toMatch(/^≈\$/);
    // Bedrock's one output count is the sum of the two: 4 answer words and 21 words of thought.
    const answer = Number(oss?.[6]?.match(/≈(\d+)/)?.[1]);
    const reasoning = Number(oss?.[7]?.match(/≈(\d+)/)?.[1]);
    expect(answer + reasoning).toBe(4 + THOUGHT.split(/\s+/).length);
    expect(answer).toBeLessThan(reasoning);
    expect(nova?.[7]).toBe('–');
    // The longest answer is Nova's, though gpt-oss produced more tokens with its reasoning.
    expect(shown).toMatch(/Longest answer: \*nova-micro\*/);

    // "Show reasoning" opens the whole of it.
    const value = buttonValue(final.args.blocks, 'compare_show_reasoning_0');
    const before = bench.slack.callsOf('views.open').length;
    await bench.sender.blockAction({
      actionId: 'compare_show_reasoning_0',
      value,
      userId: who.userId,
      channelId: who.channelId,
      messageTs: String(final.response?.ts ?? '1.0'),
    });
    const opened = await bench.slack.waitFor(() => bench.slack.callsOf('views.open')[before]);
    expect(opened.response?.ok).toBe(true);
    const view = opened.args.view as { blocks: unknown[] };
    expect(blockKitError({ blocks: view.blocks }, 'modal')).toBeUndefined();
    expect(visibleText(view.blocks)).toContain('Rayleigh scattering goes as one over lambda to the fourth.');
    expect(() => buttonValue(final.args.blocks, 'compare_show_reasoning_1')).toThrow();
  });
});

const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const NOVA_2 = 'amazon.nova-2-lite-v1:0';
const lastCall = (modelId: string) => bench.bedrock.callsFor(modelId).at(-1);

describe('reasoning controls', () => {
  it('--think and --effort reach each family in its own field; a model that takes neither gets a note', async () => {
    bench.bedrock.script(SONNET, { reasoning: 'Weighing the two options.', answer: 'Option A.' });
    bench.bedrock.script(GPT_OSS, { reasoning: 'Short thought.', answer: 'Option B.' });
    const who = fresh();
    await bench.sender.command(
      '/compare',
      'sonnet-4.5 gpt-oss-120b nova-micro --think 2048 --effort high --temperature 0.2 Pick one',
      who,
    );
    const final = await finalIn(who.channelId);
    const claude = lastCall(SONNET)?.body;
    expect(lastCall(SONNET)?.invokedId).toBe(`us.${SONNET}`);
    expect(claude?.additionalModelRequestFields).toEqual({
      thinking: { type: 'enabled', budget_tokens: 2048 },
    });
    // The budget comes on top of the answer's usual room, and Claude thinks at its own temperature.
    expect(claude?.inferenceConfig).toEqual({ maxTokens: 1024 + 2048 });
    expect(lastCall(GPT_OSS)?.body.additionalModelRequestFields).toEqual({ reasoning_effort: 'high' });
    expect(lastCall(GPT_OSS)?.body.inferenceConfig?.temperature).toBe(0.2);
    expect(lastCall('amazon.nova-micro-v1:0')?.body.additionalModelRequestFields).toBeUndefined();
    const shown = visibleText(final.args.blocks);
    expect(shown).toContain(
      'Claude Sonnet 4.5 thinks only at its own temperature: it ran without --temperature 0.2.',
    );
    expect(shown).toContain(
      'Nova Micro does not reason step by step on Bedrock: --think did not apply to it.',
    );
    expect(shown).toContain('thinking 2048 · effort high');
    expect(shown).toContain(
      'Claude Sonnet 4.5 ran with max tokens 3,072: its 2,048-token thinking budget on top of the answer’s 1,024.',
    );
    expect(shown).not.toContain('Weighing the two options.');
    expect(buttonValue(final.args.blocks, 'compare_show_reasoning_0')).toBeTruthy();
  });

  it('shows Claude’s redacted thinking as redacted, still billed and split from the answer', async () => {
    bench.bedrock.script(SONNET, { redactedReasoning: true, answer: 'A careful answer.' });
    const who = fresh();
    await bench.sender.command('/compare', 'sonnet-4.5 nova-micro --think Be careful', who);
    const final = await finalIn(who.channelId);
    expect(lastCall(SONNET)?.body.additionalModelRequestFields).toEqual({
      thinking: { type: 'enabled', budget_tokens: 4096 },
    });
    const [, claude] = tableRows(final.args.blocks);
    expect(claude?.[7]).toMatch(/^≈\d+/);
    const before = bench.slack.callsOf('views.open').length;
    await bench.sender.blockAction({
      actionId: 'compare_show_reasoning_0',
      value: buttonValue(final.args.blocks, 'compare_show_reasoning_0'),
      userId: who.userId,
      channelId: who.channelId,
    });
    const opened = await bench.slack.waitFor(() => bench.slack.callsOf('views.open')[before]);
    expect(visibleText((opened.args.view as { blocks: unknown[] }).blocks)).toContain(
      'The model’s reasoning came redacted: Bedrock billed it, but it cannot be shown.',
    );
  });

  it('--effort turns Nova 2 Lite’s reasoning on, which it shows redacted but bills', async () => {
    const who = fresh();
    await bench.sender.command('/compare', 'nova-2-lite nova-micro --effort low Plan a trip', who);
    const final = await finalIn(who.channelId);
    expect(lastCall(NOVA_2)?.body.additionalModelRequestFields).toEqual({
      reasoningConfig: { type: 'enabled', maxReasoningEffort: 'low' },
    });
    const [, nova2] = tableRows(final.args.blocks);
    expect(nova2?.[7]).toMatch(/^≈\d+/);
    expect(visibleText(final.args.blocks)).toContain(
      'Nova Micro does not reason step by step on Bedrock: --effort did not apply to it.',
    );
  });

  it.each([
    ['sonnet nova-micro --think 500 hi', '--think takes a thinking budget in tokens from 1024 to 64000'],
    [
      'sonnet nova-micro --think 4096 --max-tokens 2000 hi',
      'Claude Sonnet 4.5’s thinking budget must be below max tokens: --think 4096 with --max-tokens 2000',
    ],
    ['sonnet nova-micro --effort high hi', 'None of these models takes a reasoning effort'],
    ['nova-micro gpt-oss-120b --effort extreme hi', '--effort takes low, medium, high'],
    ['sonnet@flex nova-micro hi', 'Claude Sonnet 4.5 is not offered on the flex tier'],
    ['gpt-oss-120b@fast nova-micro hi', '`@fast` is not a Bedrock service tier'],
    ['gpt-oss-12b@flex nova-micro hi', 'I don’t know a Bedrock model called `gpt-oss-12b`'],
  ])('refuses `%s` before calling any model', async (text, message) => {
    const who = fresh();
    const calls = bench.bedrock.calls.length;
    await bench.sender.command('/compare', text, who);
    const answer = await ephemeralTo(who.responseId);
    expect(String(answer.body.text)).toContain(message);
    expect(bench.bedrock.calls.length).toBe(calls);
  });
});

describe('service tiers', () => {
  it('compares one model on two tiers side by side, each labelled and priced at its tier', async () => {
    bench.bedrock.script(GPT_OSS, { reasoning: 'Think.', answer: 'Same answer on both tiers.' });
    const who = fresh();
    await bench.sender.command('/compare', 'gpt-oss-120b@flex gpt-oss-120b@priority Say hi', who);
    const final = await finalIn(who.channelId);
    const tiers = bench.bedrock
      .callsFor(GPT_OSS)
      .slice(-2)
      .map((call) => call.body.serviceTier?.type);
    expect(tiers.sort()).toEqual(['flex', 'priority']);
    const [, flex, priority] = tableRows(final.args.blocks);
    expect([flex?.[0], priority?.[0]]).toEqual(['gpt-oss-120b@flex', 'gpt-oss-120b@priority']);
    const prices = new PriceBook();
    for (const [row, tier] of [
      [flex, 'flex'],
      [priority, 'priority'],
    ] as const) {
      const input = Number(row?.[5]?.match(/\d+/)?.[0]);
      const output = Number(row?.[6]?.match(/\d+/)?.[0]) + Number(row?.[7]?.match(/\d+/)?.[0]);
      const expected = prices.cost([GPT_OSS], input, output, undefined, tier);
      expect(row?.[9]?.split(' ')[0]).toBe(formatUsd(expected));
    }
    // Priority costs 1.75 × and flex 0.5 × the standard price: 3.5 × apart for the same tokens.
    const standard = prices.cost([GPT_OSS], 1000, 1000) ?? 0;
    expect((prices.cost([GPT_OSS], 1000, 1000, undefined, 'priority') ?? 0) / standard).toBeCloseTo(1.75);
    expect((prices.cost([GPT_OSS], 1000, 1000, undefined, 'flex') ?? 0) / standard).toBeCloseTo(0.5);
  });

  it('ranks the two tiers as one model on the leaderboard, each tier with its own latency and cost', async () => {
    bench.bedrock.script(GPT_OSS, { answer: 'Same answer on both tiers.' });
    const who = fresh();
    await bench.sender.command('/compare', 'gpt-oss-120b@flex gpt-oss-120b@priority nova-micro Say hi', who);
    const final = await finalIn(who.channelId);
    await bench.sender.blockAction({
      actionId: 'compare_vote_0',
      value: buttonValue(final.args.blocks, 'compare_vote_0'),
      userId: who.userId,
      channelId: who.channelId,
      messageTs: String(final.args.ts),
      responseId: `${who.responseId}-vote`,
    });
    await bench.slack.updateShowing(who.channelId, 'Best answer (1)');
    await bench.sender.command('/compare', 'leaderboard', { ...who, responseId: `${who.responseId}-board` });
    const board = visibleText((await ephemeralTo(`${who.responseId}-board`)).body.blocks);
    // One verdict: gpt-oss-120b won it once, as one contender, not once of two.
    expect(board).toMatch(
      /\*gpt-oss-120b\* · 1 win \(100% of 1\) · \d+ runs · (?:standard: median [^·]+ · median [^·]+ · \d+ runs? · )?flex: median \d\.\d\d s · median \$0\.\d+ · \d+ runs? · priority: median \d\.\d\d s · median \$0\.\d+ · \d+ runs?/,
    );
    expect(board).toMatch(/\*Nova Micro\* · 0 wins \(0% of 1\)/);
  });

  it('prices a call at the tier Bedrock says served it, and says so when that is not the one asked', async () => {
    bench.bedrock.script('amazon.nova-pro-v1:0', { answer: 'Served anyway.', servedTier: 'default' });
    const who = fresh();
    await bench.sender.command('/compare', 'nova-pro@priority nova-micro hi', who);
    const final = await finalIn(who.channelId);
    expect(visibleText(final.args.blocks)).toContain(
      'Bedrock served Nova Pro on the default tier, not priority: it is priced at default.',
    );
    bench.bedrock.script('amazon.nova-pro-v1:0', {});
  });

  it('names a tier the Region refuses in that model’s slot, and the other models still answer', async () => {
    const novaPro = bench.bedrock.models.find((model) => model.modelId === 'amazon.nova-pro-v1:0');
    const offered = novaPro?.serviceTiers;
    if (novaPro) novaPro.serviceTiers = [];
    try {
      const who = fresh();
      await bench.sender.command('/compare', 'nova-pro@priority nova-micro hi', who);
      const final = await finalIn(who.channelId);
      const shown = visibleText(final.args.blocks);
      expect(shown).toContain('Bedrock refused the service tier asked for');
      expect(shown).toContain(':white_check_mark: *Nova Micro*');
    } finally {
      if (novaPro) novaPro.serviceTiers = offered;
    }
  });
});
