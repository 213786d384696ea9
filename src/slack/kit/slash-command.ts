import type { App, RespondFn } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { WorkTracker } from '../../ops/work-tracker.js';
import { runDetached } from './detached.js';
import { firstDelivery } from './request-gate.js';
import { type Requester, requesterOfCommand } from './requester.js';

/** What a slash command hands its flow: the text, who asked where, how to answer, and the trigger for a modal. */
export interface CommandFlow {
  handleCommand(text: string, requester: Requester, respond: RespondFn, triggerId: string): Promise<void>;
}

/**
 * A slash command acked at once and handled detached, so the 3-second ack never waits on Bedrock or
 * the store (its replay check included); a failure is answered privately, never with silence.
 */
export function registerSlashCommand(
  app: App,
  name: string,
  flow: CommandFlow,
  work: WorkTracker,
  logger: Logger,
): void {
  app.command(name, async ({ command, ack, respond, context }) => {
    await ack();
    runDetached(
      work,
      logger,
      `slash command ${name}`,
      (message) => respond({ response_type: 'ephemeral', ...message }),
      async () => {
        // A replay of a command already run is acked, and runs nothing.
        if (!(await firstDelivery(context))) return;
        await flow.handleCommand(command.text, requesterOfCommand(command), respond, command.trigger_id);
      },
    );
  });
}
