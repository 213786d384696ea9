import type { KnownBlock } from '@slack/types';
import { summarize } from '../../compare/summary.js';
import type { CompareRun, ModelRun } from '../../compare/types.js';
import { button, clip, escapeMrkdwn, LIMITS, renderClipped } from './limits.js';

export const COMPARE_ACTIONS = {
  runAgain: 'compare_run_again',
  showFull: 'compare_show_full',
  continueWith: 'compare_continue',
  vote: 'compare_vote',
  blindPick: 'compare_blind_pick',
  blindTie: 'compare_blind_tie',
  blindBad: 'compare_blind_bad',
} as const;

/** `A`, `B`, … the labels of a blind compare. */
export const blindLabel = (index: number) => String.fromCharCode(65 + index);

/** True while a blind compare still hides which model wrote which answer. */
export const isHidden = (run: CompareRun) => run.options.blind && run.verdict === undefined;

export interface CompareView {
  /** Votes per model index, when any were cast. */
  votes?: Record<string, number>;
}

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
  /** Slack message metadata: how the bot later recognises its own answers in a thread. */
  metadata?: { event_type: string; event_payload: Record<string, string | number> };
}

/** Room for answers once headers, figures, notes and buttons are counted, shared by all models. */
const ANSWER_BUDGET = 9_000;

export function seconds(ms: number | undefined): string {
  if (ms === undefined) return '–';
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}

export function dollars(usd: number | undefined): string {
  if (usd === undefined) return 'price unknown';
  if (usd === 0) return '$0';
  return usd < 0.01 ? `$${usd.toPrecision(2)}` : `$${usd.toFixed(4)}`;
}

const STATUS_ICON: Record<ModelRun['status'], string> = {
  waiting: ':hourglass_flowing_sand:',
  streaming: ':writing_hand:',
  done: ':white_check_mark:',
  failed: ':warning:',
  skipped: ':heavy_minus_sign:',
};

const STOP_REASONS: Record<string, string> = {
  max_tokens: 'cut off at the max tokens limit',
  content_filtered: 'stopped by a content filter',
  guardrail_intervened: 'stopped by a guardrail',
  stop_sequence: 'stopped at a stop sequence',
};

function figures(model: ModelRun): string {
  if (model.status === 'waiting') return 'waiting for the first token…';
  if (model.status === 'skipped') return 'not called';
  if (model.status === 'failed') return `failed after ${seconds(model.latencyMs)}`;
  const parts = [`first token ${seconds(model.firstTokenMs)}`];
  if (model.status === 'streaming') return `${parts[0]} · streaming…`;
  const bedrock = model.bedrockLatencyMs === undefined ? '' : ` (Bedrock ${seconds(model.bedrockLatencyMs)})`;
  parts.push(`total ${seconds(model.latencyMs)}${bedrock}`);
  parts.push(`${model.inputTokens ?? '?'} in / ${model.outputTokens ?? '?'} out tokens`);
  if (model.tokensPerSecond !== undefined) parts.push(`${Math.round(model.tokensPerSecond)} tokens/s`);
  parts.push(dollars(model.costUsd));
  const criteria = model.withinCriteria;
  if (criteria?.latency !== undefined)
    parts.push(criteria.latency ? 'latency :white_check_mark:' : 'latency :x:');
  if (criteria?.cost !== undefined) parts.push(criteria.cost ? 'cost :white_check_mark:' : 'cost :x:');
  const stop = model.stopReason ? STOP_REASONS[model.stopReason] : undefined;
  if (stop) parts.push(`*${stop}*`);
  return parts.join(' · ');
}

function answerText(model: ModelRun, budget: number): { text: string; clipped: boolean } {
  if (model.status === 'failed' && model.failure) {
    const detail = model.failure.detail ? `\n>${escapeMrkdwn(clip(model.failure.detail, 300))}` : '';
    const failure = `${model.failure.message}${detail}`;
    if (model.text === '') return { text: failure, clipped: false };
    // What arrived before the failure stays readable above it.
    const arrived = renderClipped(model.text, Math.max(0, budget - failure.length - 2));
    return { text: `${arrived.text}\n\n${failure}`, clipped: arrived.clipped };
  }
  if (model.status === 'skipped') return { text: '_Not asked._', clipped: false };
  if (model.text === '') return { text: '_…_', clipped: false };
  const rendered = renderClipped(model.text, budget);
  return model.status === 'streaming' ? { text: `${rendered.text} ▌`, clipped: rendered.clipped } : rendered;
}

const BLIND_STATUS: Record<ModelRun['status'], string> = {
  waiting: 'waiting…',
  streaming: 'writing…',
  done: 'done · figures show after your verdict',
  failed: 'failed',
  skipped: 'not called',
};

function modelBlocks(
  run: CompareRun,
  model: ModelRun,
  index: number,
  budget: number,
  view: CompareView,
): KnownBlock[] {
  const final = run.finishedAt !== undefined;
  const hidden = isHidden(run);
  const answer = answerText(model, budget);
  const title = hidden
    ? `${STATUS_ICON[model.status]} *Answer ${blindLabel(index)}*`
    : `${STATUS_ICON[model.status]} *${run.options.blind ? `${blindLabel(index)}: ` : ''}${escapeMrkdwn(model.name)}*  \`${model.invokeId}\``;
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: clip(`${title}\n${answer.text}`, LIMITS.sectionText) } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: clip(hidden ? BLIND_STATUS[model.status] : figures(model), LIMITS.sectionText),
        },
      ],
    },
  ];
  if (hidden) {
    if (final && model.status === 'done') {
      const value = JSON.stringify({ run: run.id, model: index });
      blocks.push({
        type: 'actions',
        elements: [
          button(`:trophy: ${blindLabel(index)} is best`, `${COMPARE_ACTIONS.blindPick}_${index}`, value),
        ],
      });
    }
    return blocks;
  }
  if (model.notes.length > 0) {
    blocks.push({
      type: 'context',
      elements: model.notes.slice(0, LIMITS.contextElements).map((note) => ({
        type: 'mrkdwn' as const,
        text: clip(`:information_source: ${escapeMrkdwn(note)}`, 500),
      })),
    });
  }
  if (final && model.status === 'done') {
    const value = JSON.stringify({ run: run.id, model: index });
    const votes = view.votes?.[String(index)] ?? 0;
    // A blind compare was judged once, by its verdict; votes would count it twice on the leaderboard.
    const buttons = [
      ...(run.options.blind
        ? []
        : [
            button(
              `:trophy: Best answer${votes > 0 ? ` (${votes})` : ''}`,
              `${COMPARE_ACTIONS.vote}_${index}`,
              value,
            ),
          ]),
      button(`Continue with ${model.label}`, `${COMPARE_ACTIONS.continueWith}_${index}`, value),
    ];
    if (answer.clipped)
      buttons.push(button('Show full answer', `${COMPARE_ACTIONS.showFull}_${index}`, value));
    blocks.push({ type: 'actions', elements: buttons });
  }
  return blocks;
}

function summaryText(run: CompareRun): string {
  const summary = summarize(run);
  const line = (label: string, model: ModelRun | undefined, value: (model: ModelRun) => string) =>
    model ? `${label}: *${model.label}* (${value(model)})` : undefined;
  const lines = [
    line('Fastest to first token', summary.fastestFirstToken, (model) => seconds(model.firstTokenMs)),
    line('Fastest overall', summary.fastestOverall, (model) => seconds(model.latencyMs)),
    line('Cheapest', summary.cheapest, (model) => dollars(model.costUsd)),
    line('Longest answer', summary.longest, (model) => `${model.outputTokens} tokens`),
    `Total cost: ${dollars(summary.totalCostUsd)}${summary.costIncomplete ? ' + models with unknown prices' : ''}`,
  ].filter((entry): entry is string => entry !== undefined);
  return clip(`*Summary*\n${lines.join('\n')}`, LIMITS.sectionText);
}

function settingsLine(run: CompareRun): string {
  const parts = [`<@${run.userId}>`, `max tokens ${run.maxTokens}`];
  if (run.options.blind) parts.push('blind');
  if (run.options.temperature !== undefined) parts.push(`temperature ${run.options.temperature}`);
  if (run.options.system) parts.push(`system: “${escapeMrkdwn(clip(run.options.system, 200))}”`);
  if (run.imageCount > 0) parts.push(`${run.imageCount} image${run.imageCount > 1 ? 's' : ''}`);
  return parts.join(' · ');
}

function verdictLine(run: CompareRun): string | undefined {
  if (!run.verdict) return undefined;
  const { by, verdict } = run.verdict;
  const picked = typeof verdict === 'number' ? run.models[verdict] : undefined;
  const said = picked
    ? `${blindLabel(verdict as number)} (*${escapeMrkdwn(picked.name)}*) was best`
    : verdict === 'tie'
      ? 'a tie'
      : 'none of the answers was good';
  return `:ballot_box_with_ballot: Blind verdict by <@${by}>: ${said}.`;
}

/** The whole compare message, valid at every stage: placeholders, streaming, final. */
export function compareMessage(run: CompareRun, view: CompareView = {}): SlackMessage {
  const budget = Math.floor(ANSWER_BUDGET / Math.max(1, run.models.length));
  const hidden = isHidden(run);
  const title = run.options.blind ? `Blind compare: ${run.prompt}` : `Compare: ${run.prompt}`;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, LIMITS.headerText) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: clip(settingsLine(run), LIMITS.sectionText) }] },
  ];
  run.models.forEach((model, index) => {
    blocks.push({ type: 'divider' }, ...modelBlocks(run, model, index, budget, view));
  });
  if (run.finishedAt !== undefined && hidden) {
    blocks.push(
      { type: 'divider' },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `<@${run.userId}>: pick the best answer; the models and their figures show once you do.`,
          },
        ],
      },
      {
        type: 'actions',
        elements: [
          button(':handshake: Tie', COMPARE_ACTIONS.blindTie, run.id),
          button(':thumbsdown: All bad', COMPARE_ACTIONS.blindBad, run.id),
        ],
      },
    );
  } else if (run.finishedAt !== undefined) {
    const verdict = verdictLine(run);
    blocks.push(
      { type: 'divider' },
      { type: 'section', text: { type: 'mrkdwn', text: summaryText(run) } },
      ...(verdict
        ? [{ type: 'context' as const, elements: [{ type: 'mrkdwn' as const, text: verdict }] }]
        : []),
      { type: 'actions', elements: [button(':repeat: Run again', COMPARE_ACTIONS.runAgain, run.id)] },
    );
  }
  const names = hidden
    ? `${run.models.length} hidden models`
    : run.models.map((model) => model.label).join(', ');
  return {
    text: clip(`Compare (${names}): ${run.prompt}`, LIMITS.fallbackText),
    blocks: blocks.slice(0, LIMITS.blocks),
  };
}
