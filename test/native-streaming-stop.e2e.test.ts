import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateTokens } from '../src/bedrock/token-estimate.js';
import { conversationId } from '../src/store/types.js';
import { UsageLedger } from '../src/usage/ledger.js';
import { type Bench, mentionBot, NATIVE_STREAMING_ENV, startBench } from './support/harness.js';

let bench: Bench;
const TEAM = 'T0001';
const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const ASKER = 'UGRACE';
const LONG_ANSWER = Array.from({ length: 200 }, (_, index) => `step${index}`).join(' ');

beforeAll(async () => {
  bench = await startBench({
    env: {
      ...NATIVE_STREAMING_ENV,
    },
  });
});
afterAll(() => bench.stop());

describe('a person who stops a streamed answer in Slack', () => {
  it('keeps the answer as they stopped it, stops the model, and keeps the turn and its true cost as far as it went', async () => {
    const channel = 'CSTOP';
    // Ten seconds of answer: the person stops it well before the end.
    bench.bedrock.script(HAIKU, { answer: LONG_ANSWER, tokensPerSecond: 20, wordsPerChunk: 1 });
    const root = '1820000000.000100';
    const bedrockCalls = bench.bedrock.calls.length;
    expect(await mentionBot(bench, { channel, text: 'Walk me through it', ts: root, user: ASKER })).toBe(200);

    const start = await bench.slack.waitFor(() =>
      bench.slack.callsIn(channel, 'chat.startStream').find((call) => call.response?.ok),
    );
    const ts = String(start.response?.ts);
    await bench.slack.waitFor(() =>
      bench.slack.callsIn(channel, 'chat.appendStream').some((call) => call.response?.ok),
    );
    bench.slack.stopStreamAsPerson(channel, ts);
    const shown = bench.slack.textOf(channel, ts) ?? '';

    // Slack refuses the next append, as it does once the person stopped the stream...
    const refused = await bench.slack.waitFor(() =>
      bench.slack
        .callsIn(channel, 'chat.appendStream')
        .find((call) => call.response?.error === 'stopped_by_user'),
    );
    const stored = await bench.slack.waitFor(async () => {
      const conversation = await bench.app.store.getConversation(conversationId(TEAM, channel, root));
      return conversation?.turns.length === 2 && conversation;
    });

    // ...and the message stays as the person stopped it: no more appends, no stop, no edit, no post.
    expect(bench.slack.textOf(channel, ts)).toBe(shown);
    expect(bench.slack.callsIn(channel, 'chat.appendStream').filter((call) => call.at > refused.at)).toEqual(
      [],
    );
    expect(bench.slack.callsIn(channel, 'chat.stopStream')).toEqual([]);
    expect(bench.slack.callsIn(channel, 'chat.update')).toEqual([]);
    expect(bench.slack.callsIn(channel, 'chat.postMessage')).toEqual([]);

    // The model was stopped too: Bedrock's call was ended before the answer was whole.
    const [call] = bench.bedrock.calls.slice(bedrockCalls);
    await bench.slack.waitFor(() => call?.cancelledAt !== undefined);
    expect(call?.finishedAt).toBeUndefined();

    // The turn keeps what the person was shown, marked as stopped by them.
    expect(stored.turns[1]).toEqual({ role: 'assistant', text: shown, partial: true, stoppedByPerson: true });
    // What was generated until then is booked, priced (an estimate, Bedrock sent no usage), never the whole answer.
    const usage = await new UsageLedger(bench.app.store).report(TEAM, ASKER, 'day');
    expect(usage.requests).toBe(1);
    expect(usage.outputTokens).toBeGreaterThanOrEqual(estimateTokens(shown));
    expect(usage.outputTokens).toBeLessThan(estimateTokens(LONG_ANSWER) / 2);
    expect(usage.inputTokens).toBeGreaterThan(0);
    expect(usage.costUsd).toBeGreaterThan(0);
    expect(usage.unpricedRequests).toBe(0);
    expect(stored.outputTokens).toBe(usage.outputTokens);

    // The thread goes on from what the person saw.
    bench.bedrock.script(HAIKU, { answer: 'Picking up from there.' });
    expect(
      await mentionBot(bench, {
        channel,
        text: 'Go on',
        ts: '1820000000.000200',
        threadTs: root,
        user: ASKER,
      }),
    ).toBe(200);
    const next = await bench.slack.waitFor(() => bench.bedrock.calls.slice(bedrockCalls)[1]);
    expect(next.body.messages[1]?.role).toBe('assistant');
    expect(next.body.messages[1]?.content[0]).toEqual({ text: shown });
  });
});

describe('a person who stops a streamed answer the moment it shows', () => {
  it('keeps it as they saw it even when the model had finished: the rest is not posted, the turn keeps what they saw, the whole answer is booked', async () => {
    const channel = 'CSTOPLATE';
    bench.slack.streamsStoppedOnSight.add(channel);
    // Longer than one streamed message, all at once: the model is done before the stream starts.
    const paragraph = `${'A long paragraph about Bedrock. '.repeat(30).trim()}\n\n`;
    const answer = paragraph.repeat(16).trim();
    bench.bedrock.script(HAIKU, { answer, wordsPerChunk: 10_000 });
    const root = '1820000001.000100';
    const user = 'UHOPPER';
    const bedrockCalls = bench.bedrock.calls.length;
    expect(await mentionBot(bench, { channel, text: 'Write at length', ts: root, user })).toBe(200);

    const refused = await bench.slack.waitFor(() =>
      bench.slack
        .callsIn(channel, 'chat.stopStream')
        .find((call) => call.response?.error === 'stopped_by_user'),
    );
    const ts = String(refused.args.ts);
    const shown = bench.slack.textOf(channel, ts) ?? '';
    const stored = await bench.slack.waitFor(async () => {
      const conversation = await bench.app.store.getConversation(conversationId(TEAM, channel, root));
      return conversation?.turns[1]?.stoppedByPerson && conversation;
    });

    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(answer.length);
    expect(bench.slack.callsIn(channel, 'chat.update')).toEqual([]);
    expect(bench.slack.callsIn(channel, 'chat.postMessage')).toEqual([]);
    expect(stored.turns[1]).toEqual({ role: 'assistant', text: shown, partial: true, stoppedByPerson: true });
    // Bedrock generated the whole answer and said what it cost: that is what is booked.
    const [call] = bench.bedrock.calls.slice(bedrockCalls);
    expect(call?.finishedAt).toBeDefined();
    const usage = await new UsageLedger(bench.app.store).report(TEAM, user, 'day');
    expect(usage.outputTokens).toBe(answer.split(/(?<=\s)/).length);
  });
});
