import type { KnownBlock, View } from '@slack/types';
import { formatUsd } from '../../bedrock/pricing.js';
import type { CompareRun, ModelRun } from '../../compare/types.js';
import { clip, LIMITS, splitMrkdwn } from '../kit/limits.js';
import { slackView } from '../kit/message.js';
import { escapeMrkdwn } from '../kit/mrkdwn.js';
import { seconds, tokenCount } from './figures.js';

/** Whether the model sent reasoning (text, or redacted bytes only). */
export const hasReasoning = (model: ModelRun) => model.reasoning !== undefined;

/** True while the model thinks and no answer token has arrived yet. */
export const isThinking = (model: ModelRun) =>
  model.status === 'streaming' && model.text === '' && hasReasoning(model);

/** "thinking… 3.1 s": the slot of a model that is still reasoning. */
export const thinkingLine = (model: ModelRun) => `thinking… ${seconds(model.thinkingMs ?? 0)}`;

/** The latest line of thought, for the small print under a thinking model. */
export function latestThought(model: ModelRun): string | undefined {
  if (model.reasoningRedacted && !model.reasoning) return '_its reasoning is redacted_';
  const line = (model.reasoning ?? '')
    .split('\n')
    .map((part) => part.trim())
    .filter(Boolean)
    .at(-1);
  return line ? `:thought_balloon: _${escapeMrkdwn(clip(line, 200))}_` : undefined;
}

/** The reasoning figures of a finished model, for its line under the answer. */
export function reasoningFigures(model: ModelRun): string[] {
  if (!hasReasoning(model)) return [];
  const parts = [
    `first answer token ${seconds(model.firstAnswerTokenMs)}`,
    `thought ${seconds(model.thinkingMs)}`,
  ];
  if (model.reasoningTokens !== undefined) {
    const cost =
      model.reasoningCostUsd === undefined
        ? ''
        : `, ${formatUsd(model.reasoningCostUsd, { estimate: true })}`;
    parts.push(`${tokenCount(model.reasoningTokens, model.tokensEstimated)} reasoning tokens${cost}`);
  }
  return parts;
}

/**
 * A modal with the model's whole reasoning, apart from its answer; while a blind compare hides its
 * models, under its letter only.
 */
export function reasoningModal(run: CompareRun, index: number, hiddenAs: string | undefined): View {
  const model = run.models[index];
  if (!model) throw new RangeError(`compare ${run.id} has no model ${index}`);
  const text = model.reasoning?.trim()
    ? model.reasoning
    : 'The model’s reasoning came redacted: Bedrock billed it, but it cannot be shown.';
  const pieces = splitMrkdwn(escapeMrkdwn(text), LIMITS.sectionText - 100);
  const room = LIMITS.modalBlocks - 2;
  const who = hiddenAs ? `*${hiddenAs}*` : `*${escapeMrkdwn(model.name)}* · \`${model.invokeId}\``;
  const figures = hiddenAs ? [] : reasoningFigures(model);
  const blocks: KnownBlock[] = [
    { type: 'context', elements: [{ type: 'mrkdwn', text: clip([who, ...figures].join(' · '), 300) }] },
    ...pieces
      .slice(0, room)
      .map((piece): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: piece } })),
  ];
  if (pieces.length > room) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: '_The reasoning continues past what a Slack modal can hold._' }],
    });
  }
  return slackView({
    type: 'modal',
    title: { type: 'plain_text', text: clip(`Reasoning: ${hiddenAs ?? model.label}`, LIMITS.modalTitle) },
    close: { type: 'plain_text', text: 'Close' },
    blocks,
  });
}
