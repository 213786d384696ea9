import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds, buttonValue, visibleText } from './support/blocks.js';
import { storedRun } from './support/compare-runs.js';
import { type Bench, startBench } from './support/harness.js';

let bench: Bench;
const SLOW = { tokensPerSecond: 2 };
const long = (opening: string) => `${opening} ${'and then it goes on '.repeat(20).trim()}.`;

beforeAll(async () => {
  bench = await startBench({
    env: {
      // Its last quarter (3 s) closes the messages: room enough on a loaded machine.
      SHUTDOWN_GRACE_SECONDS: '12',
      CHAT_DEFAULT_MODEL: 'claude-3.5-haiku',
      RATE_LIMIT_USER_PER_MINUTE: '1000',
    },
  });
  bench.bedrock.script('amazon.nova-micro-v1:0', { answer: long('Nova Micro starts here'), ...SLOW });
  bench.bedrock.script('amazon.nova-lite-v1:0', { answer: long('Nova Lite starts here'), ...SLOW });
  bench.bedrock.script('anthropic.claude-3-5-haiku-20241022-v1:0', {
    answer: long('Haiku starts here'),
    ...SLOW,
  });
});
afterAll(() => bench.stop());

const lastUpdateOf = (channel: string) =>
  bench.slack
    .callsOf('chat.update')
    .filter((call) => call.args.channel === channel && call.response?.ok)
    .at(-1);

describe('stopping while models are slower than SHUTDOWN_GRACE_SECONDS', () => {
  it('closes every message still streaming with what arrived and "stopped: the app restarted", keeping the run for Run again', async () => {
    const compareChannel = 'C16COMPARE';
    const chatChannel = 'C16CHAT';
    await bench.sender.command('/compare', 'nova-micro nova-lite Tell me a long story', {
      channelId: compareChannel,
      userId: 'U16',
      responseId: 'r16',
    });
    const ts = '1600000016.000100';
    bench.slack.seedMessage(chatChannel, { ts, user: 'U16', text: '<@UBOT> Tell me a long story' });
    await bench.sender.event({
      type: 'app_mention',
      user: 'U16',
      text: '<@UBOT> Tell me a long story',
      ts,
      channel: chatChannel,
      event_ts: ts,
    });
    await bench.slack.waitFor(() =>
      visibleText(lastUpdateOf(compareChannel)?.args.blocks).includes('Nova Micro starts'),
    );
    await bench.slack.waitFor(() =>
      visibleText(lastUpdateOf(chatChannel)?.args.blocks).includes('Haiku starts'),
    );

    await bench.app.stop();

    // Stopped on time: the models were still answering.
    expect(bench.bedrock.calls.every((call) => call.finishedAt === undefined)).toBe(true);
    const compare = visibleText(lastUpdateOf(compareChannel)?.args.blocks);
    expect(compare).toContain('Nova Micro starts');
    expect(compare).toContain('stopped: the app restarted');
    expect(compare).not.toContain('streaming…');
    expect(actionIds(lastUpdateOf(compareChannel)?.args.blocks)).toContain('compare_run_again');
    const chat = visibleText(lastUpdateOf(chatChannel)?.args.blocks);
    expect(chat).toContain('Haiku starts');
    expect(chat).toContain('stopped: the app restarted');
    expect(chat).not.toContain('▌');

    // The next replica finds the run, finished, for Run again.
    const replica = await bench.startReplica();
    const runId = buttonValue(lastUpdateOf(compareChannel)?.args.blocks, 'compare_run_again');
    const stored = await storedRun(replica.store, runId);
    expect(stored?.prompt).toBe('Tell me a long story');
    expect(stored?.models.map((model) => model.status)).toEqual(['failed', 'failed']);
  });
});
