import type { KnownBlock, View } from '@slack/types';
import type { CompareRun } from '../../compare/types.js';
import { clip, LIMITS, splitMrkdwn } from '../kit/limits.js';
import { slackView } from '../kit/message.js';
import { toMrkdwn } from '../kit/mrkdwn.js';
import { blindLabel, isHidden } from './message.js';

/**
 * A modal with the whole answer of the model at `index`, split into sections at paragraph and
 * code-block boundaries; while a blind compare hides its models, under its letter ("Answer A") only.
 */
export function fullAnswerModal(run: CompareRun, index: number): View {
  const model = run.models[index];
  if (!model) throw new RangeError(`compare ${run.id} has no model ${index}`);
  const hiddenAs = isHidden(run) ? `Answer ${blindLabel(index)}` : undefined;
  const pieces = splitMrkdwn(toMrkdwn(model.text), LIMITS.sectionText - 100);
  const room = LIMITS.modalBlocks - 2;
  const partial = model.status === 'timed-out' ? ' · partial: the model timed out' : '';
  const who = hiddenAs ? `*${hiddenAs}*` : `*${model.name}* · \`${model.invokeId}\``;
  const blocks: KnownBlock[] = [
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: clip(`${who}${partial}`, 300) }],
    },
    ...pieces.slice(0, room).map((text): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } })),
  ];
  if (pieces.length > room) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: '_The answer continues past what a Slack modal can hold._' }],
    });
  }
  return slackView({
    type: 'modal',
    title: { type: 'plain_text', text: clip(hiddenAs ?? model.label, LIMITS.modalTitle) },
    close: { type: 'plain_text', text: 'Close' },
    blocks,
  });
}
