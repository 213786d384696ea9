import { stringify } from 'csv-stringify/sync';
import { type Comparison, type Rating, rateModels } from './bradley-terry.js';
import {
  type AnswerResult,
  answerUnit,
  type EvaluationPlan,
  type PairResult,
  type UnitResult,
} from './evaluations.js';
import { type MeanInterval, meanInterval, percentile } from './statistics.js';

/** One model's row of the results table. */
interface ModelSummary {
  modelId: string;
  name: string;
  /** Rows it answered in full, and rows it failed (an error, a timeout). */
  answered: number;
  failed: number;
  /** Answers whose every check held, of the answers that had checks; undefined without checks. */
  passRate?: number;
  checked: number;
  judge?: MeanInterval;
  latencyP50Ms?: number;
  latencyP95Ms?: number;
  inputTokens: number;
  outputTokens: number;
  /** Its answers' cost, the judge's not included; undefined when any price is unknown. */
  costUsd?: number;
  costPer1000Usd?: number;
  /** Pairwise mode: the judge's verdicts on this model's pairs. */
  pairs?: { wins: number; ties: number; losses: number };
}

type Column =
  | 'passRate'
  | 'judge'
  | 'latencyP50Ms'
  | 'latencyP95Ms'
  | 'costUsd'
  | 'costPer1000Usd'
  | 'rating';

export interface EvaluationSummary {
  models: ModelSummary[];
  /** Which models are best in each column (ties share it); a column nobody has is absent. */
  best: Partial<Record<Column, string[]>>;
  /** Pairwise mode: Bradley–Terry ratings from the judge's verdicts. */
  ratings?: Rating[];
  judgeCostUsd?: number;
  /** Everything spent, judge included; undefined when any price is unknown. */
  totalCostUsd?: number;
  /** What was spent on prices that are known, when the total is not. */
  knownCostUsd: number;
  answersDone: number;
  answersTotal: number;
}

const answersOf = (results: ReadonlyMap<string, UnitResult>) =>
  [...results.values()].filter((result): result is AnswerResult => result.kind === 'answer');

const pairsOf = (results: ReadonlyMap<string, UnitResult>) =>
  [...results.values()].filter((result): result is PairResult => result.kind === 'pair');

/** A sum that stays undefined (unknown) once one part is unknown. */
function sumKnown(values: readonly (number | undefined)[]): number | undefined {
  return values.reduce<number | undefined>(
    (sum, value) => (sum === undefined || value === undefined ? undefined : sum + value),
    0,
  );
}

function summarizeModel(
  plan: EvaluationPlan,
  index: number,
  answers: AnswerResult[],
  pairs: PairResult[],
): ModelSummary {
  const model = plan.models[index] as EvaluationPlan['models'][number];
  const own = answers.filter((answer) => answer.model === index);
  const ok = own.filter((answer) => answer.ok);
  const withChecks = own.filter((answer) => answer.checks.length > 0);
  const scores = own.flatMap((answer) => (answer.judge?.score === undefined ? [] : [answer.judge.score]));
  const latencies = ok.map((answer) => answer.latencyMs);
  const costUsd = own.length > 0 ? sumKnown(own.map((answer) => answer.costUsd)) : undefined;
  const mine = pairs.filter((pair) => pair.verdict && (pair.x === index || pair.y === index));
  const won = (pair: PairResult) => (pair.x === index ? pair.verdict === 'x' : pair.verdict === 'y');
  return {
    modelId: model.modelId,
    name: model.name,
    answered: ok.length,
    failed: own.length - ok.length,
    passRate:
      withChecks.length > 0
        ? withChecks.filter((answer) => answer.checks.every((check) => check.passed)).length /
          withChecks.length
        : undefined,
    checked: withChecks.length,
    judge: meanInterval(scores),
    latencyP50Ms: percentile(latencies, 50),
    latencyP95Ms: percentile(latencies, 95),
    inputTokens: own.reduce((sum, answer) => sum + (answer.inputTokens ?? 0), 0),
    outputTokens: own.reduce((sum, answer) => sum + (answer.outputTokens ?? 0), 0),
    costUsd,
    costPer1000Usd: costUsd === undefined || own.length === 0 ? undefined : (costUsd / own.length) * 1000,
    pairs: plan.pairwise
      ? {
          wins: mine.filter(won).length,
          ties: mine.filter((pair) => pair.verdict === 'tie').length,
          losses: mine.filter((pair) => pair.verdict !== 'tie' && !won(pair)).length,
        }
      : undefined,
  };
}

function bestOf(models: ModelSummary[], ratings: Rating[] | undefined): EvaluationSummary['best'] {
  const best: EvaluationSummary['best'] = {};
  const mark = (
    column: Column,
    value: (model: ModelSummary) => number | undefined,
    higherIsBetter: boolean,
  ) => {
    const known = models.flatMap((model) => {
      const figure = value(model);
      return figure === undefined ? [] : [{ modelId: model.modelId, figure }];
    });
    if (known.length < 2) return;
    const top = higherIsBetter
      ? Math.max(...known.map((entry) => entry.figure))
      : Math.min(...known.map((entry) => entry.figure));
    const leaders = known.filter((entry) => entry.figure === top).map((entry) => entry.modelId);
    // When every model shares the best figure, the column has no best to mark.
    if (leaders.length < known.length) best[column] = leaders;
  };
  mark('passRate', (model) => model.passRate, true);
  mark('judge', (model) => model.judge?.mean, true);
  mark('latencyP50Ms', (model) => model.latencyP50Ms, false);
  mark('latencyP95Ms', (model) => model.latencyP95Ms, false);
  mark('costUsd', (model) => model.costUsd, false);
  mark('costPer1000Usd', (model) => model.costPer1000Usd, false);
  if (ratings && ratings.length >= 2) best.rating = [ratings[0]?.modelId as string];
  return best;
}

/** The pairwise verdicts as comparisons between model IDs, for the ratings and the arena's board. */
function judgeComparisons(plan: EvaluationPlan, results: ReadonlyMap<string, UnitResult>): Comparison[] {
  return pairsOf(results).flatMap((pair) =>
    pair.verdict
      ? [
          {
            a: plan.models[pair.x]?.modelId as string,
            b: plan.models[pair.y]?.modelId as string,
            winner:
              pair.verdict === 'x'
                ? ('a' as const)
                : pair.verdict === 'y'
                  ? ('b' as const)
                  : ('tie' as const),
          },
        ]
      : [],
  );
}

/**
 * Each judged pair as a head-to-head outcome with its row's tags, for the arena's ratings, which rank
 * models: a pair of two tiers of one model is left out, a model being no opponent of its own.
 */
export function judgedPairs(
  plan: EvaluationPlan,
  results: ReadonlyMap<string, UnitResult>,
): { unit: string; comparison: Comparison; tags: string[] }[] {
  return [...results.entries()].flatMap(([unit, result]) => {
    if (result.kind !== 'pair' || !result.verdict) return [];
    const [comparison] = judgeComparisons(plan, new Map([[unit, result]]));
    const tags = plan.rows.find((row) => row.row === result.row)?.tags ?? [];
    return comparison && comparison.a !== comparison.b ? [{ unit, comparison, tags }] : [];
  });
}

export function summarize(plan: EvaluationPlan, results: ReadonlyMap<string, UnitResult>): EvaluationSummary {
  const answers = answersOf(results);
  const pairs = pairsOf(results);
  const models = plan.models.map((_, index) => summarizeModel(plan, index, answers, pairs));
  const comparisons = judgeComparisons(plan, results);
  const ratings = plan.pairwise && comparisons.length > 0 ? rateModels(comparisons) : undefined;
  const judgeCosts = [
    ...answers.flatMap((answer) => (answer.judge ? [answer.judge.costUsd] : [])),
    ...pairs.map((pair) => pair.costUsd),
  ];
  const judgeCostUsd = plan.judge ? sumKnown(judgeCosts) : undefined;
  const allCosts = [...answers.map((answer) => answer.costUsd), ...judgeCosts];
  return {
    models,
    best: bestOf(models, ratings),
    ratings,
    judgeCostUsd,
    totalCostUsd: sumKnown(allCosts),
    knownCostUsd: allCosts.reduce<number>((sum, cost) => sum + (cost ?? 0), 0),
    answersDone: answers.length,
    answersTotal: plan.rows.length * plan.models.length,
  };
}

export interface Progress {
  done: number;
  total: number;
  knownCostUsd: number;
  /** True when some cost so far is unknown: the figure is then a floor. */
  costUnknown: boolean;
  /** From the pace so far; undefined until a row is done. */
  etaMs?: number;
}

export function progressOf(
  plan: EvaluationPlan,
  results: ReadonlyMap<string, UnitResult>,
  startedAt: number,
  now: number,
): Progress {
  const answers = answersOf(results);
  const total = plan.rows.length * plan.models.length;
  const done = answers.length;
  const costs = [...results.values()].flatMap((result) =>
    result.kind === 'answer'
      ? [result.costUsd, ...(result.judge ? [result.judge.costUsd] : [])]
      : [result.costUsd],
  );
  const elapsed = now - startedAt;
  return {
    done,
    total,
    knownCostUsd: costs.reduce<number>((sum, cost) => sum + (cost ?? 0), 0),
    costUnknown: costs.some((cost) => cost === undefined),
    etaMs: done > 0 && done < total ? (elapsed / done) * (total - done) : undefined,
  };
}

/** One bad answer worth a look: a failed call, a low judge score, failed checks. */
export interface WorstRow {
  row: number;
  model: number;
  why: string;
}

/** The answers most worth reading first: failures, then the lowest scores, then the most failed checks. */
export function worstRows(results: ReadonlyMap<string, UnitResult>, count: number): WorstRow[] {
  const badness = (answer: AnswerResult) =>
    (answer.ok ? 0 : 100) +
    (answer.judge?.score === undefined ? 0 : (5 - answer.judge.score) * 10) +
    answer.checks.filter((check) => !check.passed).length;
  return answersOf(results)
    .filter((answer) => badness(answer) > 0)
    .sort((a, b) => badness(b) - badness(a) || a.row - b.row || a.model - b.model)
    .slice(0, count)
    .map((answer) => {
      const failedChecks = answer.checks.filter((check) => !check.passed);
      const why = !answer.ok
        ? (answer.error ?? 'failed')
        : [
            answer.judge?.score === undefined
              ? undefined
              : `judge ${answer.judge.score}/5: ${answer.judge.reason ?? ''}`.trim(),
            failedChecks.length > 0
              ? `failed ${failedChecks.map((check) => `\`${check.check}\``).join(', ')}`
              : undefined,
          ]
            .filter(Boolean)
            .join('; ');
      return { row: answer.row, model: answer.model, why };
    });
}

/** The full results, one line per row × model, as a CSV a spreadsheet opens. */
export function resultsCsv(plan: EvaluationPlan, results: ReadonlyMap<string, UnitResult>): string {
  const lines = plan.rows.flatMap((row) =>
    plan.models.map((model, index) => {
      const answer = results.get(answerUnit(row.row, index)) as AnswerResult | undefined;
      return {
        row: row.row,
        tags: row.tags.join(' '),
        prompt: row.prompt,
        expected: row.expected ?? '',
        model: model.modelId,
        status: answer === undefined ? 'not run' : answer.ok ? 'answered' : 'failed',
        answer: answer?.text ?? '',
        error: answer?.error ?? '',
        checks_passed: answer ? answer.checks.filter((check) => check.passed).length : '',
        checks_failed: answer
          ? answer.checks
              .filter((check) => !check.passed)
              .map((check) => check.check)
              .join('; ')
          : '',
        judge_score: answer?.judge?.score ?? '',
        judge_reason: answer?.judge?.reason ?? answer?.judge?.error ?? '',
        latency_ms: answer ? Math.round(answer.latencyMs) : '',
        first_token_ms: answer?.firstTokenMs === undefined ? '' : Math.round(answer.firstTokenMs),
        input_tokens: answer?.inputTokens ?? '',
        output_tokens: answer?.outputTokens ?? '',
        // An unknown price is left empty, never written as 0.
        cost_usd: answer?.costUsd ?? '',
        judge_cost_usd: answer?.judge?.costUsd ?? '',
      };
    }),
  );
  return stringify(lines, { header: true });
}
