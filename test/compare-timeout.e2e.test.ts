import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableRows, visibleText } from './support/blocks.js';
import { type Bench, startBench } from './support/harness.js';

let bench: Bench;

const NOVA_MICRO = 'amazon.nova-micro-v1:0';
const NOVA_LITE = 'amazon.nova-lite-v1:0';
const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';

beforeAll(async () => {
  bench = await startBench({
    env: { COMPARE_MODEL_TIMEOUT_SECONDS: '2', RATE_LIMIT_USER_PER_MINUTE: '1000' },
  });
});
afterAll(() => bench.stop());

const finalIn = (channel: string) => bench.slack.updateShowing(channel, 'Summary');

describe('a compare in which models run past COMPARE_MODEL_TIMEOUT_SECONDS', () => {
  it('shows them as timed out, keeps the partial text, never $0, and leaves them out of the summary and leaderboard', async () => {
    bench.bedrock.script(NOVA_MICRO, { answer: 'Micro finished: S3, EC2 and Lambda.', inputTokens: 50 });
    // Never sends a token before the timeout.
    bench.bedrock.script(NOVA_LITE, { answer: 'Lite answers far too late.', firstTokenMs: 6_000 });
    // Still streaming at the timeout: two words a second of a long answer.
    bench.bedrock.script(HAIKU, {
      answer: `Haiku starts well ${'and goes on '.repeat(40)}`,
      tokensPerSecond: 2,
    });
    await bench.sender.command('/compare', 'nova-micro nova-lite claude-3.5-haiku Top AWS services?', {
      channelId: 'CTIME',
      userId: 'UTIME',
      teamId: 'TTIME',
      responseId: 'rtime',
    });

    const final = await finalIn('CTIME');
    const shown = visibleText(final.args.blocks);
    expect(shown).toContain('Micro finished: S3, EC2 and Lambda.');
    const rows = Object.fromEntries(tableRows(final.args.blocks).map(([name, ...cells]) => [name, cells]));
    expect(rows['nova-micro']?.[1]).toMatch(/^\d\.\d\d s ×1\.0$/);
    for (const timedOut of ['nova-lite', 'claude-3.5-haiku']) {
      expect(rows[timedOut]?.[1]).toBe('⏱ timed out after 2 s (partial)');
      expect(rows[timedOut]?.[5]).toMatch(/^≈ ?(< )?\$0\.0*[1-9]\d?$/);
    }
    // The partial text is kept, marked partial, under the ⏱ of its model.
    expect(shown).toContain(':stopwatch: *Claude 3.5 Haiku*');
    expect(shown).toContain('Haiku starts');
    expect(shown).toMatch(/⏱ timed out after 2 s · first token [^"]*· \*partial answer\* · ≈/);
    expect(shown).toContain('Nothing arrived before the time limit.');
    expect(shown).toMatch(/⏱ timed out after 2 s · no token arrived · ≈/);
    expect(shown).not.toContain(':white_check_mark: *Nova Lite*');
    expect(shown).not.toContain('? in / ? out');
    // A cost is a real price, an estimate marked ≈, or unknown: never $0.
    expect(shown).not.toMatch(/\$0(?![.\d])/);
    expect(shown).toMatch(/Total cost: ≈\$0\.0*[1-9]/);
    // Only the model that finished can be fastest or cheapest.
    expect(shown).toMatch(/Cheapest: \*nova-micro\*/);
    expect(shown).toMatch(/Fastest overall: \*nova-micro\*/);
    expect(shown).not.toMatch(/(Cheapest|Fastest[a-z ]*): \*(nova-lite|claude-3\.5-haiku)\*/);

    // The leaderboard's medians count finished answers only. The run is recorded just after the final
    // update, so ask until the board has it.
    let asked = 0;
    const board = await bench.slack.waitFor(async () => {
      const responseId = `rboard${++asked}`;
      await bench.sender.command('/compare', 'leaderboard', {
        channelId: 'CTIME',
        userId: 'UTIME',
        teamId: 'TTIME',
        responseId,
      });
      const answer = await bench.slack.waitFor(() =>
        bench.slack.responses.find((response) => response.path.endsWith(`/${responseId}`)),
      );
      return visibleText(answer.body.blocks).includes('Nova Micro') && answer;
    });
    const ranked = visibleText(board.body.blocks);
    expect(ranked).toContain('Nova Micro');
    expect(ranked).not.toContain('Nova Lite');
    expect(ranked).not.toContain('Haiku');
  });
});
