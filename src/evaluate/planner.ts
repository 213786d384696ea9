import { randomUUID } from 'node:crypto';
import { type Catalog, producesText, type ResolvedModel } from '../bedrock/catalog.js';
import { contextWindowOf } from '../bedrock/context-windows.js';
import { formatUsd, type PriceBook } from '../bedrock/pricing.js';
import { offersTier, parseTier, type RequestedTier, withTier } from '../bedrock/service-tiers.js';
import { estimateTokens } from '../bedrock/token-estimate.js';
import { failed, ok, problem, type Result } from '../result.js';
import { type Estimate, estimateEvaluation } from './estimate.js';
import type { EvaluatedModel, EvaluationPlan, Evaluations } from './evaluations.js';
import { DEFAULT_RUBRIC } from './judge.js';
import { parsePromptSet } from './prompt-set.js';
import type { EvaluateCommand } from './request.js';

export interface PlannerDeps {
  catalog: { load(): Promise<Catalog> };
  prices: PriceBook;
  evaluations: Evaluations;
  budget: { budget(teamId: string, userId: string): Promise<{ spentUsd: number; capUsd: number }> };
  maxRows: number;
  maxModels: number;
  defaultMaxTokens: number;
}

/** Who asks and where the evaluation's thread is. */
export interface PlanPlace {
  teamId: string;
  userId: string;
  channelId: string;
  threadTs: string;
}

export interface PlannedEvaluation {
  plan: EvaluationPlan;
  estimate: Estimate;
  /** Today's spend before it, and the cap, to show beside the estimate. */
  budget: { spentUsd: number; capUsd: number };
}

const invalid = (message: string) => failed(problem('invalid', message));

/** A model resolved for an evaluation, on the tier it runs on. */
type TieredModel = ResolvedModel & { serviceTier?: RequestedTier };

function asEvaluated(resolved: TieredModel): EvaluatedModel {
  return {
    modelId: resolved.model.modelId,
    invokeId: resolved.invokeId,
    name: withTier(resolved.model.name, resolved.serviceTier),
    serviceTier: resolved.serviceTier,
  };
}

/**
 * The tier a model runs on: the one named (`gpt-oss-120b@priority`), else flex where the model
 * offers it (half price; an evaluation can wait), else Bedrock's standard tier.
 */
function tierFor(
  model: ResolvedModel['model'],
  tierWord: string | undefined,
): { tier?: RequestedTier } | { problem: string } {
  if (tierWord === undefined) return { tier: offersTier(model.modelId, 'flex') ? 'flex' : undefined };
  const tier = parseTier(tierWord);
  if (!tier)
    return {
      problem: `\`@${tierWord}\` is not a Bedrock service tier: add \`@flex\`, \`@priority\` or \`@standard\` to a model name.`,
    };
  if (!offersTier(model.modelId, tier))
    return {
      problem: `${model.name} is not offered on the ${tier} tier: Bedrock serves it on the standard tier only.`,
    };
  return { tier: tier === 'default' ? undefined : tier };
}

/**
 * Turns `evaluate …` and a prompt set into a plan with its estimate, or the first thing wrong with
 * them, before any model is called: the file, the models, the judge, a row too long for a model's
 * context window, and an estimate that would pass the person's daily cap.
 */
export class EvaluationPlanner {
  constructor(private readonly deps: PlannerDeps) {}

  private resolveModels(catalog: Catalog, words: string[], role: 'model' | 'judge'): Result<TieredModel[]> {
    const resolved: TieredModel[] = [];
    for (const word of words) {
      const [name = word, tierWord] = word.split('@');
      const found = catalog.resolve(name);
      if (!found.ok) {
        const hint = found.suggestions.length
          ? ` Did you mean ${found.suggestions.map((name) => `\`${name}\``).join(', ')}?`
          : '';
        return invalid(`I don't know the ${role} \`${word}\`.${hint}`);
      }
      if (!producesText(found.resolved.model))
        return invalid(
          `\`${word}\` (${found.resolved.model.name}) is not a text model: it makes ${found.resolved.model.outputModalities.join(', ').toLowerCase()}, so it cannot ${role === 'judge' ? 'judge answers' : 'answer prompts'}.`,
        );
      const tier = tierFor(found.resolved.model, tierWord);
      if ('problem' in tier) return invalid(tier.problem);
      // The same model on two tiers is two contenders; named twice on one tier, it runs once.
      const same = (entry: TieredModel) =>
        entry.model.modelId === found.resolved.model.modelId && entry.serviceTier === tier.tier;
      if (!resolved.some(same)) resolved.push({ ...found.resolved, serviceTier: tier.tier });
    }
    return ok(resolved);
  }

  async prepare(
    place: PlanPlace,
    command: EvaluateCommand,
    file: { name: string; text: string },
  ): Promise<Result<PlannedEvaluation>> {
    const deps = this.deps;
    const parsed = parsePromptSet(file.name, file.text, deps.maxRows);
    if (!parsed.ok) return parsed;
    const catalog = await deps.catalog.load();
    const models = this.resolveModels(catalog, command.models, 'model');
    if (!models.ok) return models;
    if (models.value.length > deps.maxModels)
      return invalid(
        `An evaluation takes at most ${deps.maxModels} models; you named ${models.value.length}.`,
      );
    if (command.pairwise && models.value.length < 2)
      return invalid('`--pairwise` compares models two by two: name at least two.');
    const judge = command.judge ? this.resolveModels(catalog, [command.judge], 'judge') : ok([]);
    if (!judge.ok) return judge;
    const maxTokens = command.maxTokens ?? deps.defaultMaxTokens;
    const rows = parsed.value.map((row) => ({ ...row, checks: [...command.checks, ...row.checks] }));
    const tooLong = this.overContextWindow(rows, models.value, maxTokens);
    if (tooLong) return invalid(tooLong);
    const rubric = command.rubric ?? DEFAULT_RUBRIC;
    const judgeModel = judge.value[0] ? asEvaluated(judge.value[0]) : undefined;
    const evaluated = models.value.map(asEvaluated);
    const estimate = estimateEvaluation(deps.prices, {
      rows,
      models: evaluated.map((model) => ({
        modelId: model.modelId,
        priceIds: [model.invokeId, model.modelId],
        serviceTier: model.serviceTier,
      })),
      judge: judgeModel
        ? {
            modelId: judgeModel.modelId,
            priceIds: [judgeModel.invokeId, judgeModel.modelId],
            serviceTier: judgeModel.serviceTier,
          }
        : undefined,
      pairwise: command.pairwise,
      maxTokens,
      rubric,
    });
    const budget = await deps.budget.budget(place.teamId, place.userId);
    const capProblem = this.passesCap(estimate, budget);
    if (capProblem) return failed(problem('limited', capProblem));
    const plan: EvaluationPlan = {
      id: randomUUID(),
      ...place,
      setName: file.name,
      rows,
      models: evaluated,
      judge: judgeModel,
      pairwise: command.pairwise,
      rubric,
      maxTokens,
      estimateUsd: estimate.totalUsd,
      createdAt: Date.now(),
    };
    await deps.evaluations.savePlan(plan);
    return ok({ plan, estimate, budget });
  }

  /** The first row whose prompt and longest answer do not fit a model's context window. */
  private overContextWindow(
    rows: EvaluationPlan['rows'],
    models: TieredModel[],
    maxTokens: number,
  ): string | undefined {
    for (const row of rows) {
      const tokens = estimateTokens(`${row.system ?? ''}${row.prompt}`) + maxTokens;
      for (const model of models) {
        const window = contextWindowOf(model.model.modelId);
        if (tokens > window)
          return `Row ${row.row}, column \`prompt\`: about ${tokens.toLocaleString('en-US')} tokens with its answer, over ${model.model.name}'s context window of ${window.toLocaleString('en-US')} tokens. Shorten the prompt or lower \`--max-tokens\`.`;
      }
    }
    return undefined;
  }

  /** Refused with the estimate when it would take today's spend past the cap. */
  private passesCap(estimate: Estimate, budget: { spentUsd: number; capUsd: number }): string | undefined {
    if (budget.capUsd <= 0) return undefined;
    const expected = estimate.totalUsd ?? estimate.knownUsd;
    if (budget.spentUsd + expected <= budget.capUsd) return undefined;
    const left = Math.max(0, budget.capUsd - budget.spentUsd);
    return `This evaluation is estimated at ${formatUsd(expected, { estimate: true })}${estimate.totalUsd === undefined ? ' (and more: some prices are unknown)' : ''}, more than the ${formatUsd(left)} left of your daily budget (${formatUsd(budget.spentUsd)} of ${formatUsd(budget.capUsd)} spent). Use fewer rows or models, a cheaper judge, or wait for midnight UTC.`;
  }
}
