import type { ContextActionsBlock } from '@slack/types';
import type { FeedbackTarget } from '../../feedback/answers.js';
import { clip, LIMITS } from './limits.js';

/** The action of every feedback button; a compare numbers it per model, as action IDs in one message differ. */
export const FEEDBACK_ACTION = 'answer_feedback';

/**
 * Slack's feedback buttons (a `context_actions` block with a `feedback_buttons` element) under one
 * answer: each button's value names the answer and the thumb, so a click needs nothing else.
 */
export function feedbackBlock(
  target: FeedbackTarget,
  actionId: string = FEEDBACK_ACTION,
): ContextActionsBlock {
  const value = (thumb: 'up' | 'down') => clip(JSON.stringify({ ...target, thumb }), LIMITS.buttonValue);
  return {
    type: 'context_actions',
    elements: [
      {
        type: 'feedback_buttons',
        action_id: actionId,
        positive_button: {
          text: { type: 'plain_text', text: '👍' },
          accessibility_label: 'Good answer',
          value: value('up'),
        },
        negative_button: {
          text: { type: 'plain_text', text: '👎' },
          accessibility_label: 'Bad answer',
          value: value('down'),
        },
      },
    ],
  };
}
