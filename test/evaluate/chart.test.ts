import { describe, expect, it } from 'vitest';
import { resultsChart } from '../../src/evaluate/chart.js';
import { answerUnit, type EvaluationPlan, type UnitResult } from '../../src/evaluate/evaluations.js';
import { summarize } from '../../src/evaluate/results.js';

const plan: EvaluationPlan = {
  id: 'E1',
  teamId: 'T1',
  channelId: 'C1',
  threadTs: '1.0',
  userId: 'U1',
  setName: 'set.csv',
  rows: [1, 2, 3].map((row) => ({ row, prompt: `Prompt ${row}`, tags: [], checks: [] })),
  models: [
    { modelId: 'a', invokeId: 'a', name: 'Model A' },
    { modelId: 'b', invokeId: 'b', name: 'Model B' },
  ],
  pairwise: false,
  rubric: '',
  maxTokens: 100,
  createdAt: 0,
};

describe('the results chart', () => {
  it('renders a PNG on the server from the results', async () => {
    const results = new Map<string, UnitResult>(
      plan.rows.flatMap((row) =>
        [0, 1].map((model): [string, UnitResult] => [
          answerUnit(row.row, model),
          {
            kind: 'answer',
            row: row.row,
            model,
            ok: true,
            text: 't',
            latencyMs: 300 * (model + 1) * row.row,
            costUsd: 0.001 * (model + 1),
            checks: [],
            judge: { score: 3 + model },
            finishedAt: 0,
          },
        ]),
      ),
    );
    const png = await resultsChart(plan, summarize(plan, results), results);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // Width and height from the IHDR chunk: a chart, not an empty image.
    expect(png.readUInt32BE(16)).toBeGreaterThan(800);
    expect(png.readUInt32BE(20)).toBeGreaterThan(400);
  });
});
