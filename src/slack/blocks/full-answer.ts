import type { KnownBlock, View } from '@slack/types';
import type { ModelRun } from '../../compare/types.js';
import { clip, LIMITS, splitMrkdwn, toMrkdwn } from './limits.js';
import { slackView } from './message.js';

/** A modal with one model's whole answer, split into sections at paragraph and code-block boundaries. */
export function fullAnswerModal(model: ModelRun): View {
  const pieces = splitMrkdwn(toMrkdwn(model.text), LIMITS.sectionText - 100);
  const room = LIMITS.modalBlocks - 2;
  const blocks: KnownBlock[] = [
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: clip(`*${model.name}* · \`${model.invokeId}\``, 300) }],
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
    title: { type: 'plain_text', text: clip(model.label, LIMITS.modalTitle) },
    close: { type: 'plain_text', text: 'Close' },
    blocks,
  });
}
