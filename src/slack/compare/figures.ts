import type { KnownBlock, TableBlock } from '@slack/types';
import { timedOutAfter } from '../../bedrock/answer.js';
import { BILLED_HOURLY, billedHourly, formatUsd } from '../../bedrock/pricing.js';
import type { CompareRun, ModelRun } from '../../compare/types.js';
import { clip, LIMITS } from '../kit/limits.js';

export function seconds(ms: number | undefined): string {
  if (ms === undefined) return '–';
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * A model's cost as shown: its price, or a timed-out model's estimate marked ≈, or "price unknown";
 * a call through a Provisioned Throughput has no price of its own, whatever an older run stored.
 */
export const modelCost = (model: ModelRun) =>
  billedHourly(model.invokeId)
    ? BILLED_HOURLY
    : model.status === 'timed-out'
      ? formatUsd(model.estimatedCostUsd, { estimate: true })
      : formatUsd(model.costUsd);

/** `×3.7`, `×110`: how many times worse than the best of the compare a figure is. */
function ratio(value: number, best: number): string | undefined {
  if (best === 0) return value === 0 ? '×1.0' : undefined;
  const times = value / best;
  return times >= 10 ? `×${Math.round(times)}` : `×${times.toFixed(1)}`;
}

interface Column {
  title: string;
  value: (model: ModelRun) => number | undefined;
  show: (model: ModelRun) => string;
  /** Whether a higher figure is the better one (tokens/s); otherwise lower is. */
  higherIsBetter?: boolean;
  /** The cell of a model that did not finish, when it says more than its partial figure. */
  unfinished?: (model: ModelRun) => string;
}

const COLUMNS: Column[] = [
  {
    title: 'First token',
    value: (model) => model.firstTokenMs,
    show: (model) => seconds(model.firstTokenMs),
  },
  {
    title: 'Total',
    value: (model) => model.latencyMs,
    show: (model) => seconds(model.latencyMs),
    unfinished: (model) => whyUnfinished(model),
  },
  {
    title: 'Tokens in',
    value: (model) => model.inputTokens,
    show: (model) => String(model.inputTokens ?? '?'),
  },
  {
    title: 'Tokens out',
    value: (model) => model.outputTokens,
    show: (model) => String(model.outputTokens ?? '?'),
  },
  {
    title: 'Tokens/s',
    value: (model) => model.tokensPerSecond,
    show: (model) => (model.tokensPerSecond === undefined ? '–' : String(Math.round(model.tokensPerSecond))),
    higherIsBetter: true,
  },
  {
    title: 'Cost',
    value: (model) => (billedHourly(model.invokeId) ? undefined : model.costUsd),
    show: modelCost,
    unfinished: (model) => (model.status === 'timed-out' ? modelCost(model) : '–'),
  },
];

/** `≈120`: a token count, marked as an estimate where it is one. */
export const tokenCount = (count: number | undefined, estimated?: boolean) =>
  count === undefined ? '?' : `${estimated ? '≈' : ''}${count}`;

/**
 * With a reasoning model in the compare: time to the first answer token and thinking time beside the
 * first token of anything, and the billed output split into answer and reasoning tokens (≈ where
 * estimated), with the reasoning's share of the cost.
 */
const REASONING_COLUMNS: Record<'afterFirstToken' | 'tokens' | 'afterCost', Column[]> = {
  afterFirstToken: [
    {
      title: 'First answer',
      value: (model) => model.firstAnswerTokenMs,
      show: (model) => seconds(model.firstAnswerTokenMs),
    },
    { title: 'Thinking', value: (model) => model.thinkingMs, show: (model) => seconds(model.thinkingMs) },
  ],
  tokens: [
    {
      title: 'Answer tokens',
      value: (model) => model.answerTokens ?? model.outputTokens,
      show: (model) => tokenCount(model.answerTokens ?? model.outputTokens, model.tokensEstimated),
    },
    {
      title: 'Reasoning tokens',
      value: (model) => model.reasoningTokens,
      show: (model) =>
        model.reasoningTokens === undefined ? '–' : tokenCount(model.reasoningTokens, model.tokensEstimated),
    },
  ],
  afterCost: [
    {
      title: 'Reasoning cost',
      value: (model) => model.reasoningCostUsd,
      show: (model) =>
        model.reasoningCostUsd === undefined ? '–' : formatUsd(model.reasoningCostUsd, { estimate: true }),
    },
  ],
};

/** The table's columns: the reasoning ones only when some model of the compare reasoned. */
function columnsOf(run: CompareRun): Column[] {
  if (!run.models.some((model) => model.reasoning !== undefined)) return COLUMNS;
  return COLUMNS.flatMap((column) => {
    if (column.title === 'First token') return [column, ...REASONING_COLUMNS.afterFirstToken];
    if (column.title === 'Tokens out') return REASONING_COLUMNS.tokens;
    if (column.title === 'Cost') return [column, ...REASONING_COLUMNS.afterCost];
    return [column];
  });
}

/** What the Total cell of a model that did not finish says instead. */
function whyUnfinished(model: ModelRun): string {
  if (model.status === 'timed-out') return `⏱ ${timedOutAfter(model.timeoutMs ?? 0)} (partial)`;
  if (model.status === 'failed') return `failed after ${seconds(model.latencyMs)}`;
  return 'not called';
}

// Our own bound, not Slack's: a long display name would squeeze the figures out of view.
const CELL_CHARS = 60;
const cell = (text: string) => ({ type: 'raw_text' as const, text: clip(text || '–', CELL_CHARS) });

/**
 * The finished compare's figures side by side, one row per model, each figure with its ratio to the
 * best among the models that finished (a timed-out model's figures are partial, so never the best).
 * `rowName` names each row: a blind compare shows its letters with the names only once revealed.
 */
export function figuresTable(
  run: CompareRun,
  rowName: (model: ModelRun, index: number) => string,
): KnownBlock {
  const finished = run.models.filter((model) => model.status === 'done');
  const columns = columnsOf(run);
  const bests = columns.map((column) => {
    const values = finished.map(column.value).filter((value): value is number => value !== undefined);
    if (values.length === 0) return undefined;
    return column.higherIsBetter ? Math.max(...values) : Math.min(...values);
  });
  const header = [cell('Model'), ...columns.map((column) => cell(column.title))];
  const rows = run.models.map((model, index) => {
    const name = cell(rowName(model, index));
    const figures = columns.map((column, at) => {
      const value = column.value(model);
      if (model.status !== 'done') {
        return cell(column.unfinished?.(model) ?? (value === undefined ? '–' : column.show(model)));
      }
      const best = bests[at];
      const times =
        value === undefined || best === undefined
          ? undefined
          : column.higherIsBetter
            ? ratio(best, value)
            : ratio(value, best);
      return cell(times ? `${column.show(model)} ${times}` : column.show(model));
    });
    return [name, ...figures];
  });
  const table: TableBlock = {
    type: 'table',
    column_settings: [{ is_wrapped: true }, ...columns.map(() => ({ align: 'right' as const }))],
    rows: [header, ...rows].slice(0, LIMITS.tableRows),
  };
  return table;
}
