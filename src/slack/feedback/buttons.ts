import type { App, BlockFeedbackButtonsAction, RespondFn } from '@slack/bolt';
import { z } from 'zod';
import { type AnswerFeedback, type FeedbackOutcome, feedbackTargetSchema } from '../../feedback/answers.js';
import type { Logger } from '../../logger.js';
import type { WorkTracker } from '../../ops/work-tracker.js';
import { runDetached } from '../kit/detached.js';
import { FEEDBACK_ACTION } from '../kit/feedback.js';
import { notice } from '../kit/notices.js';
import { requesterOfAction } from '../kit/requester.js';

const clickedSchema = z.intersection(feedbackTargetSchema, z.object({ thumb: z.enum(['up', 'down']) }));

/** What a person is told after a thumb: always thanks, and why it did not count when it did not. */
const THANKS: Record<FeedbackOutcome, string> = {
  counted: 'Thanks for the feedback: it counts for this model on `/compare leaderboard` and App Home.',
  'already-given': 'Thanks! You already gave feedback on this answer; the first one is what counts.',
  expired: 'Thanks for the feedback! This answer is too old for it to count any more.',
};

/**
 * Slack's feedback buttons under an answer: acked at once, counted detached, and the clicker alone
 * is thanked. A value that does not read as an answer is thanked and ignored like an expired one.
 */
export function registerFeedbackButtons(
  app: App,
  feedback: AnswerFeedback,
  work: WorkTracker,
  logger: Logger,
  afterCounted: (teamId: string, userId: string) => void = () => {},
): void {
  app.action<BlockFeedbackButtonsAction>(
    new RegExp(`^${FEEDBACK_ACTION}(_\\d+)?$`),
    async ({ ack, body, action, respond }) => {
      await ack();
      const privately: RespondFn = (message) =>
        respond({
          response_type: 'ephemeral',
          replace_original: false,
          ...(typeof message === 'string' ? { text: message } : message),
        });
      runDetached(work, logger, 'feedback', privately, async () => {
        const { teamId, userId } = requesterOfAction(body);
        const clicked = clickedSchema.safeParse(safeJson(action.value));
        let outcome: FeedbackOutcome = 'expired';
        if (clicked.success) {
          const { thumb, ...target } = clicked.data;
          const given = await feedback.give(target, thumb, { teamId, userId });
          if (given.ok) outcome = given.value;
        }
        await privately(notice(THANKS[outcome], outcome === 'counted' ? ':pray:' : ':ok_hand:'));
        if (outcome === 'counted') afterCounted(teamId, userId);
      });
    },
  );
}

function safeJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
}
