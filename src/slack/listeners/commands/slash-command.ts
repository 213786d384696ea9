import type { App, RespondFn } from '@slack/bolt';
import type { Logger } from '../../../logger.js';
import type { WorkTracker } from '../../../ops/work-tracker.js';
import { notice } from '../../blocks/notices.js';
import { describeFailure } from '../../compare-flow.js';

/** What a slash command hands its flow: the text, who asked where, how to answer, and the trigger for a modal. */
export interface CommandFlow {
  handleCommand(
    text: string,
    requester: { teamId: string; userId: string; channelId: string },
    respond: RespondFn,
    triggerId: string,
  ): Promise<void>;
}

/**
 * A slash command acked at once and handled detached, so the 3-second ack never waits on Bedrock;
 * a failure is answered privately, never with silence.
 */
export function registerSlashCommand(
  app: App,
  name: string,
  flow: CommandFlow,
  work: WorkTracker,
  logger: Logger,
): void {
  app.command(name, async ({ command, ack, respond }) => {
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
        logger.error({ err: error, command: name }, 'slash command failed');
        await respond({ response_type: 'ephemeral', ...notice(describeFailure(error)) });
      }
    });
  });
}
