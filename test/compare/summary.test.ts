import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/compare/summary.js';
import { compareRun, modelRun } from './fixtures.js';

describe('the summary of a compare', () => {
  it('names the fastest, cheapest and longest among the models that finished', () => {
    const summary = summarize(
      compareRun([
        modelRun('a', { firstTokenMs: 300, latencyMs: 900, costUsd: 0.002, outputTokens: 50 }),
        modelRun('b', { firstTokenMs: 100, latencyMs: 1_500, costUsd: 0.0005, outputTokens: 400 }),
        // Quicker than both, but cut off: its figures are partial, so it wins nothing.
        modelRun('c', {
          status: 'timed-out',
          firstTokenMs: 50,
          latencyMs: 400,
          costUsd: undefined,
          estimatedCostUsd: 0.0001,
        }),
      ]),
    );
    expect(summary.fastestFirstToken?.label).toBe('b');
    expect(summary.fastestOverall?.label).toBe('a');
    expect(summary.cheapest?.label).toBe('b');
    expect(summary.longest?.label).toBe('b');
  });

  it('totals known prices and estimates, and says when the total includes an estimate', () => {
    const summary = summarize(
      compareRun([
        modelRun('a', { costUsd: 0.002 }),
        modelRun('c', { status: 'timed-out', costUsd: undefined, estimatedCostUsd: 0.0005 }),
      ]),
    );
    expect(summary.totalCostUsd).toBeCloseTo(0.0025, 10);
    expect(summary.costEstimated).toBe(true);
    expect(summary.costIncomplete).toBe(false);
  });

  it('says the total is a lower bound when a finished model has no known price, never counting it as $0', () => {
    const summary = summarize(
      compareRun([modelRun('a', { costUsd: 0.002 }), modelRun('custom', { costUsd: undefined })]),
    );
    expect(summary.totalCostUsd).toBe(0.002);
    expect(summary.costIncomplete).toBe(true);
    expect(summary.cheapest?.label).toBe('a');
  });

  it('leaves out failed and skipped models', () => {
    const summary = summarize(
      compareRun([
        modelRun('a', { status: 'failed', costUsd: undefined }),
        modelRun('b', { status: 'skipped' }),
      ]),
    );
    expect(summary.fastestOverall).toBeUndefined();
    expect(summary.costIncomplete).toBe(false);
  });
});
