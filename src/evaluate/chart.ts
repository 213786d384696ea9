import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { compile } from 'vega-lite';
import type { AnswerResult, EvaluationPlan, UnitResult } from './evaluations.js';
import type { EvaluationSummary } from './results.js';

/**
 * The results as a picture: quality against cost per 1,000 prompts (the judge's mean with its 95%
 * interval, or the pass rate without a judge), and each model's latency distribution. Vega-Lite
 * lays it out as SVG on the server; resvg (a Rust renderer shipped in its npm package) turns that
 * into the PNG Slack shows. Nothing is downloaded at install or at run time.
 */
export async function resultsChart(
  plan: EvaluationPlan,
  summary: EvaluationSummary,
  results: ReadonlyMap<string, UnitResult>,
): Promise<Buffer> {
  const judged = summary.models.some((model) => model.judge);
  const quality = summary.models.flatMap((model) => {
    const mean = judged ? model.judge?.mean : model.passRate === undefined ? undefined : model.passRate * 100;
    if (mean === undefined || model.costPer1000Usd === undefined) return [];
    return [
      {
        model: model.name,
        cost: model.costPer1000Usd,
        quality: mean,
        low: judged ? (model.judge?.low ?? mean) : mean,
        high: judged ? (model.judge?.high ?? mean) : mean,
      },
    ];
  });
  const latencies = [...results.values()]
    .filter((result): result is AnswerResult => result.kind === 'answer' && result.ok)
    .map((answer) => ({ model: plan.models[answer.model]?.name ?? '?', seconds: answer.latencyMs / 1000 }));
  const qualityTitle = judged ? 'judge score (mean, 95% interval)' : 'checks passed (%)';
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    padding: 16,
    hconcat: [
      {
        title:
          quality.length > 0
            ? `Quality against cost: ${plan.setName}`
            : 'Quality against cost: no priced, scored model',
        width: 360,
        height: 260,
        data: { values: quality },
        encoding: {
          x: {
            field: 'cost',
            type: 'quantitative',
            title: 'cost per 1,000 prompts (USD)',
            scale: { zero: true },
          },
          color: { field: 'model', type: 'nominal', legend: { title: null, orient: 'bottom' } },
        },
        layer: [
          {
            mark: { type: 'rule', strokeWidth: 2 },
            encoding: {
              y: { field: 'low', type: 'quantitative', title: qualityTitle, scale: { zero: false } },
              y2: { field: 'high' },
            },
          },
          {
            mark: { type: 'point', filled: true, size: 90 },
            encoding: { y: { field: 'quality', type: 'quantitative' } },
          },
        ],
      },
      {
        title: 'Latency per answer',
        width: 300,
        height: 260,
        data: { values: latencies },
        mark: { type: 'boxplot', extent: 'min-max' },
        encoding: {
          x: { field: 'model', type: 'nominal', title: null, axis: { labelAngle: -30 } },
          y: { field: 'seconds', type: 'quantitative', title: 'seconds' },
          color: { field: 'model', type: 'nominal', legend: null },
        },
      },
    ],
  };
  // Layout notes (two legends merged into one) are not worth a log line each time.
  const quiet = vega.logger(vega.None);
  const view = new vega.View(vega.parse(compile(spec, { logger: quiet }).spec), {
    renderer: 'none',
    logger: quiet,
  });
  const svg = await view.toSVG();
  view.finalize();
  return new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  })
    .render()
    .asPng();
}
