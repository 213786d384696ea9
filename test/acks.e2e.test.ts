import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visibleText } from './support/blocks.js';
import { type Bench, startBench } from './support/harness.js';

let bench: Bench;

beforeAll(async () => {
  bench = await startBench({ redis: true });
});
afterAll(async () => {
  bench.redis?.resume();
  await bench.stop();
});

const gaveUpOnTheStore = () =>
  bench.logs.lines.filter((line) => line.includes('could not check a Slack request for replay'));

describe('the ack of a slash command', () => {
  it('goes out while the store hangs, before it has answered the replay check, and the command runs once it answers', async () => {
    bench.redis?.pause();
    let ack: { status: number };
    try {
      ack = await bench.sender.command('/compare', 'help', { responseId: 'store-held' });
    } finally {
      bench.redis?.resume();
    }
    expect(ack.status).toBe(200);

    const help = await bench.slack.responseTo('store-held', 'ephemeral');
    expect(visibleText(help.body.blocks)).toContain('/compare');
    // The store answered the check after the ack: the ack neither waited for it nor gave up on it.
    expect(gaveUpOnTheStore()).toEqual([]);
  });

  it('goes out while every model is still to answer, and the compare then finishes', async () => {
    for (const modelId of ['amazon.nova-micro-v1:0', 'meta.llama3-70b-instruct-v1:0'])
      bench.bedrock.script(modelId, { answer: `Held answer of ${modelId}.`, firstTokenMs: 500 });
    const calls = bench.bedrock.calls.length;

    const ack = await bench.sender.command('/compare', 'nova-micro llama3-70b Hold on', {
      channelId: 'CHELD',
      responseId: 'bedrock-held',
    });

    expect(ack.status).toBe(200);
    expect(bench.bedrock.calls.slice(calls).filter((call) => call.finishedAt !== undefined)).toEqual([]);
    const final = await bench.slack.updateShowing('CHELD', 'Summary');
    expect(visibleText(final.args.blocks)).toContain('Held answer of amazon.nova-micro-v1:0.');
  });
});
