import { billedHourly } from '../bedrock/pricing.js';
import { keys } from '../store/keys.js';
import type { CounterStore } from '../store/types.js';
import type { CompareRun, Verdict } from './types.js';

export interface Standing {
  modelId: string;
  wins: number;
  /** Verdicts given on compares this model finished in. */
  contests: number;
  winRate: number;
  runs: number;
  medianLatencyMs?: number;
  medianCostUsd?: number;
  /** Thumbs on single answers (compare and thread answers alike): feedback, apart from wins. */
  thumbsUp: number;
  thumbsDown: number;
}

/** A thumb on one answer, as the leaderboard counts it. */
export type Thumb = 'up' | 'down';

const key = (teamId: string, what: string) => keys.leaderboard(teamId, what).key;

// Latency and cost are kept as counts per rounded value (a histogram), so each sample is one atomic
// increment and the median is read back without keeping every sample.
const latencyBucket = (ms: number) => String(Math.round(ms / 50) * 50);
const costBucket = (usd: number) => usd.toPrecision(2);

function median(histogram: Record<string, number>): number | undefined {
  const entries = Object.entries(histogram)
    .map(([value, count]) => [Number(value), count] as const)
    .sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return undefined;
  let seen = 0;
  for (const [value, count] of entries) {
    seen += count;
    if (seen * 2 >= total) return value;
  }
  return undefined;
}

/** Per-workspace standings fed by both compare modes: wins, win rate, median latency and cost. */
export class Leaderboard {
  constructor(private readonly counters: CounterStore) {}

  /** Counts each finished model of a compare, with its latency and cost. */
  async recordRun(run: CompareRun): Promise<void> {
    await Promise.all(
      run.models
        .filter((model) => model.status === 'done')
        .flatMap((model) => [
          this.counters.increment(key(run.teamId, 'runs'), model.modelId, 1),
          this.counters.increment(
            key(run.teamId, `latency:${model.modelId}`),
            latencyBucket(model.latencyMs ?? 0),
            1,
          ),
          ...(model.costUsd === undefined || billedHourly(model.invokeId)
            ? []
            : [
                this.counters.increment(
                  key(run.teamId, `cost:${model.modelId}`),
                  costBucket(model.costUsd),
                  1,
                ),
              ]),
        ]),
    );
  }

  async recordVerdict(run: CompareRun, verdict: Verdict): Promise<void> {
    const finished = run.models.filter((model) => model.status === 'done');
    // Only a finished answer can win: a timed-out model's partial answer is not a fair contest.
    const picked = typeof verdict === 'number' ? run.models[verdict] : undefined;
    const winner = picked?.status === 'done' ? picked : undefined;
    await Promise.all([
      ...finished.map((model) => this.counters.increment(key(run.teamId, 'contests'), model.modelId, 1)),
      ...(winner ? [this.counters.increment(key(run.teamId, 'wins'), winner.modelId, 1)] : []),
    ]);
  }

  /** A thumb up or down on one answer of `modelId`. */
  async recordFeedback(teamId: string, modelId: string, thumb: Thumb): Promise<void> {
    await this.counters.increment(key(teamId, `feedback-${thumb}`), modelId, 1);
  }

  /** Every model that ran in a compare or got a thumb, best first. */
  async standings(teamId: string): Promise<Standing[]> {
    const [wins, contests, runs, up, down] = await Promise.all(
      ['wins', 'contests', 'runs', 'feedback-up', 'feedback-down'].map((what) =>
        this.counters.readCounters(key(teamId, what)),
      ),
    );
    const models = [
      ...new Set([...Object.keys(runs ?? {}), ...Object.keys(up ?? {}), ...Object.keys(down ?? {})]),
    ];
    const histograms = await Promise.all(
      models.map((modelId) =>
        Promise.all([
          this.counters.readCounters(key(teamId, `latency:${modelId}`)),
          this.counters.readCounters(key(teamId, `cost:${modelId}`)),
        ]),
      ),
    );
    return models
      .map((modelId, index) => {
        const won = wins?.[modelId] ?? 0;
        const judged = contests?.[modelId] ?? 0;
        const [latency = {}, cost = {}] = histograms[index] ?? [];
        return {
          modelId,
          wins: won,
          contests: judged,
          winRate: judged > 0 ? won / judged : 0,
          runs: runs?.[modelId] ?? 0,
          medianLatencyMs: median(latency),
          medianCostUsd: median(cost),
          thumbsUp: up?.[modelId] ?? 0,
          thumbsDown: down?.[modelId] ?? 0,
        };
      })
      .sort(
        (a, b) =>
          b.wins - a.wins ||
          b.winRate - a.winRate ||
          b.runs - a.runs ||
          b.thumbsUp - b.thumbsDown - (a.thumbsUp - a.thumbsDown),
      );
  }
}
