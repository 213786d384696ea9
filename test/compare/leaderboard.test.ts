import { beforeEach, describe, expect, it } from 'vitest';
import { Leaderboard } from '../../src/compare/leaderboard.js';
import { MemoryBackend } from '../../src/store/memory-backend.js';
import { storeOn } from '../../src/store/store.js';
import { compareRun, modelRun } from './fixtures.js';

describe('the compare leaderboard', () => {
  let leaderboard: Leaderboard;
  beforeEach(() => {
    leaderboard = new Leaderboard(storeOn(new MemoryBackend()));
  });

  it('counts wins and verdicts per model, and ranks by wins, then win rate', async () => {
    const run = () => compareRun([modelRun('nova-micro'), modelRun('nova-lite'), modelRun('haiku')]);
    for (const picked of [0, 0, 1]) {
      const judged = run();
      await leaderboard.recordRun(judged);
      await leaderboard.recordVerdict(judged, picked);
    }
    const tie = run();
    await leaderboard.recordRun(tie);
    await leaderboard.recordVerdict(tie, 'tie');

    const standings = await leaderboard.standings('T1');
    expect(standings.map(({ modelId, wins, contests, runs }) => ({ modelId, wins, contests, runs }))).toEqual(
      [
        { modelId: 'nova-micro', wins: 2, contests: 4, runs: 4 },
        { modelId: 'nova-lite', wins: 1, contests: 4, runs: 4 },
        { modelId: 'haiku', wins: 0, contests: 4, runs: 4 },
      ],
    );
    expect(standings[0]?.winRate).toBe(0.5);
    expect(standings[1]?.winRate).toBe(0.25);
    expect(await leaderboard.standings('T2')).toEqual([]);
  });

  it('gives a timed-out answer no win and no contest: a partial answer is no fair contest', async () => {
    const run = compareRun([
      modelRun('nova-micro'),
      modelRun('nova-lite', { status: 'timed-out', costUsd: undefined }),
    ]);
    await leaderboard.recordRun(run);
    await leaderboard.recordVerdict(run, 1);

    const standings = await leaderboard.standings('T1');
    expect(standings).toHaveLength(1);
    expect(standings[0]).toMatchObject({ modelId: 'nova-micro', wins: 0, contests: 1, runs: 1 });
  });

  it('reads the median latency and cost back from the histograms, rounded to their buckets', async () => {
    const samples = [
      { latencyMs: 900, costUsd: 0.0011 },
      { latencyMs: 1_210, costUsd: 0.0013 },
      { latencyMs: 1_190, costUsd: 0.0012 },
      { latencyMs: 5_000, costUsd: 0.09 },
      { latencyMs: 1_020, costUsd: 0.0012 },
    ];
    for (const sample of samples) await leaderboard.recordRun(compareRun([modelRun('nova-micro', sample)]));

    const [standing] = await leaderboard.standings('T1');
    // Latency buckets are 50 ms wide: 1,190 and 1,210 both count as 1,200, the middle of five samples.
    expect(standing?.medianLatencyMs).toBe(1_200);
    expect(standing?.medianCostUsd).toBe(0.0012);
  });

  it('has no median cost for a model whose price is unknown, rather than $0', async () => {
    await leaderboard.recordRun(compareRun([modelRun('custom-model', { costUsd: undefined })]));
    const [standing] = await leaderboard.standings('T1');
    expect(standing?.runs).toBe(1);
    expect(standing?.medianCostUsd).toBeUndefined();
  });

  it('keeps thumbs apart from wins, and lists a model that only got thumbs', async () => {
    await leaderboard.recordRun(compareRun([modelRun('nova-micro')]));
    await leaderboard.recordFeedback('T1', 'nova-micro', 'up');
    await leaderboard.recordFeedback('T1', 'nova-micro', 'down');
    await leaderboard.recordFeedback('T1', 'haiku', 'up');

    const standings = await leaderboard.standings('T1');
    expect(
      standings.map(({ modelId, wins, runs, thumbsUp, thumbsDown }) => ({
        modelId,
        wins,
        runs,
        thumbsUp,
        thumbsDown,
      })),
    ).toEqual([
      { modelId: 'nova-micro', wins: 0, runs: 1, thumbsUp: 1, thumbsDown: 1 },
      { modelId: 'haiku', wins: 0, runs: 0, thumbsUp: 1, thumbsDown: 0 },
    ]);
  });

  describe('two service tiers of one model', () => {
    const tiered = () =>
      compareRun([
        modelRun('gpt-oss', {
          label: 'gpt-oss@flex',
          serviceTier: 'flex',
          latencyMs: 3_000,
          costUsd: 0.0005,
        }),
        modelRun('gpt-oss', {
          label: 'gpt-oss@priority',
          serviceTier: 'priority',
          latencyMs: 800,
          costUsd: 0.0018,
        }),
        modelRun('haiku', { latencyMs: 1_000, costUsd: 0.002 }),
      ]);

    it('are one model for quality: a verdict counts one contest for it, and a win once', async () => {
      const run = tiered();
      await leaderboard.recordRun(run);
      await leaderboard.recordVerdict(run, 1);

      const standings = await leaderboard.standings('T1');
      expect(
        standings.map(({ modelId, wins, contests, winRate }) => ({ modelId, wins, contests, winRate })),
      ).toEqual([
        { modelId: 'gpt-oss', wins: 1, contests: 1, winRate: 1 },
        { modelId: 'haiku', wins: 0, contests: 1, winRate: 0 },
      ]);
    });

    it('keep their own latency and cost: each tier’s medians apart from the standard tier’s', async () => {
      await leaderboard.recordRun(tiered());
      await leaderboard.recordRun(
        compareRun([modelRun('gpt-oss', { latencyMs: 1_500, costUsd: 0.001 }), modelRun('haiku')]),
      );

      const [gptOss] = (await leaderboard.standings('T1')).filter(
        (standing) => standing.modelId === 'gpt-oss',
      );
      expect(gptOss).toMatchObject({ runs: 3, medianLatencyMs: 1_500, medianCostUsd: 0.001 });
      expect(gptOss?.tiers).toEqual([
        { tier: 'flex', runs: 1, medianLatencyMs: 3_000, medianCostUsd: 0.0005 },
        { tier: 'priority', runs: 1, medianLatencyMs: 800, medianCostUsd: 0.0018 },
      ]);
    });

    it('still reads a board written before tiers were kept apart, as the standard tier’s', async () => {
      const store = storeOn(new MemoryBackend());
      // What the previous version wrote for one run of gpt-oss@flex: everything under the model ID.
      await store.increment('leaderboard:T1:runs', 'gpt-oss', 1);
      await store.increment('leaderboard:T1:latency:gpt-oss', '3000', 1);
      await store.increment('leaderboard:T1:cost:gpt-oss', '0.00050', 1);

      const [standing] = await new Leaderboard(store).standings('T1');
      expect(standing).toMatchObject({ modelId: 'gpt-oss', runs: 1, medianLatencyMs: 3_000, tiers: [] });
    });
  });
});
