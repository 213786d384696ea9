import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visibleText } from '../src/playground/local-slack.js';
import { type Bench, startBench } from './support/harness.js';

/**
 * Slack's limits at ten times their pace, so a spec runs in seconds: chat.update 50 a minute per
 * workspace and one post a second per channel become 500 and 600 a minute, and one update a second
 * per message becomes one every 100 ms. The local Slack refuses what goes past them, as Slack does.
 */
const PACE = 10;
let bench: Bench;

beforeAll(async () => {
  bench = await startBench({
    env: {
      SLACK_UPDATES_PER_MINUTE: String(50 * PACE),
      SLACK_POSTS_PER_CHANNEL_PER_MINUTE: String(60 * PACE),
      RATE_LIMIT_USER_PER_MINUTE: '100',
      RATE_LIMIT_TEAM_PER_MINUTE: '100',
    },
    overrides: { updateIntervalMs: 1000 / PACE },
  });
});
afterAll(() => bench.stop());

describe('Slack’s rate limits', () => {
  it('are kept by ten compares streaming at once in one workspace: no 429, every message final, every answer shown', async () => {
    // About 2 s of streaming each: twenty seconds of Slack's time, far more updates than the budget.
    for (const model of ['amazon.nova-micro-v1:0', 'amazon.nova-lite-v1:0'])
      bench.bedrock.script(model, {
        answer: Array.from({ length: 100 }, (_, word) => `w${word}`).join(' '),
        firstTokenMs: 200,
        tokensPerSecond: 50,
      });
    const channels = Array.from({ length: 10 }, (_, index) => `CLIMIT${index % 2}`);
    const acks = await Promise.all(
      channels.map((channelId, index) =>
        bench.sender.command('/compare', `nova-micro nova-lite Question ${index}`, {
          channelId,
          userId: `U${index}`,
          responseId: `limit${index}`,
        }),
      ),
    );
    expect(acks.every((ack) => ack.status === 200)).toBe(true);
    const posts = () => bench.slack.callsOf('chat.postMessage').filter((call) => call.response?.ok);
    await bench.slack.waitFor(() => posts().length === 10, 20_000);
    const finals = await bench.slack.waitFor(() => {
      const done = posts().filter((post) =>
        bench.slack
          .callsOf('chat.update')
          .some(
            (update) =>
              update.args.ts === post.response?.ts && visibleText(update.args.blocks).includes('Summary'),
          ),
      );
      return done.length === 10 && done;
    }, 60_000);
    expect(finals).toHaveLength(10);
    expect(bench.slack.calls.filter((call) => call.overLimit)).toEqual([]);
    const updates = bench.slack.callsOf('chat.update');
    for (const post of finals) {
      const final = updates.filter((update) => update.args.ts === post.response?.ts).at(-1);
      expect(visibleText(final?.args.blocks)).toContain('w99');
    }
  });
});
