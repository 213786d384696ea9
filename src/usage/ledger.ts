import { keys } from '../store/keys.js';
import type { CounterStore } from '../store/types.js';

/** One model call, as it is booked: what it read, wrote and cost (undefined: no known price). */
export interface ModelUse {
  modelId: string;
  inputTokens: number;
  outputTokens: number;
  costUsd?: number;
  /** Made through a Provisioned Throughput: paid by the hour, so it has no cost of its own. */
  billedHourly?: boolean;
}

/** One model's calls in a period. */
export interface ModelUsage {
  modelId: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  /** Of the calls with a known price; `unpricedRequests` says how many had none. */
  costUsd: number;
  unpricedRequests: number;
  /** Calls through a Provisioned Throughput, billed by the hour: in neither of the two above. */
  hourlyRequests: number;
}

/** Usage in a period: per model, most expensive first, and the totals. */
export interface UsageReport extends Omit<ModelUsage, 'modelId'> {
  models: ModelUsage[];
}

export type Period = 'day' | 'month';

/** Who the workspace's own totals are booked under, beside each person's (never a Slack user ID). */
export const WORKSPACE = 'workspace';

// Costs are counted in billionths of a dollar, so each is one atomic integer increment (HINCRBY)
// and a Nova Micro call of $0.0000042 still adds up exactly.
const NANO = 1e9;
const FIELDS = ['requests', 'input', 'output', 'cost', 'unpriced', 'hourly'] as const;
type Field = (typeof FIELDS)[number];

const periodOf = (now: Date, period: Period) => now.toISOString().slice(0, period === 'day' ? 10 : 7);

function keyOf(teamId: string, who: string, period: Period, now: Date) {
  const at = periodOf(now, period);
  return period === 'day' ? keys.dailyUsage(teamId, who, at) : keys.monthlyUsage(teamId, who, at);
}

/**
 * Requests, tokens and cost per model, per person and for the workspace, by UTC day and month: what
 * App Home shows. Booked by the use case that owns a call's cost (a compare's booking, a chat turn).
 */
export class UsageLedger {
  constructor(
    private readonly counters: CounterStore,
    private readonly now: () => Date = () => new Date(),
    /** Told after each booking, so what shows usage (App Home) can be brought up to date. */
    private readonly onRecorded: (teamId: string, userId: string) => void = () => {},
  ) {}

  async record(teamId: string, userId: string, uses: ModelUse[]): Promise<void> {
    if (uses.length === 0) return;
    const now = this.now();
    const targets = [userId, WORKSPACE].flatMap((who) =>
      (['day', 'month'] as const).map((period) => keyOf(teamId, who, period, now)),
    );
    await Promise.all(
      targets.flatMap(({ key, ttlSeconds }) =>
        uses.flatMap((use) => {
          const add = (field: Field, by: number) =>
            by === 0 ? [] : [this.counters.increment(key, `${use.modelId}|${field}`, by, ttlSeconds)];
          return [
            ...add('requests', 1),
            ...add('input', use.inputTokens),
            ...add('output', use.outputTokens),
            ...(use.billedHourly
              ? add('hourly', 1)
              : use.costUsd === undefined
                ? add('unpriced', 1)
                : add('cost', Math.round(use.costUsd * NANO))),
          ];
        }),
      ),
    );
    this.onRecorded(teamId, userId);
  }

  /** `who`'s usage (a user ID, or WORKSPACE) in the current UTC day or month. */
  async report(teamId: string, who: string, period: Period): Promise<UsageReport> {
    const counted = await this.counters.readCounters(keyOf(teamId, who, period, this.now()).key);
    const byModel = new Map<string, Record<Field, number>>();
    for (const [name, value] of Object.entries(counted)) {
      const cut = name.lastIndexOf('|');
      const modelId = name.slice(0, cut);
      const field = name.slice(cut + 1) as Field;
      if (!FIELDS.includes(field)) continue;
      const entry = byModel.get(modelId) ?? {
        requests: 0,
        input: 0,
        output: 0,
        cost: 0,
        unpriced: 0,
        hourly: 0,
      };
      entry[field] += value;
      byModel.set(modelId, entry);
    }
    const models = [...byModel].map(([modelId, entry]) => ({
      modelId,
      requests: entry.requests,
      inputTokens: entry.input,
      outputTokens: entry.output,
      costUsd: entry.cost / NANO,
      unpricedRequests: entry.unpriced,
      hourlyRequests: entry.hourly,
    }));
    models.sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests);
    const sum = (pick: (model: ModelUsage) => number) =>
      models.reduce((total, model) => total + pick(model), 0);
    return {
      models,
      requests: sum((model) => model.requests),
      inputTokens: sum((model) => model.inputTokens),
      outputTokens: sum((model) => model.outputTokens),
      costUsd: sum((model) => model.costUsd),
      unpricedRequests: sum((model) => model.unpricedRequests),
      hourlyRequests: sum((model) => model.hourlyRequests),
    };
  }
}
