import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../src/playground/local-slack.js';
import { actionIds, buttonValue, tableRows, visibleText } from './support/blocks.js';
import { type Bench, startBench } from './support/harness.js';

let bench: Bench;
let counter = 0;
const unique = (prefix: string) => `${prefix}${++counter}`;

const NOVA_MICRO = 'amazon.nova-micro-v1:0';
const NOVA_LITE = 'amazon.nova-lite-v1:0';

/** The compare message's last update in a channel once `marker` shows in it. */
const updateIn = (channel: string, marker: string) =>
  bench.slack.waitFor(() =>
    bench.slack
      .callsOf('chat.update')
      .filter((call) => call.args.channel === channel && visibleText(call.args.blocks).includes(marker))
      .at(-1),
  );

const ephemeralsTo = (channel: string) =>
  bench.slack.callsOf('chat.postEphemeral').filter((call) => call.args.channel === channel);

function click(message: RecordedCall, actionId: string, userId: string, responseId = unique('click')) {
  return bench.sender
    .blockAction({
      actionId,
      value: buttonValue(message.args.blocks, actionId),
      userId,
      channelId: String(message.args.channel),
      messageTs: String(message.args.ts),
      responseId,
    })
    .then(() => responseId);
}

const responseAt = (responseId: string) =>
  bench.slack.waitFor(() =>
    bench.slack.responses.find((response) => response.path.endsWith(`/${responseId}`)),
  );

beforeAll(async () => {
  // Negotiated prices for Nova Lite; Nova Micro keeps genai-prices' table ($0.035 / $0.14 per million).
  const prices = join(mkdtempSync(join(tmpdir(), 'prices-')), 'prices.json');
  writeFileSync(
    prices,
    JSON.stringify({ [NOVA_LITE]: { inputPerMillionUsd: 1000, outputPerMillionUsd: 2000 } }),
  );
  // Blind compares here list their models in reverse: a fixed stand-in for the random shuffle.
  bench = await startBench({
    env: { PRICES_FILE: prices, RATE_LIMIT_USER_PER_MINUTE: '1000' },
    overrides: { shuffle: (items) => [...items].reverse() },
  });
  bench.bedrock.script(NOVA_MICRO, { answer: 'one two three four five', inputTokens: 100 });
  bench.bedrock.script(NOVA_LITE, { answer: 'six seven eight nine ten', inputTokens: 100 });
});
afterAll(() => bench.stop());

describe('/compare with no text: the form', () => {
  it('opens with the invocable text models, grouped by provider with what they take in, the default set ticked', async () => {
    await bench.sender.command('/compare', '', { channelId: 'CFORM', responseId: unique('r') });
    const opened = await bench.slack.waitFor(() => bench.slack.callsOf('views.open')[0]);
    expect(opened.response?.ok).toBe(true);
    const view = JSON.stringify(opened.args.view);
    expect(view).toContain('"callback_id":"compare_modal"');
    expect(view).toContain(
      '{"type":"plain_text","text":"Nova Lite · text, image, video"},"value":"amazon.nova-lite-v1:0"',
    );
    expect(view).not.toContain('amazon.nova-reel-v1:0');
    expect(view).not.toContain('amazon.nova-micro-v1:0:128k');
    const initial = (
      opened.args.view as { blocks: { element?: { initial_options?: { value: string }[] } }[] }
    ).blocks[0]?.element?.initial_options?.map((option) => option.value);
    expect(initial).toEqual([NOVA_MICRO, 'anthropic.claude-3-5-haiku-20241022-v1:0']);
  });

  /** Opens the form as `userId` in `channel`, as `/compare` alone does; returns its sealed origin. */
  const openForm = async (channel: string, userId = 'U0001') => {
    const before = bench.slack.callsOf('views.open').length;
    await bench.sender.command('/compare', '', { channelId: channel, userId, responseId: unique('r') });
    const opened = await bench.slack.waitFor(() => bench.slack.callsOf('views.open')[before]);
    return (opened.args.view as { private_metadata: string }).private_metadata;
  };

  const submit = async (fields: {
    models: string[];
    prompt?: string;
    maxTokens?: string;
    temperature?: string;
    think?: string;
    effort?: string;
    tier?: string;
    save?: boolean;
    files?: unknown[];
    channel: string;
    userId?: string;
  }) =>
    bench.sender.viewSubmission({
      callbackId: 'compare_modal',
      privateMetadata: await openForm(fields.channel, fields.userId),
      userId: fields.userId,
      values: {
        models: {
          value: { type: 'multi_static_select', selected_options: fields.models.map((value) => ({ value })) },
        },
        prompt: { value: { type: 'plain_text_input', value: fields.prompt ?? null } },
        image: { value: { type: 'file_input', files: fields.files ?? [] } },
        system: { value: { type: 'plain_text_input', value: null } },
        max_tokens: { value: { type: 'plain_text_input', value: fields.maxTokens ?? null } },
        temperature: { value: { type: 'plain_text_input', value: fields.temperature ?? null } },
        think: { value: { type: 'plain_text_input', value: fields.think ?? null } },
        effort: {
          value: { type: 'static_select', selected_option: fields.effort ? { value: fields.effort } : null },
        },
        tier: {
          value: { type: 'static_select', selected_option: fields.tier ? { value: fields.tier } : null },
        },
        save: {
          value: { type: 'checkboxes', selected_options: fields.save ? [{ value: 'save' }] : [] },
        },
      },
    });

  it('takes a thinking budget, an effort and a service tier, checked as the command line checks them', async () => {
    const sonnet = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
    const gptOss = 'openai.gpt-oss-120b-1:0';
    const refused = await submit({ models: [sonnet, gptOss], prompt: 'hi', tier: 'flex', channel: 'CFORM' });
    expect(JSON.parse(refused.body).errors).toEqual({
      tier: 'Not offered on the flex tier: Claude Sonnet 4.5. Pick standard, or other models.',
    });
    const tooSmall = await submit({ models: [sonnet, gptOss], prompt: 'hi', think: '100', channel: 'CFORM' });
    expect(JSON.parse(tooSmall.body).errors.think).toContain('Give a thinking budget in tokens from 1024');

    const calls = bench.bedrock.calls.length;
    const accepted = await submit({
      models: [sonnet, gptOss],
      prompt: 'Which is larger, 9.11 or 9.9?',
      think: '2048',
      effort: 'high',
      channel: 'CFORMTHINK',
    });
    expect(accepted.body).toBe('');
    await bench.slack.updateShowing('CFORMTHINK', 'Summary');
    const sent = bench.bedrock.calls.slice(calls);
    expect(sent.find((call) => call.modelId === sonnet)?.body.additionalModelRequestFields).toEqual({
      thinking: { type: 'enabled', budget_tokens: 2048 },
    });
    expect(sent.find((call) => call.modelId === gptOss)?.body.additionalModelRequestFields).toEqual({
      reasoning_effort: 'high',
    });
  });

  it('answers invalid values inline, field by field, and runs nothing', async () => {
    const calls = bench.bedrock.calls.length;
    const answer = await submit({
      models: [NOVA_MICRO],
      maxTokens: 'lots',
      temperature: '3',
      channel: 'CFORM',
    });
    expect(JSON.parse(answer.body)).toEqual({
      response_action: 'errors',
      errors: {
        models: 'Pick at least 2 models.',
        prompt: 'Write the prompt every model answers.',
        max_tokens: 'Give a whole number from 1 to 64000',
        temperature: 'Give a number from 0 to 1',
      },
    });
    expect(bench.bedrock.calls.length).toBe(calls);
  });

  it('compares with an image, noting the model that cannot see it, saves the set, and uses it next time', async () => {
    const channel = 'CFORMRUN';
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    const image = bench.slack.addFile('chart.png', 'image/png', png);
    const answer = await submit({
      models: [NOVA_MICRO, NOVA_LITE],
      prompt: 'What does this chart show?',
      save: true,
      files: [image],
      channel,
      userId: 'USAVER',
    });
    expect(answer.body).toBe('');
    const final = await updateIn(channel, 'Summary');
    expect(visibleText(final.args.blocks)).toContain(
      'Nova Micro cannot see images: the image was ignored and it answered from the text alone.',
    );
    const lite = bench.bedrock.callsFor(NOVA_LITE).at(-1);
    expect(lite?.body.messages[0]?.content).toEqual([
      { text: 'What does this chart show?' },
      { image: { format: 'png', source: { bytes: png.toString('base64') } } },
    ]);
    expect(bench.bedrock.callsFor(NOVA_MICRO).at(-1)?.body.messages[0]?.content).toEqual([
      { text: 'What does this chart show?' },
    ]);
    expect(visibleText(ephemeralsTo(channel)[0]?.args.blocks)).toContain(
      'Saved as your default set: *Nova Micro*, *Nova Lite*',
    );

    const before = bench.bedrock.calls.length;
    await bench.sender.command('/compare', 'And in one word?', { channelId: 'CSAVED', userId: 'USAVER' });
    await updateIn('CSAVED', 'Summary');
    expect(
      bench.bedrock.calls
        .slice(before)
        .map((call) => call.modelId)
        .sort(),
    ).toEqual([NOVA_LITE, NOVA_MICRO]);
  });
});

describe('costs, criteria, blind mode and the leaderboard', () => {
  it('retries a throttle Bedrock sends inside the stream before the first token', async () => {
    const channel = unique('CSTREAM');
    bench.bedrock.script('mistral.mistral-7b-instruct-v0:2', {
      answer: 'After one retry.',
      failure: { type: 'ThrottlingException', status: 429, inStream: true, times: 1 },
    });
    const before = bench.bedrock.callsFor('mistral.mistral-7b-instruct-v0:2').length;
    await bench.sender.command('/compare', 'nova-micro mistral-7b Hello', { channelId: channel });
    const text = visibleText((await updateIn(channel, 'Summary')).args.blocks);
    expect(text).toContain('After one retry.');
    expect(bench.bedrock.callsFor('mistral.mistral-7b-instruct-v0:2').length - before).toBe(2);
  });

  it('says an answer whose connection broke mid-way is incomplete, and keeps what arrived', async () => {
    const channel = unique('CCUT');
    bench.bedrock.script('mistral.mistral-7b-instruct-v0:2', {
      answer: 'Alpha beta gamma delta epsilon',
      tokensPerSecond: 100,
      cutAfterWords: 3,
    });
    await bench.sender.command('/compare', 'nova-micro mistral-7b Count to six', { channelId: channel });
    const text = visibleText((await updateIn(channel, 'Summary')).args.blocks);
    expect(text).toContain('Alpha beta gamma');
    expect(text).not.toContain('delta');
    expect(text).toContain('The connection to Bedrock broke before the answer ended');
  });

  it('prices from genai-prices’ table and from the operator’s override file, and flags the criteria', async () => {
    const channel = unique('CCOST');
    await bench.sender.command(
      '/compare',
      '--max-latency 30s --max-cost 0.001 nova-micro nova-lite Count to five',
      {
        channelId: channel,
      },
    );
    const text = visibleText((await updateIn(channel, 'Summary')).args.blocks);
    // Nova Micro: 100 × $0.035 + 5 × $0.14 per million = $0.0000042; Nova Lite: 100 × $1000 + 5 × $2000 per million.
    const rows = tableRows((await updateIn(channel, 'Summary')).args.blocks);
    expect(rows[1]?.slice(3)).toEqual(['100 ×1.0', '5 ×1.0', expect.any(String), '$0.0000042 ×1.0']);
    expect(rows[2]?.slice(3)).toEqual(['100 ×1.0', '5 ×1.0', expect.any(String), '$0.11 ×26190']);
    expect(text).toContain('latency :white_check_mark: · cost :white_check_mark:');
    expect(text).toContain('latency :white_check_mark: · cost :x:');
    expect(text).toContain('Cheapest: *nova-micro* ($0.0000042)');
  });

  it('hides models and figures in a blind compare until its author picks, then reveals and counts the verdict', async () => {
    const channel = unique('CBLIND');
    await bench.sender.command('/compare', '--blind nova-micro nova-lite Which is better?', {
      channelId: channel,
      userId: 'UBLIND',
    });
    const hidden = await updateIn(channel, 'pick the best answer');
    const text = visibleText(hidden.args.blocks);
    expect(text).toContain('Blind compare: Which is better?');
    expect(text).toContain('*Answer A*');
    expect(text).toContain('*Answer B*');
    expect(text).not.toMatch(/Nova|nova-|out tokens|\$\d|Summary/);
    expect(actionIds(hidden.args.blocks)).toEqual([
      'compare_blind_pick_0',
      'compare_blind_pick_1',
      'compare_blind_tie',
      'compare_blind_bad',
    ]);
    expect(hidden.args.text).toBe('Compare (2 hidden models): Which is better?');

    const stranger = await responseAt(await click(hidden, 'compare_blind_pick_0', 'USTRANGER'));
    expect(visibleText(stranger.body.blocks)).toContain(
      'Only <@UBLIND>, who ran this blind compare, gives its verdict',
    );

    // Named nova-micro first, shuffled to B: answer A is Nova Lite's, and the reveal says so.
    await click(hidden, 'compare_blind_pick_0', 'UBLIND');
    const revealed = await updateIn(channel, 'Blind verdict');
    const shown = visibleText(revealed.args.blocks);
    expect(shown).toContain('Blind verdict by <@UBLIND>: A (*Nova Lite*) was best.');
    expect(shown).toContain('*A: Nova Lite*');
    expect(shown).toContain('*B: Nova Micro*');
    expect(tableRows(revealed.args.blocks).map((row) => row[0])).toEqual([
      'Model',
      'A: nova-lite',
      'B: nova-micro',
    ]);
    expect(shown).toContain('Summary');
    expect(actionIds(revealed.args.blocks)).not.toContain('compare_vote_0');

    const again = await responseAt(await click(hidden, 'compare_blind_tie', 'UBLIND'));
    expect(visibleText(again.body.blocks)).toContain('already has its verdict');
  });

  it('ranks models on /compare leaderboard by wins, with win rate, median latency and cost', async () => {
    const responseId = unique('board');
    await bench.sender.command('/compare', 'leaderboard', { channelId: 'CBOARD', responseId });
    const board = await responseAt(responseId);
    expect(board.body.response_type).toBe('ephemeral');
    const text = visibleText(board.body.blocks);
    expect(text).toMatch(
      /1\. \*Nova Lite\* · 1 win \(100% of 1\) · median \d\.\d\d s · median \$0\.11 · \d+ runs/,
    );
    expect(text).toMatch(
      /2\. \*Nova Micro\* · 0 wins \(0% of 1\) · median \d\.\d\d s · median \$0\.0000042 · \d+ runs/,
    );
  });
});
