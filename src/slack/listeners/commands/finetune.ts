import type { App } from '@slack/bolt';
import type { Logger } from '../../../logger.js';
import type { WorkTracker } from '../../../ops/work-tracker.js';
import { notice } from '../../blocks/notices.js';
import { describeFailure } from '../../compare-flow.js';
import type { JobsFlow } from '../../jobs-flow.js';

/** `/finetune-status`: ack at once, then ask Bedrock detached. */
export function registerFinetuneCommand(app: App, flow: JobsFlow, work: WorkTracker, logger: Logger): void {
  app.command('/finetune-status', async ({ command, ack, respond }) => {
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
        logger.error({ err: error }, '/finetune-status failed');
        await respond({ response_type: 'ephemeral', ...notice(describeFailure(error)) });
      }
    });
  });
}
