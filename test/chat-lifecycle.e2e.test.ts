import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visibleText } from './support/blocks.js';
import type { RecordedCall } from './support/fake-slack.js';
import { type Bench, startBench } from './support/harness.js';

let bench: Bench;
let counter = 0;
const HAIKU_MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const HAIKU_PROFILE = `us.${HAIKU_MODEL}`;

const freshChannel = () => `C${++counter}LIFE`;
const nextTs = () => `${1_810_000_000 + ++counter}.000100`;

/** A person mentions the bot: Slack holds the message and sends the app_mention event. */
async function mention(channel: string, text: string, user = 'UADA', threadTs?: string): Promise<string> {
  const ts = nextTs();
  bench.slack.seedMessage(channel, { ts, thread_ts: threadTs, user, text: `<@UBOT> ${text}` });
  const answer = await bench.sender.event({
    type: 'app_mention',
    user,
    text: `<@UBOT> ${text}`,
    ts,
    channel,
    event_ts: ts,
    ...(threadTs ? { thread_ts: threadTs } : {}),
  });
  expect(answer.status).toBe(200);
  return ts;
}

const answersIn = (channel: string): RecordedCall[] =>
  bench.slack.calls.filter(
    (call) =>
      (call.method === 'chat.update' || call.method === 'chat.postMessage') &&
      call.args.channel === channel &&
      (call.args.metadata as { event_type?: string } | undefined)?.event_type === 'bedrock_slack_answer',
  );

const refusalsIn = (channel: string) =>
  bench.slack
    .callsOf('chat.postEphemeral')
    .filter((call) => call.args.channel === channel && visibleText(call.args.blocks).includes('budget'));

beforeAll(async () => {
  // Every haiku answer below is 5 words, so 5 output tokens: $1 a token makes a turn cost exactly $5.
  const prices = join(mkdtempSync(join(tmpdir(), 'prices-')), 'prices.json');
  writeFileSync(
    prices,
    JSON.stringify({ [HAIKU_PROFILE]: { inputPerMillionUsd: 0, outputPerMillionUsd: 1_000_000 } }),
  );
  bench = await startBench({
    env: {
      CHAT_DEFAULT_MODEL: 'claude-3.5-haiku',
      RATE_LIMIT_USER_PER_MINUTE: '1000',
      DAILY_SPEND_CAP_USD: '10',
      PRICES_FILE: prices,
    },
  });
  bench.bedrock.script(HAIKU_MODEL, { answer: 'one two three four five' });
});
afterAll(async () => {
  if (process.env.SHOW_LOGS)
    console.log(bench.logs.lines.filter((line) => /"level":(40|50)/.test(line)).join('\n'));
  await bench.stop();
});

describe('chat spend', () => {
  it('lets a person have exactly the turns the daily cap pays for, each turn booked once at its cost', async () => {
    const channel = freshChannel();
    const day = new Date().toISOString().slice(0, 10);
    const spent = () => bench.app.store.readTotal(`spend:T0001:USPEND:${day}`);

    await mention(channel, 'First question', 'USPEND');
    await bench.slack.waitFor(() => answersIn(channel).length === 1);
    await bench.slack.waitFor(async () => (await spent()) > 0);
    expect(visibleText(answersIn(channel)[0]?.args.blocks)).toContain('$5');
    expect(await spent()).toBe(5);

    await mention(channel, 'Second question', 'USPEND');
    await bench.slack.waitFor(() => answersIn(channel).length === 2 || refusalsIn(channel).length > 0);
    await bench.slack.waitFor(async () => (await spent()) >= 10);
    expect(answersIn(channel)).toHaveLength(2);
    expect(await spent()).toBe(10);

    await mention(channel, 'Third question', 'USPEND');
    await bench.slack.waitFor(() => refusalsIn(channel).length === 1);
    expect(answersIn(channel)).toHaveLength(2);
    expect(visibleText(refusalsIn(channel)[0]?.args.blocks)).toContain('$10.00 of $10.00');
  });
});
