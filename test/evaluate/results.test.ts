import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
  type AnswerResult,
  answerUnit,
  type EvaluationPlan,
  pairUnit,
  type UnitResult,
} from '../../src/evaluate/evaluations.js';
import { judgedPairs, progressOf, resultsCsv, summarize, worstRows } from '../../src/evaluate/results.js';

const plan: EvaluationPlan = {
  id: 'E1',
  teamId: 'T1',
  channelId: 'C1',
  threadTs: '1.0',
  userId: 'U1',
  setName: 'set.csv',
  rows: [1, 2].map((row) => ({ row, prompt: `Prompt ${row}, "quoted"`, tags: ['geo'], checks: [] })),
  models: [
    { modelId: 'fast', invokeId: 'fast', name: 'Fast' },
    { modelId: 'good', invokeId: 'good', name: 'Good' },
  ],
  pairwise: false,
  rubric: '',
  maxTokens: 100,
  createdAt: 0,
};

const answer = (row: number, model: number, more: Partial<AnswerResult>): [string, UnitResult] => [
  answerUnit(row, model),
  {
    kind: 'answer',
    row,
    model,
    ok: true,
    text: 'text',
    latencyMs: 100,
    inputTokens: 10,
    outputTokens: 20,
    costUsd: 0.001,
    checks: [],
    finishedAt: 0,
    ...more,
  },
];

const results = new Map<string, UnitResult>([
  answer(1, 0, {
    latencyMs: 100,
    judge: { score: 3, reason: 'vague' },
    checks: [{ check: 'json', passed: false, why: 'is not valid JSON' }],
  }),
  answer(2, 0, {
    latencyMs: 200,
    judge: { score: 2, reason: 'wrong' },
    checks: [{ check: 'json', passed: true }],
  }),
  answer(1, 1, {
    latencyMs: 900,
    costUsd: undefined,
    judge: { score: 5, reason: 'right' },
    checks: [{ check: 'json', passed: true }],
  }),
  answer(2, 1, {
    ok: false,
    text: '',
    error: 'The model timed out after 120 s',
    latencyMs: 120_000,
    checks: [{ check: 'answer', passed: false, why: 'no answer' }],
  }),
]);

describe('evaluation results', () => {
  it('sums up each model and marks the best in each column', () => {
    const summary = summarize(plan, results);
    expect(summary.models[0]).toMatchObject({
      answered: 2,
      failed: 0,
      passRate: 0.5,
      latencyP50Ms: 150,
      costUsd: 0.002,
      costPer1000Usd: 1,
    });
    expect(summary.models[0]?.judge?.mean).toBe(2.5);
    // An unknown price leaves the model's cost unknown, and the total with it: never $0.
    expect(summary.models[1]).toMatchObject({ answered: 1, failed: 1, passRate: 0.5, costUsd: undefined });
    expect(summary.totalCostUsd).toBeUndefined();
    expect(summary.knownCostUsd).toBeCloseTo(0.003, 12);
    expect(summary.best).toEqual({
      judge: ['good'],
      latencyP50Ms: ['fast'],
      latencyP95Ms: ['fast'],
    });
  });

  it('lists the worst answers first: failures, then low scores and failed checks', () => {
    expect(worstRows(results, 3)).toEqual([
      { row: 2, model: 1, why: 'The model timed out after 120 s' },
      { row: 2, model: 0, why: 'judge 2/5: wrong' },
      { row: 1, model: 0, why: 'judge 3/5: vague; failed `json`' },
    ]);
  });

  it('writes every row × model as CSV, an unknown cost left empty', () => {
    const lines = parse(resultsCsv(plan, results), { columns: true }) as Record<string, string>[];
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({
      row: '1',
      prompt: 'Prompt 1, "quoted"',
      model: 'fast',
      status: 'answered',
      judge_score: '3',
      checks_failed: 'json',
    });
    expect(lines[1]).toMatchObject({ model: 'good', cost_usd: '' });
    expect(lines[3]).toMatchObject({ status: 'failed', error: 'The model timed out after 120 s' });
  });

  it('tells progress with an ETA from the pace so far', () => {
    const partial = new Map([...results].slice(0, 2));
    // The judge's cost is not known in these results: the figure so far is a floor, and says so.
    expect(progressOf(plan, partial, 0, 10_000)).toEqual({
      done: 2,
      total: 4,
      knownCostUsd: 0.002,
      costUnknown: true,
      etaMs: 10_000,
    });
  });
});

describe('the judge’s pairwise verdicts lent to the arena', () => {
  it('leave out a pair of two tiers of one model: ratings rank models, and a model is not its own opponent', () => {
    const tiered: EvaluationPlan = {
      ...plan,
      pairwise: true,
      models: [
        { modelId: 'gpt-oss', invokeId: 'gpt-oss', name: 'gpt-oss@flex', serviceTier: 'flex' },
        { modelId: 'gpt-oss', invokeId: 'gpt-oss', name: 'gpt-oss@priority', serviceTier: 'priority' },
        { modelId: 'haiku', invokeId: 'haiku', name: 'Haiku' },
      ],
    };
    const pair = (x: number, y: number, verdict: 'x' | 'y' | 'tie'): [string, UnitResult] => [
      pairUnit(1, x, y),
      { kind: 'pair', row: 1, x, y, verdict, finishedAt: 0 },
    ];
    const judged = judgedPairs(tiered, new Map([pair(0, 1, 'x'), pair(0, 2, 'y'), pair(1, 2, 'tie')]));
    expect(judged.map(({ unit, comparison }) => ({ unit, comparison }))).toEqual([
      { unit: pairUnit(1, 0, 2), comparison: { a: 'gpt-oss', b: 'haiku', winner: 'b' } },
      { unit: pairUnit(1, 1, 2), comparison: { a: 'gpt-oss', b: 'haiku', winner: 'tie' } },
    ]);
  });
});
