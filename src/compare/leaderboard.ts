import { billedHourly } from '../bedrock/pricing.js';
import { keys } from '../store/keys.js';
import type { CounterStore } from '../store/types.js';
import type { CompareRun, ModelRun, Verdict } from './types.js';

/** One service tier's own speed and price: a flex or priority call is slower or faster, cheaper or dearer. */
interface TierFigures {
  tier: string;
  runs: number;
  medianLatencyMs?: number;
  medianCostUsd?: number;
}

/**
 * A model's standing. Its answers are judged as the model's whatever tier served them (a tier
 * changes how fast and at what price a model answers, not what it answers), so wins, contests and
 * thumbs are the model's; its medians are the standard tier's, and `tiers` the other tiers' own.
 */
export interface Standing {
  modelId: string;
  wins: number;
  /** Verdicts given on compares this model finished in. */
  contests: number;
  winRate: number;
  /** Finished answers on every tier. */
  runs: number;
  medianLatencyMs?: number;
  medianCostUsd?: number;
  /** The flex and priority tiers it ran on, each with its own runs and medians. */
  tiers: TierFigures[];
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

/**
 * Whose latency and cost a finished answer is: its model's on the standard tier (where every sample
 * went before tiers were kept apart), `<model>@<tier>` on the tier Bedrock says served it.
 */
function figuresOf(model: ModelRun): string {
  const tier = model.servedTier ?? model.serviceTier;
  return tier && tier !== 'default' ? `${model.modelId}@${tier}` : model.modelId;
}

/** Each model once: two tiers of one model in a compare are one contender for the verdict. */
const distinctModels = (models: ModelRun[]) => [...new Set(models.map((model) => model.modelId))];

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

  /** Counts each finished model of a compare, with its latency and cost under the tier that served it. */
  async recordRun(run: CompareRun): Promise<void> {
    await Promise.all(
      run.models
        .filter((model) => model.status === 'done')
        .flatMap((model) => {
          const figures = figuresOf(model);
          return [
            this.counters.increment(key(run.teamId, 'runs'), model.modelId, 1),
            ...(figures === model.modelId
              ? []
              : [this.counters.increment(key(run.teamId, 'tier-runs'), figures, 1)]),
            this.counters.increment(
              key(run.teamId, `latency:${figures}`),
              latencyBucket(model.latencyMs ?? 0),
              1,
            ),
            ...(model.costUsd === undefined || billedHourly(model.invokeId)
              ? []
              : [this.counters.increment(key(run.teamId, `cost:${figures}`), costBucket(model.costUsd), 1)]),
          ];
        }),
    );
  }

  async recordVerdict(run: CompareRun, verdict: Verdict): Promise<void> {
    const finished = run.models.filter((model) => model.status === 'done');
    // Only a finished answer can win: a timed-out model's partial answer is not a fair contest.
    const picked = typeof verdict === 'number' ? run.models[verdict] : undefined;
    const winner = picked?.status === 'done' ? picked : undefined;
    await Promise.all([
      ...distinctModels(finished).map((modelId) =>
        this.counters.increment(key(run.teamId, 'contests'), modelId, 1),
      ),
      ...(winner ? [this.counters.increment(key(run.teamId, 'wins'), winner.modelId, 1)] : []),
    ]);
  }

  /** A thumb up or down on one answer of `modelId`. */
  async recordFeedback(teamId: string, modelId: string, thumb: Thumb): Promise<void> {
    await this.counters.increment(key(teamId, `feedback-${thumb}`), modelId, 1);
  }

  /** Every model that ran in a compare or got a thumb, best first. */
  async standings(teamId: string): Promise<Standing[]> {
    const [wins, contests, runs, tierRuns, up, down] = await Promise.all(
      ['wins', 'contests', 'runs', 'tier-runs', 'feedback-up', 'feedback-down'].map((what) =>
        this.counters.readCounters(key(teamId, what)),
      ),
    );
    const models = [
      ...new Set([...Object.keys(runs ?? {}), ...Object.keys(up ?? {}), ...Object.keys(down ?? {})]),
    ];
    const tiered = Object.keys(tierRuns ?? {}).sort();
    const medians = new Map(
      await Promise.all(
        [...models, ...tiered].map(async (figures) => {
          const [latency, cost] = await Promise.all([
            this.counters.readCounters(key(teamId, `latency:${figures}`)),
            this.counters.readCounters(key(teamId, `cost:${figures}`)),
          ]);
          return [figures, { medianLatencyMs: median(latency), medianCostUsd: median(cost) }] as const;
        }),
      ),
    );
    return models
      .map((modelId) => {
        const won = wins?.[modelId] ?? 0;
        const judged = contests?.[modelId] ?? 0;
        return {
          modelId,
          wins: won,
          contests: judged,
          winRate: judged > 0 ? won / judged : 0,
          runs: runs?.[modelId] ?? 0,
          ...medians.get(modelId),
          tiers: tiered
            .filter((figures) => figures.startsWith(`${modelId}@`))
            .map((figures) => ({
              tier: figures.slice(modelId.length + 1),
              runs: tierRuns?.[figures] ?? 0,
              ...medians.get(figures),
            })),
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
