import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visibleText } from './support/blocks.js';
import { type Bench, startBench } from './support/harness.js';

let bench: Bench;

beforeAll(async () => {
  bench = await startBench({
    env: {
      CHAT_STREAMING: 'native',
      SHUTDOWN_GRACE_SECONDS: '4',
      CHAT_DEFAULT_MODEL: 'claude-3.5-haiku',
      RATE_LIMIT_USER_PER_MINUTE: '1000',
    },
  });
});
afterAll(() => bench.stop());

describe('stopping while an answer streams natively', () => {
  it('ends the stream with what arrived and "stopped: the app restarted"', async () => {
    bench.bedrock.script('anthropic.claude-3-5-haiku-20241022-v1:0', {
      answer: `Haiku starts here ${'and then it goes on '.repeat(40).trim()}.`,
      tokensPerSecond: 4,
    });
    const channel = 'C17NATIVE';
    const ts = '1700000017.000100';
    bench.slack.seedMessage(channel, { ts, user: 'U17', text: '<@UBOT> Tell me a long story' });
    await bench.sender.event({
      type: 'app_mention',
      user: 'U17',
      text: '<@UBOT> Tell me a long story',
      ts,
      channel,
      event_ts: ts,
    });
    const start = await bench.slack.waitFor(() =>
      bench.slack
        .callsOf('chat.startStream')
        .find((call) => call.args.channel === channel && call.response?.ok),
    );

    await bench.app.stop();
    const stop = bench.slack
      .callsOf('chat.stopStream')
      .find((call) => call.args.ts === start.response?.ts && call.response?.ok);
    expect(visibleText(stop?.args.blocks)).toContain('stopped: the app restarted');
    expect(bench.slack.textOf(channel, String(start.response?.ts))).toMatch(/^Haiku starts here/);
    // The stream is over: nothing was appended after the stop.
    expect(
      bench.slack.callsOf('chat.appendStream').filter((call) => (call.at ?? 0) > (stop?.at ?? 0)),
    ).toHaveLength(0);
  });
});
