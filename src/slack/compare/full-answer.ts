import type { KnownBlock, View } from '@slack/types';
import type { ModelRun } from '../../compare/types.js';
import { clip, LIMITS, splitMrkdwn, toMrkdwn } from '../kit/limits.js';
import { slackView } from '../kit/message.js';

/**
 * A modal with one model's whole answer, split into sections at paragraph and code-block boundaries.
 * `hiddenAs` ("Answer A") stands for the model while a blind compare still hides it.
 */
export function fullAnswerModal(model: ModelRun, hiddenAs?: string): View {
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
