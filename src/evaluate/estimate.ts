import type { PriceBook } from '../bedrock/pricing.js';
import { estimateTokens } from '../bedrock/token-estimate.js';
import type { PromptRow } from './prompt-set.js';

/** A model as the estimate prices it: its ID and the IDs its price may be listed under. */
interface PricedModel {
  modelId: string;
  /** The invoked ID first (a profile may be priced apart), then the model's. */
  priceIds: string[];
  /** The service tier it runs on, priced as Bedrock bills it (flex at a discount). */
  serviceTier?: string;
}

export interface EstimateInput {
  rows: readonly PromptRow[];
  models: readonly PricedModel[];
  judge?: PricedModel;
  pairwise: boolean;
  maxTokens: number;
  /** The rubric's text, sent to the judge with every answer that has no expected answer. */
  rubric: string;
}

/** What one model (or the judge) is expected to cost: `usd` undefined when its price is unknown. */
interface EstimateLine {
  modelId: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  usd?: number;
  /** Every answer running to the token limit: what it cannot exceed. */
  atMostUsd?: number;
}

export interface Estimate {
  models: EstimateLine[];
  judge?: EstimateLine;
  /** Undefined when any line's price is unknown: the sum of the known ones is then a floor, not a total. */
  totalUsd?: number;
  knownUsd: number;
  atMostUsd?: number;
  calls: number;
}

/**
 * The answer length assumed before anything is run: twice the expected answer when the row has one
 * (answers explain), else a typical answer of 400 tokens; never past the token limit.
 */
const TYPICAL_ANSWER_TOKENS = 400;
/** A judge's reply is two short lines. */
const JUDGE_REPLY_TOKENS = 60;
/** The judge's fixed instructions around the question and answers. */
const JUDGE_FRAME_TOKENS = 120;

function expectedAnswerTokens(row: PromptRow, maxTokens: number): number {
  const expected = row.expected ? 2 * estimateTokens(row.expected) + 20 : TYPICAL_ANSWER_TOKENS;
  return Math.min(maxTokens, expected);
}

const promptTokens = (row: PromptRow) => estimateTokens(`${row.system ?? ''}${row.prompt}`);

function line(
  prices: PriceBook,
  model: PricedModel,
  calls: number,
  input: number,
  output: number,
  atMostOutput: number,
  atMostInput = input,
): EstimateLine {
  const usd = prices.cost(model.priceIds, input, output, undefined, model.serviceTier);
  const atMostUsd = prices.cost(model.priceIds, atMostInput, atMostOutput, undefined, model.serviceTier);
  return { modelId: model.modelId, calls, inputTokens: input, outputTokens: output, usd, atMostUsd };
}

/** rows × models × expected tokens × price, the judge included: what Start will spend, before it is spent. */
export function estimateEvaluation(prices: PriceBook, input: EstimateInput): Estimate {
  const { rows, models, judge, maxTokens } = input;
  const promptIn = rows.reduce((sum, row) => sum + promptTokens(row), 0);
  const answerOut = rows.reduce((sum, row) => sum + expectedAnswerTokens(row, maxTokens), 0);
  const modelLines = models.map((model) =>
    line(prices, model, rows.length, promptIn, answerOut, rows.length * maxTokens),
  );
  let judgeLine: EstimateLine | undefined;
  if (judge) {
    const basis = (row: PromptRow) =>
      row.expected ? estimateTokens(row.expected) : estimateTokens(input.rubric);
    let calls = 0;
    let judgeIn = 0;
    let judgeInAtMost = 0;
    for (const row of rows) {
      const fixed = JUDGE_FRAME_TOKENS + promptTokens(row) + basis(row);
      const answer = expectedAnswerTokens(row, maxTokens);
      if (input.pairwise) {
        // Every pair of models, asked in both orders.
        const pairs = (models.length * (models.length - 1)) / 2;
        calls += 2 * pairs;
        judgeIn += 2 * pairs * (fixed + 2 * answer);
        judgeInAtMost += 2 * pairs * (fixed + 2 * maxTokens);
      } else {
        calls += models.length;
        judgeIn += models.length * (fixed + answer);
        judgeInAtMost += models.length * (fixed + maxTokens);
      }
    }
    judgeLine = line(
      prices,
      judge,
      calls,
      judgeIn,
      calls * JUDGE_REPLY_TOKENS,
      calls * JUDGE_REPLY_TOKENS,
      judgeInAtMost,
    );
  }
  const all = judgeLine ? [...modelLines, judgeLine] : modelLines;
  const known = all.every((entry) => entry.usd !== undefined);
  const knownUsd = all.reduce((sum, entry) => sum + (entry.usd ?? 0), 0);
  const atMost = all.every((entry) => entry.atMostUsd !== undefined)
    ? all.reduce((sum, entry) => sum + (entry.atMostUsd ?? 0), 0)
    : undefined;
  return {
    models: modelLines,
    judge: judgeLine,
    totalUsd: known ? knownUsd : undefined,
    knownUsd,
    atMostUsd: atMost,
    calls: all.reduce((sum, entry) => sum + entry.calls, 0),
  };
}
