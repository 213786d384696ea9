import { billedHourly } from '../bedrock/pricing.js';
import type { UsageGuard } from '../usage/guard.js';
import type { ModelUse, UsageLedger } from '../usage/ledger.js';
import type { Leaderboard } from './leaderboard.js';
import { summarize } from './summary.js';
import type { CompareRun } from './types.js';

/**
 * What a finished compare counts for: the requester's spend, their usage per model, and the
 * leaderboard's runs and medians.
 * The compare owns this booking, and only it: nothing else books a compare's spend.
 */
export class CompareBooking {
  constructor(
    private readonly deps: {
      spend: Pick<UsageGuard, 'recordSpend'>;
      leaderboard: Pick<Leaderboard, 'recordRun'>;
      usage: Pick<UsageLedger, 'record'>;
    },
  ) {}

  /**
   * The booking of one run, to call until it succeeds: each step is done once, so trying again after
   * a half-done try (the store went away in between) never counts anything twice.
   */
  of(run: CompareRun): () => Promise<void> {
    const steps = [
      () => this.deps.spend.recordSpend(run.teamId, run.userId, summarize(run).totalCostUsd),
      () => this.deps.leaderboard.recordRun(run),
      () => this.deps.usage.record(run.teamId, run.userId, modelUses(run)),
    ];
    const done = new Set<number>();
    return async () => {
      await Promise.all(
        steps.map(async (step, index) => {
          if (done.has(index)) return;
          await step();
          done.add(index);
        }),
      );
    };
  }
}

/**
 * The calls Bedrock charged for: finished models, and timed-out ones at their estimated cost; a call
 * through a Provisioned Throughput as billed by the hour.
 */
function modelUses(run: CompareRun): ModelUse[] {
  return run.models
    .filter((model) => model.status === 'done' || model.status === 'timed-out')
    .map((model) => ({
      modelId: model.modelId,
      inputTokens: model.inputTokens ?? 0,
      outputTokens: model.outputTokens ?? 0,
      ...(billedHourly(model.invokeId)
        ? { billedHourly: true }
        : { costUsd: model.costUsd ?? model.estimatedCostUsd }),
    }));
}
