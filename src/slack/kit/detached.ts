import type { Logger } from '../../logger.js';
import type { WorkTracker } from '../../ops/work-tracker.js';
import { describeFailure } from './failures.js';
import type { SlackMessage } from './message.js';
import { notice } from './notices.js';

/**
 * Runs a listener's work after its ack, so the 3-second ack never waits on Bedrock or the store; the
 * work is tracked for a graceful shutdown, and a failure is logged and told to the person (`tell`),
 * never left as silence.
 */
export function runDetached(
  work: WorkTracker,
  logger: Logger,
  what: string,
  tell: ((message: SlackMessage) => Promise<unknown>) | undefined,
  task: () => Promise<unknown>,
): void {
  work.run(async () => {
    try {
      await task();
    } catch (error) {
      logger.error({ err: error, what }, `${what} failed`);
      await tell?.(notice(describeFailure(error)));
    }
  });
}
