import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../src/playground/local-slack.js';
import { buttonValue, visibleText } from './support/blocks.js';
import { type Bench, startBench } from './support/harness.js';

let bench: Bench;
let counter = 0;
const unique = (prefix: string) => `${prefix}${++counter}`;

const finalIn = (channel: string, marker: string) =>
  bench.slack.waitFor(() =>
    bench.slack
      .callsOf('chat.update')
      .filter((call) => call.args.channel === channel && visibleText(call.args.blocks).includes(marker))
      .at(-1),
  );

async function vote(message: RecordedCall, actionId: string, userId: string) {
  const responseId = unique('vote');
  await bench.sender.blockAction({
    actionId,
    value: buttonValue(message.args.blocks, actionId),
    userId,
    channelId: String(message.args.channel),
    messageTs: String(message.args.ts),
    responseId,
  });
  return visibleText((await bench.slack.responseTo(responseId)).body.blocks);
}

async function arenaRun(prompt: string) {
  const channel = unique('CARENA');
  await bench.sender.command('/compare', `--arena nova-micro nova-lite ${prompt}`, {
    channelId: channel,
    userId: 'UHOST',
  });
  return finalIn(channel, 'Everyone here: pick the best answer');
}

async function board(text: string) {
  const responseId = unique('board');
  await bench.sender.command('/compare', text, { channelId: 'CBOARD', userId: 'UHOST', responseId });
  return visibleText((await bench.slack.responseTo(responseId)).body.blocks);
}

beforeAll(async () => {
  // Arena runs here list their models in reverse: B is Nova Micro, A is Nova Lite.
  bench = await startBench({
    env: { RATE_LIMIT_USER_PER_MINUTE: '1000' },
    overrides: { shuffle: (items) => [...items].reverse() },
  });
  bench.bedrock.script('amazon.nova-micro-v1:0', {
    answer: 'SELECT name FROM customers ORDER BY revenue DESC LIMIT 10;',
  });
  bench.bedrock.script('amazon.nova-lite-v1:0', { answer: 'SELECT * FROM customers;' });
});
afterAll(() => bench.stop());

describe('the arena', () => {
  it('takes everyone’s blind vote once, tie and all bad included, and ranks models by Bradley–Terry with intervals, per tag', async () => {
    const run = await arenaRun('Write a SQL query for the top customers #sql');
    const shown = visibleText(run.args.blocks);
    expect(shown).toContain('Arena: Write a SQL query');
    expect(shown).not.toMatch(/Nova/);

    expect(await vote(run, 'compare_blind_pick_1', 'UONE')).toContain(
      'Your vote counts: answer B. Between us: A was *Nova Lite*, B was *Nova Micro*.',
    );
    expect(await vote(run, 'compare_blind_pick_1', 'UTWO')).toContain('Your vote counts');
    expect(await vote(run, 'compare_blind_tie', 'UTHREE')).toContain('Your vote counts: a tie');
    expect(await vote(run, 'compare_blind_bad', 'UFOUR')).toContain('Your vote counts: all bad');
    expect(await vote(run, 'compare_blind_pick_0', 'UONE')).toContain(
      'You have already voted on this arena run: one vote each.',
    );
    // The message itself stays blind for everyone else.
    expect(
      bench.slack
        .callsOf('chat.update')
        .filter((call) => call.args.channel === run.args.channel)
        .at(-1)?.args.blocks,
    ).toEqual(run.args.blocks);

    const other = await arenaRun('A haiku about autumn #poetry');
    await vote(other, 'compare_blind_pick_0', 'UONE');

    const sql = await board('leaderboard #sql');
    expect(sql).toContain(
      '*Arena ratings for #sql* (Bradley–Terry, from 4 votes; judge verdicts not included (add `--judge`))',
    );
    expect(sql).toMatch(/1\. \*Nova Micro\* (\d+) \(95%: (\d+)–(\d+)\) · 4 head-to-head \(2W 2T 0L\)/);
    expect(sql).toMatch(/2\. \*Nova Lite\* (\d+) \(95%: (\d+)–(\d+)\) · 4 head-to-head \(0W 2T 2L\)/);
    const [, rating, low, high] = /Nova Micro\* (\d+) \(95%: (\d+)–(\d+)\)/.exec(sql)?.map(Number) ?? [];
    expect(low).toBeLessThanOrEqual(rating as number);
    expect(high).toBeGreaterThanOrEqual(rating as number);

    const all = await board('leaderboard');
    expect(all).toContain('from 5 votes');
    expect(await board('leaderboard #cooking')).toContain('*Arena ratings for #cooking*: _no votes yet._');
  });
});
