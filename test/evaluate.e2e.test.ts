import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../src/playground/local-slack.js';
import { keys } from '../src/store/keys.js';
import { buttonValue, tableRows, visibleText } from './support/blocks.js';
import { type Bench, startBench } from './support/harness.js';

let bench: Bench;
let counter = 0;
const ADA = 'UADA';
const NOVA_MICRO = 'amazon.nova-micro-v1:0';
const NOVA_LITE = 'amazon.nova-lite-v1:0';
const SONNET = 'anthropic.claude-3-5-sonnet-20241022-v2:0';

const freshChannel = () => `C${++counter}EVAL`;
const nextTs = () => `${1_800_000_000 + ++counter}.000100`;

/** Ada mentions the bot with a prompt set attached, as Slack sends it; returns the message's ts. */
async function evaluate(
  channel: string,
  words: string,
  file?: { name: string; text: string; mimetype?: string },
  user = ADA,
) {
  const ts = nextTs();
  const text = `<@UBOT> evaluate ${words}`;
  const files = file
    ? [bench.slack.addFile(file.name, file.mimetype ?? 'text/csv', Buffer.from(file.text))]
    : undefined;
  bench.slack.seedMessage(channel, { ts, user, text });
  const answer = await bench.sender.event({
    type: 'app_mention',
    user,
    text,
    ts,
    channel,
    event_ts: ts,
    ...(files ? { files } : {}),
  });
  expect(answer.status).toBe(200);
  return ts;
}

const postsIn = (channel: string, method = 'chat.postMessage') =>
  bench.slack.callsOf(method).filter((call) => call.args.channel === channel);

const estimateIn = (channel: string) =>
  bench.slack.waitFor(() =>
    postsIn(channel).find((call) => visibleText(call.args.blocks).includes('Estimate:')),
  );

const ephemeralIn = (channel: string) => bench.slack.waitFor(() => postsIn(channel, 'chat.postEphemeral')[0]);

function click(
  channel: string,
  message: RecordedCall,
  actionId: string,
  user = ADA,
  responseId = `r${++counter}`,
) {
  const ts = String(message.response?.ts ?? message.args.ts);
  return bench.sender.blockAction({
    actionId,
    value: buttonValue(message.args.blocks, actionId),
    userId: user,
    channelId: channel,
    messageTs: ts,
    responseId,
  });
}

const resultsIn = (channel: string, timeoutMs = 20_000) =>
  bench.slack.waitFor(
    () => postsIn(channel).find((call) => String(call.args.text).startsWith('Results of')),
    timeoutMs,
  );

const uploadsIn = (channel: string) =>
  [...bench.slack.uploads.values()].filter((upload) => upload.channel === channel);

const CSV = [
  'prompt,expected,tags,checks',
  'What is the capital of France?,Paris,geo,contains:Paris',
  'Which city is the capital of France?,Paris,geo,contains:Paris',
  'Name the capital of France.,Paris,geo,contains:Paris',
].join('\n');

beforeAll(async () => {
  bench = await startBench({
    env: { RATE_LIMIT_USER_PER_MINUTE: '1000' },
    overrides: { evaluationSweepMs: 200 },
  });
});
afterAll(() => bench.stop());

describe('evaluations on a prompt set', () => {
  it('estimates, runs on Start with checks and a judge, and posts the table, the chart and the CSV in the thread', async () => {
    const channel = freshChannel();
    bench.bedrock.script(NOVA_MICRO, { answer: 'The capital of France is Paris.' });
    bench.bedrock.script(NOVA_LITE, { answer: 'It is Lyon.' });
    bench.bedrock.script(SONNET, {
      reply: (asked) =>
        asked.includes('<answer>\nThe capital of France is Paris.')
          ? 'Score: 5\nReason: right'
          : 'Score: 1\nReason: wrong city',
    });
    const root = await evaluate(channel, 'nova-micro nova-lite --judge claude-3.5-sonnet', {
      name: 'capitals.csv',
      text: CSV,
    });
    const estimate = await estimateIn(channel);
    expect(estimate.args.thread_ts).toBe(root);
    expect(visibleText(estimate.args.blocks)).toMatch(
      /`capitals\.csv`: 3 prompts × \*Nova Micro\*, \*Nova Lite\* · judge \*Claude 3\.5 Sonnet v2\* \(scores 1–5\)/,
    );
    expect(visibleText(estimate.args.blocks)).toMatch(
      /Estimate:\* ≈\$[\d.]+, at most \$[\d.]+ if every answer runs to 1024 tokens, 12 model calls/,
    );
    // Nothing is spent before Start.
    expect(bench.bedrock.calls.filter((call) => call.operation === 'ConverseStream')).toHaveLength(0);

    await click(channel, estimate, 'evaluate_start');
    const results = await resultsIn(channel);
    expect(results.args.thread_ts).toBe(root);
    const table = tableRows(results.args.blocks);
    expect(table[0]).toEqual([
      'Model',
      'Answered',
      'Checks passed',
      'Judge (95% CI)',
      'Latency p50',
      'p95',
      'Tokens in / out',
      'Cost',
      'Per 1,000 prompts',
    ]);
    expect(table[1]?.slice(0, 4)).toEqual(['Nova Micro', '3', '★ 100% of 3', '★ 5.00 (5.00–5.00), n=3']);
    expect(table[2]?.slice(0, 4)).toEqual(['Nova Lite', '3', '0% of 3', '1.00 (1.00–1.00), n=3']);
    expect(visibleText(results.args.blocks)).toContain('Worst answers');
    expect(bench.bedrock.callsFor(SONNET)).toHaveLength(6);

    const uploads = await bench.slack.waitFor(() => uploadsIn(channel).length === 2 && uploadsIn(channel));
    const [chart, csv] = uploads;
    expect(chart).toMatchObject({ filename: 'capitals-results.png', threadTs: root });
    expect(chart?.bytes?.subarray(1, 4).toString()).toBe('PNG');
    const lines = parse(csv?.bytes?.toString('utf8') ?? '', { columns: true }) as Record<string, string>[];
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatchObject({
      model: NOVA_LITE,
      answer: 'It is Lyon.',
      checks_failed: 'contains:Paris',
      judge_score: '1',
    });

    const ended = await bench.slack.updateShowing(channel, 'Evaluated');
    expect(visibleText(ended.args.blocks)).toMatch(
      /6 \/ 6 answers · \$[\d.]+ spent\. Results in the thread\./,
    );
    // Show on a worst answer: the answer in full, to the clicker alone.
    const show = (results.args.blocks as { accessory?: { action_id?: string; value?: string } }[]).find(
      (block) => block.accessory?.action_id === 'evaluate_show_1_1',
    );
    await bench.sender.blockAction({
      actionId: 'evaluate_show_1_1',
      value: show?.accessory?.value ?? '',
      userId: ADA,
      channelId: channel,
      responseId: 'show',
    });
    const shown = await bench.slack.responseTo('show', 'ephemeral');
    expect(visibleText(shown.body.blocks)).toContain('It is Lyon.');

    // What the evaluation spent is Ada's usage on App Home: 6 answers and the judge's 6 calls.
    await bench.sender.event({
      type: 'app_home_opened',
      user: ADA,
      channel: `D${ADA}`,
      tab: 'home',
      event_ts: `${Date.now() / 1000}`,
    });
    const home = await bench.slack.waitFor(() =>
      bench.slack
        .callsOf('views.publish')
        .filter((call) => call.args.user_id === ADA)
        .map((call) => visibleText((call.args.view as { blocks: unknown }).blocks))
        .find((text) => text.includes('*Today*:')),
    );
    expect(home).toMatch(/\*Today\*: 12 requests · \d+ in \/ \d+ out tokens · \$0\.\d+/);
    expect(home).toMatch(/• \*Claude 3\.5 Sonnet v2\*: 6 requests/);
    expect(home).toMatch(/• \*Nova Micro\*: 3 requests/);
    expect(home).toMatch(/• \*Nova Lite\*: 3 requests/);
  });

  it('runs from the /evaluate form too: the prompt set attached there, the estimate posted in the channel', async () => {
    const channel = freshChannel();
    bench.bedrock.script(NOVA_MICRO, { answer: 'Paris.' });
    bench.bedrock.script(NOVA_LITE, { answer: 'Paris, of course.' });
    const opened = bench.slack.callsOf('views.open').length;
    await bench.sender.command('/evaluate', 'nova-micro nova-lite', { channelId: channel, userId: ADA });
    const form = await bench.slack.waitFor(() => bench.slack.callsOf('views.open')[opened]);
    const view = form.args.view as {
      private_metadata: string;
      blocks: { element?: { initial_value?: string } }[];
    };
    expect(view.blocks[1]?.element?.initial_value).toBe('nova-micro nova-lite');
    const submit = (words: string, files: unknown[]) =>
      bench.sender.viewSubmission({
        callbackId: 'evaluate_form',
        privateMetadata: view.private_metadata,
        userId: ADA,
        values: {
          evaluate_set: { value: { type: 'file_input', files } },
          evaluate_words: { value: { type: 'plain_text_input', value: words } },
        },
      });
    const file = bench.slack.addFile('form.csv', 'text/csv', Buffer.from(CSV));
    // A mistake in the words is shown in the form itself, before anything else happens.
    const refused = await submit('nova-micro --pairwise', [file]);
    expect(JSON.parse(refused.body)).toMatchObject({
      response_action: 'errors',
      errors: { evaluate_words: expect.stringContaining('--pairwise needs a judge') },
    });
    const missing = await submit('nova-micro', []);
    expect(JSON.parse(missing.body)).toMatchObject({
      errors: { evaluate_set: 'Attach a .csv or .jsonl prompt set.' },
    });

    expect((await submit('nova-micro nova-lite --check "contains:Paris"', [file])).status).toBe(200);
    const estimate = await estimateIn(channel);
    expect(estimate.args.thread_ts).toBeUndefined();
    await click(channel, estimate, 'evaluate_start');
    const results = await resultsIn(channel);
    expect(results.args.thread_ts).toBe(estimate.response?.ts);
    expect(tableRows(results.args.blocks).map((row) => row.slice(0, 3))).toEqual([
      ['Model', 'Answered', 'Checks passed'],
      ['Nova Micro', '3', '100% of 3'],
      ['Nova Lite', '3', '100% of 3'],
    ]);
  });

  it('refuses bad input precisely, before any model is called', async () => {
    const before = bench.bedrock.calls.length;
    const cases: [string, { name: string; text: string; mimetype?: string } | undefined, RegExp][] = [
      ['nova-micro', undefined, /Attach the prompt set to the same message/],
      [
        'nova-micro',
        { name: 'notes.pdf', text: '%PDF', mimetype: 'application/pdf' },
        /`notes\.pdf` is not a prompt set/,
      ],
      [
        'nova-micro',
        { name: 'set.csv', text: 'question\nhi\n' },
        /`set\.csv` has no `prompt` column: its header row reads `question`/,
      ],
      ['nova-micro', { name: 'set.csv', text: 'prompt\n' }, /`set\.csv` has no prompts/],
      [
        'nova-micro',
        { name: 'set.csv', text: 'prompt,checks\nhi,\nhello,regex:(\n' },
        /Row 2 \(line 3\), column `checks`: the regex `\(` does not compile/,
      ],
      [
        'nova-micro --judge titan-embed-text-v2',
        { name: 'set.csv', text: 'prompt\nhi\n' },
        /is not a text model/,
      ],
      ['nova-micro --pairwise', { name: 'set.csv', text: 'prompt\nhi\n' }, /`--pairwise` needs a judge/],
      [
        'nova-micro --max-tokens 8000',
        { name: 'set.csv', text: `prompt\n${'word '.repeat(400_000)}\n` },
        /Row 1, column `prompt`: about [\d,]+ tokens with its answer, over Nova Micro's context window of 128,000 tokens/,
      ],
    ];
    for (const [words, file, message] of cases) {
      const channel = freshChannel();
      await evaluate(channel, words, file);
      expect(visibleText((await ephemeralIn(channel)).args.blocks)).toMatch(message);
    }
    expect(bench.bedrock.calls.length).toBe(before);
  });

  it('runs on the flex tier where the model offers it, unless another tier is named', async () => {
    const channel = freshChannel();
    const GPT_OSS = 'openai.gpt-oss-120b-1:0';
    bench.bedrock.script(GPT_OSS, { answer: 'Paris.' });
    await evaluate(channel, 'gpt-oss-120b nova-pro@priority nova-micro', {
      name: 'tiers.csv',
      text: 'prompt\nCapital of France?\n',
    });
    const estimate = await estimateIn(channel);
    expect(visibleText(estimate.args.blocks)).toContain(
      '1 prompt × *gpt-oss-120b@flex*, *Nova Pro@priority*, *Nova Micro*',
    );
    await click(channel, estimate, 'evaluate_start');
    await resultsIn(channel);
    const tierOf = (modelId: string) => bench.bedrock.callsFor(modelId).at(-1)?.body.serviceTier;
    expect(tierOf(GPT_OSS)).toEqual({ type: 'flex' });
    expect(tierOf('amazon.nova-pro-v1:0')).toEqual({ type: 'priority' });
    expect(tierOf(NOVA_MICRO)).toBeUndefined();

    const refused = freshChannel();
    await evaluate(refused, 'nova-micro@flex', { name: 'tiers.csv', text: 'prompt\nhi\n' });
    expect(visibleText((await ephemeralIn(refused)).args.blocks)).toContain(
      'Nova Micro is not offered on the flex tier: Bedrock serves it on the standard tier only.',
    );
  });

  it('judges pairs in both orders in pairwise mode, rates the models, and lends the verdicts to the arena board on request', async () => {
    const channel = freshChannel();
    bench.bedrock.script(NOVA_MICRO, { answer: 'Paris.' });
    bench.bedrock.script(NOVA_LITE, { answer: 'Lyon.' });
    // The judge prefers Paris wherever it is shown: no position bias, so no ties.
    bench.bedrock.script(SONNET, {
      reply: (asked) =>
        /<answer_A>\nParis/.test(asked) ? 'Better: A\nReason: right' : 'Better: B\nReason: right',
    });
    await evaluate(channel, 'nova-micro nova-lite --judge claude-3.5-sonnet --pairwise', {
      name: 'pairs.csv',
      text: CSV,
    });
    await click(channel, await estimateIn(channel), 'evaluate_start');
    const results = await resultsIn(channel);
    expect(tableRows(results.args.blocks)[1]?.[3]).toBe('3W 0T 0L');
    expect(visibleText(results.args.blocks)).toMatch(
      /Pairwise ratings.*Nova Micro: \d+ \(\d+–\d+\), 3 verdicts/,
    );
    expect(
      bench.bedrock.callsFor(SONNET).filter((call) => JSON.stringify(call.body).includes('answer_A')),
    ).toHaveLength(6);
    await bench.slack.waitFor(() => uploadsIn(channel).length === 2);

    await bench.sender.command('/compare', 'leaderboard #geo --judge', {
      channelId: channel,
      userId: ADA,
      responseId: 'judged-board',
    });
    const board = visibleText((await bench.slack.responseTo('judged-board')).body.blocks);
    expect(board).toContain(
      '*Arena ratings for #geo* (Bradley–Terry, from 0 votes and 3 pairwise judge verdicts from evaluations)',
    );
    expect(board).toMatch(/1\. \*Nova Micro\*/);
  });

  it('posts the table once and says so when Slack refuses the uploads', async () => {
    const channel = freshChannel();
    bench.bedrock.script(NOVA_MICRO, { answer: 'Paris.' });
    await evaluate(channel, 'nova-micro', { name: 'scope.csv', text: 'prompt\nCapital of France?\n' });
    bench.slack.failNext('files.getUploadURLExternal', { error: 'missing_scope' });
    await click(channel, await estimateIn(channel), 'evaluate_start');
    const note = await bench.slack.waitFor(() =>
      postsIn(channel).find((call) =>
        visibleText(call.args.blocks).includes('could not upload the chart and the CSV'),
      ),
    );
    expect(visibleText(note.args.blocks)).toContain('`files:write` scope');
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(postsIn(channel).filter((call) => String(call.args.text).startsWith('Results of'))).toHaveLength(
      1,
    );
  });

  it('refuses with the estimate when it would pass the daily cap', async () => {
    const channel = freshChannel();
    const day = new Date().toISOString().slice(0, 10);
    const { key, ttlSeconds } = keys.dailySpend('T0001', 'UGREEDY', day);
    await bench.app.store.addToTotal(key, 4.9999, ttlSeconds);
    await evaluate(
      channel,
      'claude-3.5-sonnet',
      { name: 'set.csv', text: `prompt\n${'Write an essay.\n'.repeat(50)}` },
      'UGREEDY',
    );
    expect(visibleText((await ephemeralIn(channel)).args.blocks)).toMatch(
      /This evaluation is estimated at ≈\$[\d.]+, more than the \$0\.00010 left of your daily budget \(\$5\.00 of \$5\.00 spent\)/,
    );
  });

  it('stops at Cancel, with what was done in the thread, and no more rows sent', async () => {
    const channel = freshChannel();
    bench.bedrock.script(NOVA_MICRO, { answer: 'Paris.', firstTokenMs: 150 });
    const rows = Array.from({ length: 60 }, (_, index) => `Question ${index}?`).join('\n');
    await evaluate(channel, 'nova-micro', { name: 'many.csv', text: `prompt\n${rows}` });
    const estimate = await estimateIn(channel);
    await click(channel, estimate, 'evaluate_start');
    await bench.slack.updateShowing(channel, 'Evaluating');
    const asked = () =>
      bench.bedrock.callsFor(NOVA_MICRO).filter((call) => JSON.stringify(call.body).includes('Question'))
        .length;
    await bench.slack.waitFor(() => asked() >= 4);
    await click(channel, estimate, 'evaluate_cancel');
    const ended = await bench.slack.updateShowing(channel, 'Cancelled');
    expect(visibleText(ended.args.blocks)).toMatch(/Cancelled\* by @?UADA|Cancelled\* by <@UADA>/);
    const results = await resultsIn(channel);
    const done = Number(/\((\d+) \/ 60 answers\)/.exec(visibleText(results.args.blocks))?.[1]);
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(60);
    const sent = asked();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(asked()).toBe(sent);
    expect(sent).toBe(done);
  });

  it('carries on in another replica when the one running it stops, running each row once, and posts the results once', async () => {
    const channel = freshChannel();
    bench.bedrock.script(NOVA_LITE, { answer: 'Paris.', firstTokenMs: 60 });
    const rows = Array.from({ length: 40 }, (_, index) => `Resume question ${index}?`).join('\n');
    await evaluate(channel, 'nova-lite', { name: 'resume.csv', text: `prompt\n${rows}` });
    const estimate = await estimateIn(channel);
    await click(channel, estimate, 'evaluate_start');
    const asked = () =>
      bench.bedrock
        .callsFor(NOVA_LITE)
        .filter((call) => JSON.stringify(call.body).includes('Resume question'));
    await bench.slack.waitFor(() => asked().length >= 8);
    const replica = await bench.startReplica();
    // The first replica shuts down (SIGTERM): it finishes the rows in flight and claims no more.
    await bench.app.stop();
    const results = await resultsIn(channel, 30_000);
    expect(visibleText(results.args.blocks)).toContain('(40 / 40 answers)');
    const prompts = asked().map((call) => JSON.stringify(call.body.messages));
    expect(prompts).toHaveLength(40);
    expect(new Set(prompts).size).toBe(40);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(postsIn(channel).filter((call) => String(call.args.text).startsWith('Results of'))).toHaveLength(
      1,
    );
    expect(replica).toBeDefined();
  });
});
