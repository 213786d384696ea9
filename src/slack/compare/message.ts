import type { Button, KnownBlock } from '@slack/types';
import { timedOutAfter } from '../../bedrock/answer.js';
import { BILLED_HOURLY, formatUsd } from '../../bedrock/pricing.js';
import { summarize } from '../../compare/summary.js';
import type { CompareRun, ModelRun } from '../../compare/types.js';
import { FEEDBACK_ACTION, feedbackBlock } from '../kit/feedback.js';
import { button, clip, LIMITS, renderClipped } from '../kit/limits.js';
import { type SlackMessage, slackMessage } from '../kit/message.js';
import { escapeMrkdwn } from '../kit/mrkdwn.js';
import { StreamingMrkdwn } from '../kit/streaming-mrkdwn.js';
import { figuresTable, modelCost, seconds, tokenCount } from './figures.js';
import { hasReasoning, isThinking, latestThought, reasoningFigures, thinkingLine } from './reasoning.js';

export const COMPARE_ACTIONS = {
  runAgain: 'compare_run_again',
  showFull: 'compare_show_full',
  showReasoning: 'compare_show_reasoning',
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

/** Room for answers once headers, figures, notes and buttons are counted, shared by all models. */
const ANSWER_BUDGET = 9_000;
/** A model's heading: icon, name and invoked ID. */
const TITLE_CHARS = 300;

const STATUS_ICON: Record<ModelRun['status'], string> = {
  waiting: ':hourglass_flowing_sand:',
  streaming: ':writing_hand:',
  done: ':white_check_mark:',
  'timed-out': ':stopwatch:',
  failed: ':warning:',
  skipped: ':heavy_minus_sign:',
};

const STOP_REASONS: Record<string, string> = {
  max_tokens: 'cut off at the max tokens limit',
  content_filtered: 'stopped by a content filter',
  guardrail_intervened: 'stopped by a guardrail',
  stop_sequence: 'stopped at a stop sequence',
};

/**
 * The line under a model's answer. While the compare runs: its progress and, once it is done, its
 * figures. Once the compare is finished the figures are in the table above the answers, so the line
 * keeps only what the table has no column for (empty: no line).
 */
function figures(model: ModelRun, inTable: boolean): string {
  if (model.status === 'waiting') return 'waiting for the first token…';
  if (model.status === 'skipped') return 'not called';
  if (model.status === 'failed') return `failed after ${seconds(model.latencyMs)}`;
  const first =
    model.firstTokenMs === undefined ? 'no token arrived' : `first token ${seconds(model.firstTokenMs)}`;
  if (model.status === 'timed-out') {
    const partial = model.text === '' ? '' : ' · *partial answer*';
    return `⏱ ${timedOutAfter(model.timeoutMs ?? 0)} · ${first}${partial} · ${modelCost(model)}`;
  }
  if (isThinking(model)) return `${thinkingLine(model)} · ${first}`;
  if (model.status === 'streaming') {
    const thought = hasReasoning(model) ? ` · thought ${seconds(model.thinkingMs)}` : '';
    return `${first}${thought} · streaming…`;
  }
  const parts: string[] = [];
  if (!inTable) {
    parts.push(first, `total ${seconds(model.latencyMs)}`);
    parts.push(
      `${model.inputTokens ?? '?'} in / ${tokenCount(model.answerTokens ?? model.outputTokens, model.tokensEstimated)} answer tokens`,
    );
    parts.push(...reasoningFigures(model));
    if (model.tokensPerSecond !== undefined) parts.push(`${Math.round(model.tokensPerSecond)} tokens/s`);
    parts.push(modelCost(model));
  }
  if (model.bedrockLatencyMs !== undefined)
    parts.push(`Bedrock’s own latency ${seconds(model.bedrockLatencyMs)}`);
  const criteria = model.withinCriteria;
  if (criteria?.latency !== undefined)
    parts.push(criteria.latency ? 'latency :white_check_mark:' : 'latency :x:');
  if (criteria?.cost !== undefined) parts.push(criteria.cost ? 'cost :white_check_mark:' : 'cost :x:');
  const stop = model.stopReason ? STOP_REASONS[model.stopReason] : undefined;
  if (stop) parts.push(`*${stop}*`);
  return parts.join(' · ');
}

/** Markdown to mrkdwn within `max` characters, saying whether it was cut. */
type RenderAnswer = (markdown: string, max: number) => { text: string; clipped: boolean };

function answerText(
  model: ModelRun,
  budget: number,
  render: RenderAnswer,
): { text: string; clipped: boolean } {
  if (model.status === 'timed-out' && model.text === '')
    return {
      text: hasReasoning(model)
        ? '_It was still thinking at the time limit: no answer arrived (its reasoning is behind “Show reasoning”)._'
        : '_Nothing arrived before the time limit._',
      clipped: false,
    };
  if (model.status === 'failed' && model.failure) {
    const detail = model.failure.detail ? `\n>${escapeMrkdwn(clip(model.failure.detail, 300))}` : '';
    const failure = `${model.failure.message}${detail}`;
    if (model.text === '') return { text: failure, clipped: false };
    // What arrived before the failure stays readable above it.
    const arrived = render(model.text, Math.max(0, budget - failure.length - 2));
    return { text: `${arrived.text}\n\n${failure}`, clipped: arrived.clipped };
  }
  if (model.status === 'skipped') return { text: '_Not asked._', clipped: false };
  if (model.text === '')
    return { text: isThinking(model) ? `_${thinkingLine(model)}_` : '_…_', clipped: false };
  const rendered = render(model.text, budget);
  return model.status === 'streaming' ? { text: `${rendered.text} ▌`, clipped: rendered.clipped } : rendered;
}

const BLIND_STATUS: Record<ModelRun['status'], string> = {
  waiting: 'waiting…',
  streaming: 'writing…',
  done: 'done · figures show after your verdict',
  'timed-out': 'timed out · partial answer',
  failed: 'failed',
  skipped: 'not called',
};

function modelBlocks(
  run: CompareRun,
  model: ModelRun,
  index: number,
  budget: number,
  view: CompareView,
  render: RenderAnswer = renderClipped,
): KnownBlock[] {
  const final = run.finishedAt !== undefined;
  const hidden = isHidden(run);
  const title = clip(
    hidden
      ? `${STATUS_ICON[model.status]} *Answer ${blindLabel(index)}*`
      : `${STATUS_ICON[model.status]} *${run.options.blind ? `${blindLabel(index)}: ` : ''}${escapeMrkdwn(model.name)}*  \`${model.invokeId}\``,
    TITLE_CHARS,
  );
  // The answer gets what the section has left after its title (and the streaming cursor), so the
  // section is never cut behind the answer's back: whatever is clipped is clipped here, with a button.
  const answer = answerText(model, Math.min(budget, LIMITS.sectionText - title.length - 3), render);
  const line = hidden ? BLIND_STATUS[model.status] : figures(model, final);
  // While a model thinks, its latest line of thought shows in small print under its slot.
  // (Not while a blind compare hides its models: a line of thought can give a model away.)
  const thought = isThinking(model) && !hidden ? latestThought(model) : undefined;
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `${title}\n${answer.text}` } },
    ...(thought
      ? [{ type: 'context' as const, elements: [{ type: 'mrkdwn' as const, text: clip(thought, 300) }] }]
      : []),
    ...(line
      ? [
          {
            type: 'context' as const,
            elements: [{ type: 'mrkdwn' as const, text: clip(line, LIMITS.sectionText) }],
          },
        ]
      : []),
  ];
  if (!hidden && model.notes.length > 0) {
    blocks.push({
      type: 'context',
      elements: model.notes.slice(0, LIMITS.contextElements).map((note) => ({
        type: 'mrkdwn' as const,
        text: clip(`:information_source: ${escapeMrkdwn(note)}`, 500),
      })),
    });
  }
  const actions = final ? modelButtons(run, model, index, answer.clipped, view) : [];
  if (actions.length > 0) blocks.push({ type: 'actions', elements: actions });
  if (final && !hidden && model.status === 'done')
    blocks.push(feedbackBlock({ run: run.id, model: index }, `${FEEDBACK_ACTION}_${index}`));
  return blocks;
}

/**
 * A finished model's buttons: its best-answer vote (or, while a blind compare hides its models, its
 * pick), "Continue with", and "Show full answer" whenever its answer was clipped.
 */
function modelButtons(
  run: CompareRun,
  model: ModelRun,
  index: number,
  clipped: boolean,
  view: CompareView,
): Button[] {
  const value = JSON.stringify({ run: run.id, model: index });
  const showFull = [
    ...(clipped ? [button('Show full answer', `${COMPARE_ACTIONS.showFull}_${index}`, value)] : []),
    ...(hasReasoning(model)
      ? [button(':thought_balloon: Show reasoning', `${COMPARE_ACTIONS.showReasoning}_${index}`, value)]
      : []),
  ];
  if (model.status !== 'done') return showFull;
  if (isHidden(run))
    return [
      button(`:trophy: ${blindLabel(index)} is best`, `${COMPARE_ACTIONS.blindPick}_${index}`, value),
      ...showFull,
    ];
  const votes = view.votes?.[String(index)] ?? 0;
  // A blind compare was judged once, by its verdict; votes would count it twice on the leaderboard.
  const vote = run.options.blind
    ? []
    : [
        button(
          `:trophy: Best answer${votes > 0 ? ` (${votes})` : ''}`,
          `${COMPARE_ACTIONS.vote}_${index}`,
          value,
        ),
      ];
  return [
    ...vote,
    button(`Continue with ${model.label}`, `${COMPARE_ACTIONS.continueWith}_${index}`, value),
    ...showFull,
  ];
}

/** What the total leaves out: the models on Provisioned Throughput, paid by the hour rather than per call. */
const excludedHourly = (models: ModelRun[]) =>
  models.length === 0 ? '' : `, excluding ${models.map((model) => model.label).join(', ')}, ${BILLED_HOURLY}`;

function summaryText(run: CompareRun): string {
  const summary = summarize(run);
  const line = (label: string, model: ModelRun | undefined, value: (model: ModelRun) => string) =>
    model ? `${label}: *${model.label}* (${value(model)})` : undefined;
  const lines = [
    line('Fastest to first token', summary.fastestFirstToken, (model) => seconds(model.firstTokenMs)),
    line('Fastest overall', summary.fastestOverall, (model) => seconds(model.latencyMs)),
    line('Cheapest', summary.cheapest, (model) => formatUsd(model.costUsd)),
    line(
      'Longest answer',
      summary.longest,
      (model) => `${tokenCount(model.answerTokens ?? model.outputTokens, model.tokensEstimated)} tokens`,
    ),
    `Total cost: ${formatUsd(summary.totalCostUsd, { estimate: summary.costEstimated })}${summary.costIncomplete ? ' + models with unknown prices' : ''}${excludedHourly(summary.billedHourly)}`,
  ].filter((entry): entry is string => entry !== undefined);
  return clip(`*Summary*\n${lines.join('\n')}`, LIMITS.sectionText);
}

function settingsLine(run: CompareRun): string {
  const parts = [`<@${run.userId}>`, `max tokens ${run.maxTokens}`];
  if (run.options.arena) parts.push('arena');
  else if (run.options.blind) parts.push('blind');
  if (run.options.temperature !== undefined) parts.push(`temperature ${run.options.temperature}`);
  if (run.options.think)
    parts.push(`thinking${run.options.think.budget ? ` ${run.options.think.budget}` : ''}`);
  if (run.options.effort) parts.push(`effort ${run.options.effort}`);
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

/** A table row's name: the short name, after the letter it had while the compare was blind. */
const rowName = (run: CompareRun) => (model: ModelRun, index: number) =>
  run.options.blind ? `${blindLabel(index)}: ${model.label}` : model.label;

/** The whole compare message, valid at every stage: placeholders, streaming, final. */
export function compareMessage(run: CompareRun, view: CompareView = {}): SlackMessage {
  return messageOf(run, (model, index, budget) => modelBlocks(run, model, index, budget, view));
}

/**
 * A streaming compare's message, rendered again and again at the cost of what changed: a model
 * whose state is as at the last render keeps its blocks, and each answer converts only its new text
 * (`StreamingMrkdwn`), up to and including the final message. Shows what `compareMessage` would.
 */
export class StreamingCompareMessage {
  private readonly models: { state: string; blocks: KnownBlock[]; answer: StreamingMrkdwn }[] = [];

  render(run: CompareRun): SlackMessage {
    // The final message has the figures table and buttons: every model's blocks are built anew.
    const final = run.finishedAt !== undefined;
    return messageOf(run, (model, index, budget) => {
      const part = this.models[index] ?? { state: '', blocks: [], answer: new StreamingMrkdwn() };
      this.models[index] = part;
      // An answer and its reasoning only grow, so their lengths stand for them.
      const state = JSON.stringify({
        ...model,
        text: model.text.length,
        reasoning: model.reasoning?.length,
      });
      if (final || state !== part.state) {
        part.blocks = modelBlocks(run, model, index, budget, {}, (text, max) =>
          part.answer.render(text, max),
        );
        part.state = final ? '' : state;
      }
      return part.blocks;
    });
  }
}

function messageOf(
  run: CompareRun,
  blocksOf: (model: ModelRun, index: number, budget: number) => KnownBlock[],
): SlackMessage {
  const budget = Math.floor(ANSWER_BUDGET / Math.max(1, run.models.length));
  const hidden = isHidden(run);
  const title = run.options.arena
    ? `Arena: ${run.prompt}`
    : run.options.blind
      ? `Blind compare: ${run.prompt}`
      : `Compare: ${run.prompt}`;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, LIMITS.headerText) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: clip(settingsLine(run), LIMITS.sectionText) }] },
  ];
  // Once finished, the figures open the message; a blind compare shows them only with the names.
  if (run.finishedAt !== undefined && !hidden) blocks.push(figuresTable(run, rowName(run)));
  run.models.forEach((model, index) => {
    blocks.push({ type: 'divider' }, ...blocksOf(model, index, budget));
  });
  if (run.finishedAt !== undefined && hidden) {
    blocks.push(
      { type: 'divider' },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: run.options.arena
              ? 'Everyone here: pick the best answer, once each (Tie and All bad count too). The models stay hidden; your vote counts in `/compare leaderboard`, and you alone see which model wrote what.'
              : `<@${run.userId}>: pick the best answer; the models and their figures show once you do.`,
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
  return slackMessage(
    {
      text: clip(`Compare (${names}): ${run.prompt}`, LIMITS.fallbackText),
      blocks: blocks.slice(0, LIMITS.blocks),
    },
    [run.userId, run.verdict?.by],
  );
}
