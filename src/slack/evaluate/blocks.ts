import type { KnownBlock, TableBlock } from '@slack/types';
import { formatUsd } from '../../bedrock/pricing.js';
import type { Estimate } from '../../evaluate/estimate.js';
import type { AnswerResult, EvaluationPlan } from '../../evaluate/evaluations.js';
import type { EvaluationSummary, Progress, WorstRow } from '../../evaluate/results.js';
import { button, clip, LIMITS } from '../kit/limits.js';
import { type SlackMessage, slackMessage } from '../kit/message.js';
import { escapeMrkdwn } from '../kit/mrkdwn.js';

export const EVALUATE_ACTIONS = {
  start: 'evaluate_start',
  cancel: 'evaluate_cancel',
  show: 'evaluate_show',
} as const;

const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clip(text, LIMITS.sectionText) },
});
const context = (text: string): KnownBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: clip(text, LIMITS.sectionText) }],
});

const modelNames = (plan: EvaluationPlan) =>
  plan.models.map((model) => `*${escapeMrkdwn(model.name)}*`).join(', ');

function what(plan: EvaluationPlan): string {
  const judge = plan.judge
    ? ` · judge *${escapeMrkdwn(plan.judge.name)}*${plan.pairwise ? ' (pairwise, both orders)' : ' (scores 1–5)'}`
    : '';
  return `\`${escapeMrkdwn(clip(plan.setName, 100))}\`: ${plan.rows.length} prompt${plan.rows.length === 1 ? '' : 's'} × ${modelNames(plan)}${judge}`;
}

/** The estimate, before anything is spent, with Start and Cancel for the person who asked. */
export function estimateMessage(
  plan: EvaluationPlan,
  estimate: Estimate,
  budget: { spentUsd: number; capUsd: number },
): SlackMessage {
  const lines = estimate.models.map(
    (line, index) =>
      `• ${escapeMrkdwn(plan.models[index]?.name ?? line.modelId)}: ${formatUsd(line.usd, { estimate: true })} (at most ${formatUsd(line.atMostUsd)})`,
  );
  if (estimate.judge && plan.judge)
    lines.push(
      `• judge ${escapeMrkdwn(plan.judge.name)}, ${estimate.judge.calls} calls: ${formatUsd(estimate.judge.usd, { estimate: true })}`,
    );
  const total =
    estimate.totalUsd === undefined
      ? `at least ${formatUsd(estimate.knownUsd, { estimate: true })}: some prices are unknown`
      : `${formatUsd(estimate.totalUsd, { estimate: true })}, at most ${formatUsd(estimate.atMostUsd)} if every answer runs to ${plan.maxTokens} tokens`;
  const cap =
    budget.capUsd > 0
      ? ` You have spent ${formatUsd(budget.spentUsd)} of your ${formatUsd(budget.capUsd)} today.`
      : '';
  return slackMessage({
    text: `Evaluation of ${plan.setName}: estimated ${estimate.totalUsd === undefined ? 'cost partly unknown' : formatUsd(estimate.totalUsd, { estimate: true })}`,
    blocks: [
      section(`:test_tube: *Evaluation* of ${what(plan)}`),
      section(`*Estimate:* ${total}, ${estimate.calls} model calls.${cap}\n${lines.join('\n')}`),
      context(
        'Assumes twice the expected answer\u2019s length, or 400 tokens where there is none. Nothing is spent until you press Start.',
      ),
      {
        type: 'actions',
        elements: [
          button('Start', EVALUATE_ACTIONS.start, plan.id, 'primary'),
          button('Cancel', EVALUATE_ACTIONS.cancel, plan.id),
        ],
      },
    ],
  });
}

function bar(done: number, total: number): string {
  const width = 20;
  const filled = total === 0 ? 0 : Math.round((done / total) * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? `${minutes} min` : `${(minutes / 60).toFixed(1)} h`;
}

const costSoFar = (progress: Progress) =>
  `${formatUsd(progress.knownCostUsd)}${progress.costUnknown ? ' and some at unknown prices' : ''}`;

/** The running evaluation: a bar, rows done of the total, the cost so far, the ETA, and Cancel. */
export function progressMessage(plan: EvaluationPlan, progress: Progress): SlackMessage {
  const eta = progress.etaMs === undefined ? '' : ` · about ${duration(progress.etaMs)} left`;
  return slackMessage({
    text: `Evaluating ${plan.setName}: ${progress.done}/${progress.total}`,
    blocks: [
      section(`:hourglass_flowing_sand: *Evaluating* ${what(plan)}`),
      section(
        `\`${bar(progress.done, progress.total)}\` ${progress.done} / ${progress.total} answers · ${costSoFar(progress)} so far${eta}`,
      ),
      { type: 'actions', elements: [button('Cancel', EVALUATE_ACTIONS.cancel, plan.id, 'danger')] },
    ],
  });
}

/** How the evaluation ended, as its message finally reads (the results follow in the thread). */
export function endedMessage(
  plan: EvaluationPlan,
  progress: Progress,
  ending: { kind: 'finished' } | { kind: 'cancelled'; by?: string; reason?: string },
): SlackMessage {
  const how =
    ending.kind === 'finished'
      ? ':white_check_mark: *Evaluated*'
      : ending.reason
        ? `:octagonal_sign: *Stopped early*: ${escapeMrkdwn(ending.reason)}.`
        : `:octagonal_sign: *Cancelled*${ending.by ? ` by <@${ending.by}>` : ''}.`;
  return slackMessage(
    {
      text: `Evaluation of ${plan.setName}: ${ending.kind}`,
      blocks: [
        section(`${how} ${what(plan)}`),
        section(
          `${progress.done} / ${progress.total} answers · ${costSoFar(progress)} spent. ${ending.kind === 'finished' ? 'Results in the thread.' : 'What was done is in the thread.'}`,
        ),
      ],
    },
    ending.kind === 'cancelled' && ending.by ? [ending.by] : [],
  );
}

/** An estimate nobody started, closed by its Cancel: nothing was spent. */
export function withdrawnMessage(plan: EvaluationPlan, by: string): SlackMessage {
  return slackMessage(
    {
      text: 'Evaluation cancelled',
      blocks: [
        section(
          `:no_entry_sign: Evaluation of ${what(plan)} cancelled by <@${by}> before it started; nothing was spent.`,
        ),
      ],
    },
    [by],
  );
}

const percent = (value: number | undefined) => (value === undefined ? '–' : `${Math.round(value * 100)}%`);
const ms = (value: number | undefined) =>
  value === undefined
    ? '–'
    : value < 10_000
      ? `${(value / 1000).toFixed(2)} s`
      : `${(value / 1000).toFixed(1)} s`;

/** The table per model, the best of each column marked ★. */
function resultsTable(summary: EvaluationSummary): TableBlock {
  const mark = (column: keyof EvaluationSummary['best'], modelId: string, text: string) =>
    summary.best[column]?.includes(modelId) ? `★ ${text}` : text;
  const cell = (text: string) => ({ type: 'raw_text' as const, text: text || '–' });
  const header = [
    'Model',
    'Answered',
    'Checks passed',
    'Judge (95% CI)',
    'Latency p50',
    'p95',
    'Tokens in / out',
    'Cost',
    'Per 1,000 prompts',
  ].map(cell);
  const rows = summary.models.map((model) => [
    cell(clip(model.name, 60)),
    cell(`${model.answered}${model.failed ? ` (${model.failed} failed)` : ''}`),
    cell(
      mark(
        'passRate',
        model.modelId,
        model.passRate === undefined ? '–' : `${percent(model.passRate)} of ${model.checked}`,
      ),
    ),
    cell(
      mark(
        'judge',
        model.modelId,
        model.judge
          ? `${model.judge.mean.toFixed(2)} (${model.judge.low.toFixed(2)}–${model.judge.high.toFixed(2)}), n=${model.judge.n}`
          : model.pairs
            ? `${model.pairs.wins}W ${model.pairs.ties}T ${model.pairs.losses}L`
            : '–',
      ),
    ),
    cell(mark('latencyP50Ms', model.modelId, ms(model.latencyP50Ms))),
    cell(mark('latencyP95Ms', model.modelId, ms(model.latencyP95Ms))),
    cell(`${model.inputTokens} / ${model.outputTokens}`),
    cell(mark('costUsd', model.modelId, formatUsd(model.costUsd))),
    cell(mark('costPer1000Usd', model.modelId, formatUsd(model.costPer1000Usd))),
  ]);
  return {
    type: 'table',
    column_settings: [{ is_wrapped: true }, ...header.slice(1).map(() => ({ align: 'right' as const }))],
    rows: [header, ...rows].slice(0, LIMITS.tableRows),
  };
}

/** The results: the table, pairwise ratings, what it cost, and the worst answers with Show buttons. */
export function resultsMessage(
  plan: EvaluationPlan,
  summary: EvaluationSummary,
  worst: WorstRow[],
): SlackMessage {
  const blocks: KnownBlock[] = [
    section(
      `:bar_chart: *Results* of ${what(plan)} (${summary.answersDone} / ${summary.answersTotal} answers)`,
    ),
    resultsTable(summary) as unknown as KnownBlock,
  ];
  if (summary.ratings) {
    blocks.push(
      section(
        `*Pairwise ratings* (Bradley–Terry from the judge's verdicts, 95% bootstrap interval):\n${summary.ratings
          .map((rating) => {
            const name =
              plan.models.find((model) => model.modelId === rating.modelId)?.name ?? rating.modelId;
            return `• ${escapeMrkdwn(name)}: ${Math.round(rating.rating)} (${Math.round(rating.low)}–${Math.round(rating.high)}), ${rating.comparisons} verdicts`;
          })
          .join('\n')}`,
      ),
    );
  }
  const judgeCost = plan.judge ? ` · judge ${formatUsd(summary.judgeCostUsd)}` : '';
  const total =
    summary.totalCostUsd === undefined
      ? `${formatUsd(summary.knownCostUsd)} at known prices, the rest unknown`
      : formatUsd(summary.totalCostUsd);
  blocks.push(
    context(
      `Spent ${total}${judgeCost}. ★ marks the best in a column. Checks: answers whose every check held.`,
    ),
  );
  if (worst.length > 0) {
    blocks.push(section('*Worst answers*'));
    for (const entry of worst) {
      const model = plan.models[entry.model]?.name ?? '?';
      blocks.push({
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: clip(
            `Row ${entry.row} · ${escapeMrkdwn(model)}: ${escapeMrkdwn(entry.why)}`,
            LIMITS.sectionText,
          ),
        },
        accessory: button(
          'Show',
          `${EVALUATE_ACTIONS.show}_${entry.row}_${entry.model}`,
          JSON.stringify({ evaluation: plan.id, row: entry.row, model: entry.model }),
        ),
      });
    }
  }
  return slackMessage({
    text: `Results of the evaluation of ${plan.setName}`,
    blocks: blocks.slice(0, LIMITS.blocks),
  });
}

/** One row's answer in full (as far as a message holds it), for its Show button. */
export function answerMessage(plan: EvaluationPlan, answer: AnswerResult): SlackMessage {
  const row = plan.rows.find((entry) => entry.row === answer.row);
  const model = plan.models[answer.model]?.name ?? '?';
  const checks = answer.checks.map(
    (check) =>
      `${check.passed ? ':white_check_mark:' : ':x:'} \`${escapeMrkdwn(check.check)}\`${check.why ? ` ${escapeMrkdwn(check.why)}` : ''}`,
  );
  const judge = answer.judge
    ? answer.judge.score === undefined
      ? `Judge: ${escapeMrkdwn(answer.judge.error ?? 'no score')}`
      : `Judge: *${answer.judge.score}/5*: ${escapeMrkdwn(answer.judge.reason ?? '')}`
    : undefined;
  return slackMessage({
    text: `Row ${answer.row}, ${model}`,
    blocks: [
      section(
        `*Row ${answer.row}* · *${escapeMrkdwn(model)}*\n>${escapeMrkdwn(clip(row?.prompt ?? '', 1000)).replace(/\n/g, '\n>')}`,
      ),
      ...(row?.expected ? [section(`*Expected:* ${escapeMrkdwn(clip(row.expected, 1000))}`)] : []),
      section(
        answer.ok
          ? escapeMrkdwn(clip(answer.text || '(empty answer)', 2500))
          : `:warning: ${escapeMrkdwn(answer.error ?? 'failed')}`,
      ),
      ...(checks.length > 0 || judge ? [context([...checks, ...(judge ? [judge] : [])].join('\n'))] : []),
    ],
  });
}
