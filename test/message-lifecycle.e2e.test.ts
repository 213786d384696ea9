import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../src/playground/local-slack.js';
import { conversationId } from '../src/store/types.js';
import { buttonValue, visibleText } from './support/blocks.js';
import { storedRun } from './support/compare-runs.js';
import { type Bench, startBench } from './support/harness.js';

let bench: Bench;
let counter = 0;
const HAIKU_MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const HAIKU_PROFILE = `us.${HAIKU_MODEL}`;

const freshChannel = () => `C${++counter}LIFE`;
// Before the fake Slack's own clock (1_700_000_000…), so what the bot posts comes after what people said.
const nextTs = () => `${1_600_000_000 + ++counter}.000100`;

/**
 * A person mentions the bot: Slack holds the message and sends the app_mention event. Tests that
 * read threads use a workspace of their own, since Slack allows one thread read a minute per workspace.
 */
async function mention(
  channel: string,
  text: string,
  user = 'UADA',
  threadTs?: string,
  teamId = 'T0001',
): Promise<string> {
  const ts = nextTs();
  bench.slack.seedMessage(channel, { ts, thread_ts: threadTs, user, text: `<@UBOT> ${text}` });
  const answer = await bench.sender.event(
    {
      type: 'app_mention',
      user,
      text: `<@UBOT> ${text}`,
      ts,
      channel,
      event_ts: ts,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    },
    { teamId },
  );
  expect(answer.status).toBe(200);
  return ts;
}

/** What the bot has in a channel now, as people see it (the fake keeps each message's latest state). */
const botMessagesIn = (channel: string) =>
  (bench.slack.messages.get(channel) ?? []).filter((message) => message.bot_id === 'BBOT');

const updatesOf = (channel: string, ts: string) =>
  bench.slack.callsOf('chat.update').filter((call) => call.args.channel === channel && call.args.ts === ts);

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
    overrides: {
      retry: {
        slack: { backoffMs: 50, deadlineMs: 3000 },
        placeholder: { backoffMs: 50, deadlineMs: 3000 },
        store: { backoffMs: 100, deadlineMs: 20_000 },
      },
    },
  });
  // The app counts Slack's one-read-a-minute per workspace itself; the fake's own count is not per workspace.
  bench.slack.limitReplies = false;
  bench.bedrock.script(HAIKU_MODEL, { answer: 'one two three four five' });
});
afterAll(() => bench.stop());

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

describe('Slack failing when a mention arrives', () => {
  it('retries the placeholder after a 500 whose post landed anyway, and answers in that one message', async () => {
    const channel = freshChannel();
    bench.slack.failNext('chat.postMessage', { status: 500, landed: true });
    const asked = await mention(channel, 'Are you there?', 'UADA', undefined, 'T14A');
    await bench.slack.waitFor(() => answersIn(channel).length === 1);

    expect(botMessagesIn(channel)).toHaveLength(1);
    expect(botMessagesIn(channel)[0]).toMatchObject({ thread_ts: asked, text: 'one two three four five' });
    expect(bench.bedrock.callsFor(HAIKU_MODEL).length).toBeGreaterThan(0);
  });

  it('posts the placeholder again after a 500 that did not land, in a DM, and answers there', async () => {
    const channel = 'D14CHAT';
    bench.slack.failNext('chat.postMessage', { status: 500 });
    const ts = nextTs();
    bench.slack.seedMessage(channel, { ts, user: 'UADA', text: 'Hello?' });
    await bench.sender.event(
      { type: 'message', channel_type: 'im', channel, user: 'UADA', text: 'Hello?', ts },
      { teamId: 'T14B' },
    );
    await bench.slack.waitFor(() => answersIn(channel).length === 1);
    expect(botMessagesIn(channel)).toHaveLength(1);
    expect(botMessagesIn(channel)[0]?.text).toBe('one two three four five');
  });
});

describe('forget, and rebuilding a thread the store has lost', () => {
  it('never brings forgotten turns back when the thread is rebuilt from Slack', async () => {
    const channel = freshChannel();
    const team = 'T9A';
    const root = nextTs();
    bench.slack.seedMessage(channel, { ts: root, user: 'UADA', text: '<@UBOT> My hint is "blue giraffe"' });
    bench.slack.seedMessage(channel, {
      ts: nextTs(),
      thread_ts: root,
      user: 'UBOT',
      bot_id: 'BBOT',
      text: 'Noted: blue giraffe.',
      metadata: { event_type: 'bedrock_slack_answer', event_payload: { part: 1, of: 1 } },
    });
    await mention(channel, 'forget', 'UADA', root, team);
    await bench.slack.waitFor(() => botMessagesIn(channel).length === 2);
    // The store loses the thread (its TTL ran out, or Redis was flushed).
    await bench.app.store.delete(`conversation:${conversationId(team, channel, root)}`);

    await mention(channel, 'What was my hint?', 'UADA', root, team);
    await bench.slack.waitFor(() => answersIn(channel).length === 1);
    const sent = JSON.stringify(bench.bedrock.calls.at(-1)?.body.messages);
    expect(sent).not.toContain('blue giraffe');
    expect(sent).toContain('What was my hint?');
  });

  it('does not rebuild from the oldest 15 messages of a longer thread, which may hold forgotten turns, and says why', async () => {
    const channel = freshChannel();
    const team = 'T9B';
    const root = nextTs();
    bench.slack.seedMessage(channel, { ts: root, user: 'UADA', text: '<@UBOT> The code word is "heron"' });
    for (let index = 0; index < 16; index++)
      bench.slack.seedMessage(channel, {
        ts: nextTs(),
        thread_ts: root,
        user: 'UGRACE',
        text: `chat ${index}`,
      });
    await mention(channel, 'What is the code word?', 'UADA', root, team);
    const [answer] = await bench.slack.waitFor(() => answersIn(channel).length === 1 && answersIn(channel));
    expect(JSON.stringify(bench.bedrock.calls.at(-1)?.body.messages)).not.toContain('heron');
    expect(visibleText(answer?.args.blocks)).toContain('longer than the 15 messages Slack lets me re-read');
  });
});

const NOVA_MICRO = 'amazon.nova-micro-v1:0';

/** The compare's final renders (with its summary) sent to a channel, whether Slack took them or not. */
const finalCompares = (channel: string, method = 'chat.update') =>
  bench.slack
    .callsOf(method)
    .filter((call) => call.args.channel === channel && visibleText(call.args.blocks).includes('Summary'));

async function startCompare(channel: string, user: string): Promise<void> {
  const ack = await bench.sender.command('/compare', 'nova-micro nova-lite Say hello slowly', {
    channelId: channel,
    userId: user,
    responseId: `r-${channel}`,
  });
  expect(ack.status).toBe(200);
  await bench.slack.waitFor(() =>
    bench.slack.callsOf('chat.update').some((call) => call.args.channel === channel),
  );
}

describe('a compare whose final update Slack refuses', () => {
  it('retries the final update through a short outage, so it does not stay at "streaming…"', async () => {
    const channel = 'C15OUTAGE';
    bench.bedrock.script(NOVA_MICRO, { answer: 'Hello there, slowly.', tokensPerSecond: 20 });
    await startCompare(channel, 'U15A');
    bench.slack.outage('chat.update');
    // More tries than the three the app used to make before giving up.
    await bench.slack.waitFor(() => finalCompares(channel).length >= 6);
    bench.slack.recover('chat.update');

    const landed = await bench.slack.waitFor(() => finalCompares(channel).find((call) => call.response?.ok));
    expect(visibleText(landed.args.blocks)).toContain('Hello there, slowly.');
    expect(finalCompares(channel, 'chat.postMessage')).toHaveLength(0);
  });

  it('posts the final compare afresh when Slack refuses updates past the deadline', async () => {
    const channel = 'C15DOWN';
    bench.bedrock.script(NOVA_MICRO, { answer: 'Hello there, slowly.', tokensPerSecond: 20 });
    await startCompare(channel, 'U15B');
    bench.slack.outage('chat.update');
    try {
      const fresh = await bench.slack.waitFor(() => finalCompares(channel, 'chat.postMessage')[0]);
      expect(fresh.response?.ok).toBe(true);
      expect(visibleText(fresh.args.blocks)).toContain('Hello there, slowly.');
      expect(finalCompares(channel).length).toBeGreaterThan(1);
    } finally {
      bench.slack.recover('chat.update');
    }
  });
});

// Last: these stop and restart the shared redis-server (which comes back empty, as after a crash).
describe('Redis dying mid-answer', () => {
  it('shows the answer, never overwritten by "writing…", and saves the turn once Redis is back', async () => {
    const channel = freshChannel();
    // Long enough (3 s) that Redis is down before the answer ends, however loaded the machine.
    const slowAnswer =
      'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen';
    bench.bedrock.script(HAIKU_MODEL, { answer: slowAnswer, tokensPerSecond: 5 });
    const asked = await mention(channel, 'Tell me slowly', 'UREDIS');
    const placeholder = await bench.slack.waitFor(() => botMessagesIn(channel)[0]);
    await bench.slack.waitFor(() =>
      updatesOf(channel, placeholder.ts).some((call) => visibleText(call.args.blocks).includes('is writing')),
    );
    await bench.redis?.stop();

    const [answer] = await bench.slack.waitFor(() => answersIn(channel).length === 1 && answersIn(channel));
    expect(visibleText(answer?.args.blocks)).toContain('this turn is not saved yet');
    await bench.redis?.start();
    const id = conversationId('T0001', channel, asked);
    const saved = await bench.slack.waitFor(
      async () => (await bench.app.store.getConversation(id).catch(() => undefined))?.turns,
      20_000,
    );
    expect(saved.map((turn) => turn.text)).toEqual(['Tell me slowly', slowAnswer]);
    const updates = updatesOf(channel, placeholder.ts);
    const final = updates.indexOf(answer!);
    expect(updates.slice(final + 1).filter((call) => call.response?.ok)).toEqual([]);
    expect(botMessagesIn(channel)[0]?.text).toBe(slowAnswer);
  });

  it('ends a compare in a final state, and stores the finished run once Redis is back so "Continue with" has its answer', async () => {
    const channel = 'C15REDIS';
    const slowAnswer = 'Hello there, slowly and surely, one word after another, until the very end.';
    bench.bedrock.script(NOVA_MICRO, { answer: slowAnswer, tokensPerSecond: 5 });
    await startCompare(channel, 'U15C');
    await bench.redis?.stop();

    const [final] = await bench.slack.waitFor(
      () => finalCompares(channel).length > 0 && finalCompares(channel),
    );
    expect(visibleText(final?.args.blocks)).toContain(slowAnswer);
    const runId = buttonValue(final?.args.blocks, 'compare_run_again');
    await bench.redis?.start();
    const stored = await bench.slack.waitFor(
      async () => await storedRun(bench.app.store, runId).catch(() => undefined),
      20_000,
    );
    expect(stored.models.map((model) => model.status)).toEqual(['done', 'done']);

    const ts = String(final?.args.ts);
    await bench.sender.blockAction({
      actionId: 'compare_continue_0',
      value: JSON.stringify({ run: runId, model: 0 }),
      userId: 'U15C',
      channelId: channel,
      messageTs: ts,
    });
    const conversation = await bench.slack.waitFor(() =>
      bench.app.store.getConversation(conversationId('T0001', channel, ts)),
    );
    expect(conversation.turns.at(-1)?.text).toBe(slowAnswer);
  });
});
