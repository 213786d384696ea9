import { billedHourly } from '../bedrock/pricing.js';
import type { CompareRun, CompareSummary, ModelRun } from './types.js';

function best(runs: ModelRun[], value: (run: ModelRun) => number | undefined, lowest: boolean) {
  let winner: ModelRun | undefined;
  for (const run of runs) {
    const candidate = value(run);
    if (candidate === undefined) continue;
    const current = winner ? value(winner) : undefined;
    if (current === undefined || (lowest ? candidate < current : candidate > current)) winner = run;
  }
  return winner;
}

/**
 * Fastest, cheapest and longest among the models that finished: a timed-out model's figures are
 * partial. Costs leave out the calls billed by the hour, judged by the invoked ID, so a run stored
 * while they were still priced per token reads true too.
 */
export function summarize(run: CompareRun): CompareSummary {
  const done = run.models.filter((model) => model.status === 'done');
  const hourly = (model: ModelRun) => billedHourly(model.invokeId);
  const perToken = run.models.filter((model) => !hourly(model));
  return {
    fastestFirstToken: best(done, (model) => model.firstTokenMs, true),
    fastestOverall: best(done, (model) => model.latencyMs, true),
    cheapest: best(
      done.filter((model) => !hourly(model)),
      (model) => model.costUsd,
      true,
    ),
    // The answer's own tokens: a model's reasoning makes it think longer, not answer longer.
    longest: best(done, (model) => model.answerTokens ?? model.outputTokens, false),
    totalCostUsd: perToken.reduce((sum, model) => sum + (model.costUsd ?? model.estimatedCostUsd ?? 0), 0),
    costEstimated: perToken.some((model) => model.estimatedCostUsd !== undefined),
    costIncomplete: perToken.some(
      (model) =>
        (model.status === 'done' && model.costUsd === undefined) ||
        (model.status === 'timed-out' && model.estimatedCostUsd === undefined),
    ),
    billedHourly: run.models.filter(
      (model) => hourly(model) && (model.status === 'done' || model.status === 'timed-out'),
    ),
  };
}
