import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bench, mentionBot, NATIVE_STREAMING_ENV, startBench } from './support/harness.js';

/**
 * Slack's limits on native streaming, tight enough that a dozen answers at once go past them unless
 * the app keeps to them: the app calls ten times as often as in Slack (one call every 100 ms per
 * message, so a spec runs in seconds), while chat.startStream and chat.stopStream allow 60 a minute
 * each and chat.appendStream 300, three times Tier 2's 20 and Tier 4's 100 where ten times would keep
 * pace. The local Slack answers 429 past them, as Slack does.
 */
const PACE = 10;
const AT_ONCE = 12;
const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const STREAM_METHODS = ['chat.startStream', 'chat.appendStream', 'chat.stopStream'];
let bench: Bench;
let counter = 0;

/** The answer's final stop, once Slack took it. */
const stopIn = (channel: string) =>
  bench.slack.waitFor(
    () => bench.slack.callsIn(channel, 'chat.stopStream').find((call) => call.response?.ok),
    30_000,
  );

async function ask(channel: string, text: string, sender = bench.sender): Promise<string> {
  const ts = `${1_820_000_000 + ++counter}.000100`;
  const user = `U${counter}`;
  if (sender === bench.sender) {
    expect(await mentionBot(bench, { channel, text, ts, user })).toBe(200);
    return ts;
  }
  // Another replica gets the event: the load balancer handed it there.
  const mention = `<@UBOT> ${text}`;
  bench.slack.seedMessage(channel, { ts, user, text: mention });
  const answer = await sender.event({ type: 'app_mention', user, text: mention, ts, channel, event_ts: ts });
  expect(answer.status).toBe(200);
  return ts;
}

/** The answer's final state, whichever way it went: the stream's stop, or the update of a reply edited in place. */
const finalIn = (channel: string) =>
  bench.slack.waitFor(
    () =>
      [
        ...bench.slack.callsIn(channel, 'chat.stopStream'),
        ...bench.slack.callsIn(channel, 'chat.update'),
      ].find(
        (call) =>
          call.response?.ok &&
          (call.args.metadata as { event_type?: string } | undefined)?.event_type === 'bedrock_slack_answer',
      ),
    30_000,
  );

beforeAll(async () => {
  bench = await startBench({
    env: {
      ...NATIVE_STREAMING_ENV,
      RATE_LIMIT_TEAM_PER_MINUTE: '1000',
      SLACK_STREAMS_PER_MINUTE: String(6 * PACE),
      SLACK_STREAM_APPENDS_PER_MINUTE: String(30 * PACE),
    },
    overrides: { updateIntervalMs: 1000 / PACE },
  });
});
afterAll(() => bench.stop());

describe('native streaming within Slack’s limits', () => {
  it('streams a dozen answers at once in one workspace with no 429: those the budget lets start stream and stop with their whole text, the rest are edited in place', async () => {
    // About 2 s of answer each, a word a frame: far more appends wanted than the workspace may make.
    const words = Array.from({ length: 100 }, (_, index) => `w${index}`).join(' ');
    bench.bedrock.script(HAIKU, { answer: words, firstTokenMs: 100, tokensPerSecond: 50, wordsPerChunk: 1 });
    const channels = Array.from({ length: AT_ONCE }, (_, index) => `CLIMITS${index}`);
    await Promise.all(channels.map((channel, index) => ask(channel, `Question ${index}`)));

    const finals = await Promise.all(channels.map(finalIn));
    const streamed = channels.filter((_, index) => finals[index]?.method === 'chat.stopStream');
    // The burst of starts the workspace allows (ten at this pace) streamed natively...
    expect(streamed.length).toBeGreaterThanOrEqual(10);
    for (const channel of streamed) {
      const stop = finals[channels.indexOf(channel)]!;
      expect(
        bench.slack.callsIn(channel, 'chat.startStream').filter((call) => call.response?.ok),
      ).toHaveLength(1);
      expect(bench.slack.textOf(channel, String(stop.args.ts))).toBe(words);
      // ...each with its share of the appends while it streamed, none holding its words to the end.
      expect(
        bench.slack.callsIn(channel, 'chat.appendStream').filter((call) => call.response?.ok).length,
      ).toBeGreaterThan(0);
    }
    // The others did not wait for the next start: a placeholder edited in place, to every word.
    for (const channel of channels.filter((each) => !streamed.includes(each))) {
      expect(bench.slack.callsIn(channel, 'chat.startStream')).toHaveLength(0);
      const final = finals[channels.indexOf(channel)]!;
      expect(String(final.args.text)).toBe(words);
    }
    const refused = bench.slack.calls.filter((call) => call.overLimit);
    expect(refused).toEqual([]);
  });

  it('waits out a 429 on each of the three calls and sends the same call again: every word once, in one stream', async () => {
    const channel = `CLIMITS429`;
    const words = Array.from({ length: 40 }, (_, index) => `r${index}`).join(' ');
    bench.bedrock.script(HAIKU, { answer: words, tokensPerSecond: 20, wordsPerChunk: 1 });
    const here = (args: Record<string, unknown>) => args.channel === channel;
    for (const method of STREAM_METHODS) bench.slack.rateLimitNext(method, 1, 1, here);
    await ask(channel, 'Go on for a while');

    const stop = await stopIn(channel);
    for (const method of STREAM_METHODS) {
      const [refused, ...sent] = bench.slack.callsIn(channel, method);
      // Slack refused the first call of each kind; the app waited a second and sent it again.
      expect(refused?.response).toBeUndefined();
      expect(sent[0]?.at).toBeGreaterThanOrEqual((refused?.at ?? 0) + 1000);
      expect(sent[0]?.args.markdown_text ?? null).toEqual(refused?.args.markdown_text ?? null);
    }
    expect(bench.slack.callsIn(channel, 'chat.startStream').filter((call) => call.response?.ok)).toHaveLength(
      1,
    );
    expect(bench.slack.textOf(channel, String(stop.args.ts))).toBe(words);
    expect(stop.args.metadata).toMatchObject({ event_type: 'bedrock_slack_answer' });
    // Nothing was edited in place or posted instead.
    expect(bench.slack.callsIn(channel, 'chat.update')).toHaveLength(0);
    expect(bench.slack.callsIn(channel, 'chat.postMessage')).toHaveLength(0);
  });

  it('is one budget for every replica: answers streaming from two replicas at once draw no 429', async () => {
    const replica = await bench.startReplica();
    const words = Array.from({ length: 100 }, (_, index) => `m${index}`).join(' ');
    bench.bedrock.script(HAIKU, { answer: words, firstTokenMs: 100, tokensPerSecond: 50, wordsPerChunk: 1 });
    // Seven answers on each replica: within what each could start alone, past what both may together.
    const channels = Array.from({ length: 14 }, (_, index) => `CREPLICAS${index}`);
    const before = bench.slack.calls.length;
    await Promise.all(
      channels.map((channel, index) =>
        ask(channel, `Question ${index}`, index % 2 ? replica.sender : bench.sender),
      ),
    );

    const finals = await Promise.all(channels.map(finalIn));
    for (const [index, channel] of channels.entries()) {
      const final = finals[index]!;
      const shown =
        final.method === 'chat.stopStream'
          ? bench.slack.textOf(channel, String(final.args.ts))
          : final.args.text;
      expect(shown).toBe(words);
    }
    // The workspace's ten-start burst (less what the specs before spent) streamed; the rest were
    // edited in place: both replicas drew on one budget.
    const streamed = finals.filter((final) => final?.method === 'chat.stopStream');
    expect(streamed.length).toBeLessThanOrEqual(10);
    expect(bench.slack.calls.slice(before).filter((call) => call.overLimit)).toEqual([]);
  });
});
