import type { App } from '@slack/bolt';
import type { Logger } from '../../../logger.js';
import type { WorkTracker } from '../../../ops/work-tracker.js';
import { notice } from '../../blocks/notices.js';
import { type CompareFlow, describeFailure } from '../../compare-flow.js';

/** `/compare`: ack at once, then run the compare detached so the 3-second ack never waits on a model. */
export function registerCompareCommand(app: App, flow: CompareFlow, work: WorkTracker, logger: Logger): void {
  app.command('/compare', async ({ command, ack, respond }) => {
    await ack();
    work.run(async () => {
      try {
        await flow.handleCommand(
          command.text,
          { teamId: command.team_id, userId: command.user_id, channelId: command.channel_id },
          respond,
          command.trigger_id,
        );
      } catch (error) {
        logger.error({ err: error }, '/compare failed');
        await respond({ response_type: 'ephemeral', ...notice(describeFailure(error)) });
      }
    });
  });
}
