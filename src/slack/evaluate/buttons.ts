import type { App, BlockButtonAction, RespondFn } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { WorkTracker } from '../../ops/work-tracker.js';
import { runDetached } from '../kit/detached.js';
import { requesterOfAction } from '../kit/requester.js';
import { EVALUATE_ACTIONS } from './blocks.js';
import type { EvaluateFlow } from './flow.js';

/** Start, Cancel and Show: ack at once, act detached, answer the clicker alone. */
export function registerEvaluateButtons(
  app: App,
  flow: EvaluateFlow,
  work: WorkTracker,
  logger: Logger,
): void {
  const button = (
    pattern: RegExp,
    act: (body: BlockButtonAction, value: string, respond: RespondFn) => Promise<unknown>,
  ) => {
    app.action<BlockButtonAction>(pattern, async ({ ack, body, action, respond }) => {
      await ack();
      const privately: RespondFn = (message) =>
        respond({ ...(typeof message === 'string' ? { text: message } : message), replace_original: false });
      runDetached(
        work,
        logger,
        `evaluation button ${action.action_id}`,
        (message) => privately({ response_type: 'ephemeral', ...message }),
        () => act(body, action.value ?? '', privately),
      );
    });
  };
  const messageTs = (body: BlockButtonAction) => body.message?.ts ?? body.container?.message_ts ?? '';
  button(new RegExp(`^${EVALUATE_ACTIONS.start}$`), (body, value, respond) =>
    flow.start(requesterOfAction(body), value, messageTs(body), respond),
  );
  button(new RegExp(`^${EVALUATE_ACTIONS.cancel}$`), (body, value, respond) =>
    flow.cancel(requesterOfAction(body), value, messageTs(body), respond),
  );
  button(new RegExp(`^${EVALUATE_ACTIONS.show}_\\d+_\\d+$`), (_body, value, respond) =>
    flow.show(value, respond),
  );
}
