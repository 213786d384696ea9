import { describe, expect, it } from 'vitest';
import { PriceBook } from '../../src/bedrock/pricing.js';
import { estimateEvaluation } from '../../src/evaluate/estimate.js';
import type { PromptRow } from '../../src/evaluate/prompt-set.js';

// $1 per million tokens in, $2 out: easy sums.
const prices = new PriceBook({
  cheap: { inputPerMillionUsd: 1, outputPerMillionUsd: 2 },
  judge: { inputPerMillionUsd: 3, outputPerMillionUsd: 15 },
});
const row = (prompt: string, expected?: string): PromptRow => ({
  row: 1,
  prompt,
  expected,
  tags: [],
  checks: [],
});
const model = (id: string) => ({ modelId: id, priceIds: [id] });

describe('the cost estimate', () => {
  it('is rows × models × expected tokens × price, with what it cannot exceed', () => {
    // 30 characters = 10 tokens in; no expected answer: 400 tokens out assumed.
    const rows = [row('x'.repeat(30)), row('x'.repeat(30))];
    const estimate = estimateEvaluation(prices, {
      rows,
      models: [model('cheap'), model('cheap')],
      pairwise: false,
      maxTokens: 1000,
      rubric: '',
    });
    expect(estimate.models[0]).toMatchObject({ calls: 2, inputTokens: 20, outputTokens: 800 });
    // (20 × 1 + 800 × 2) / 1e6 per model, two models
    expect(estimate.totalUsd).toBeCloseTo((2 * (20 + 1600)) / 1e6, 12);
    expect(estimate.atMostUsd).toBeCloseTo((2 * (20 + 2 * 2000)) / 1e6, 12);
    expect(estimate.calls).toBe(4);
  });

  it('assumes twice the expected answer when a row has one, never past the token limit', () => {
    const rows = [row('q', 'x'.repeat(300))];
    const short = estimateEvaluation(prices, {
      rows,
      models: [model('cheap')],
      pairwise: false,
      maxTokens: 1000,
      rubric: '',
    });
    const capped = estimateEvaluation(prices, {
      rows,
      models: [model('cheap')],
      pairwise: false,
      maxTokens: 50,
      rubric: '',
    });
    expect(short.models[0]?.outputTokens).toBe(220);
    expect(capped.models[0]?.outputTokens).toBe(50);
  });

  it('counts the judge: one call per answer, or every pair in both orders in pairwise mode', () => {
    const rows = [row('q'), row('q')];
    const models = [model('cheap'), model('cheap'), model('cheap')];
    const scored = estimateEvaluation(prices, {
      rows,
      models,
      judge: model('judge'),
      pairwise: false,
      maxTokens: 100,
      rubric: 'r',
    });
    const pairwise = estimateEvaluation(prices, {
      rows,
      models,
      judge: model('judge'),
      pairwise: true,
      maxTokens: 100,
      rubric: 'r',
    });
    expect(scored.judge?.calls).toBe(6);
    expect(pairwise.judge?.calls).toBe(12);
    expect(scored.totalUsd).toBeGreaterThan(scored.knownUsd - 1e-12);
    expect(scored.judge?.usd).toBeGreaterThan(0);
  });

  it('prices a model on the flex tier at half the standard price, as Bedrock bills it', () => {
    const input = { rows: [row('q')], pairwise: false, maxTokens: 100, rubric: '' };
    const standard = estimateEvaluation(prices, { ...input, models: [model('cheap')] });
    const flex = estimateEvaluation(prices, {
      ...input,
      models: [{ ...model('cheap'), serviceTier: 'flex' }],
    });
    expect(flex.totalUsd).toBeCloseTo((standard.totalUsd ?? 0) / 2, 12);
  });

  it('has no total when a price is unknown: the known part is a floor, never $0 for the rest', () => {
    const estimate = estimateEvaluation(prices, {
      rows: [row('q')],
      models: [model('cheap'), model('mystery')],
      pairwise: false,
      maxTokens: 100,
      rubric: '',
    });
    expect(estimate.totalUsd).toBeUndefined();
    expect(estimate.models[1]?.usd).toBeUndefined();
    expect(estimate.knownUsd).toBeGreaterThan(0);
  });
});
