import type { App, BlockButtonAction, RespondFn } from '@slack/bolt';
import { customCompareTargetSchema } from '../../jobs/types.js';
import type { Logger } from '../../logger.js';
import type { WorkTracker } from '../../ops/work-tracker.js';
import { runDetached } from '../kit/detached.js';
import type { SlackMessage } from '../kit/message.js';
import { notice } from '../kit/notices.js';
import { type Requester, requesterOfAction } from '../kit/requester.js';
import { JOB_ACTIONS } from './blocks.js';
import type { JobsFlow } from './flow.js';

function parseJson(value: string | undefined): unknown {
  try {
    return JSON.parse(value ?? 'null');
  } catch {
    return undefined;
  }
}

/** The job list's and job card's buttons; answers go to the clicker alone. */
export function registerJobButtons(app: App, flow: JobsFlow, work: WorkTracker, logger: Logger): void {
  const button = (
    actionId: string,
    act: (value: string, who: Requester, reply: (message: SlackMessage) => Promise<unknown>) => Promise<void>,
    options: { replace: boolean } = { replace: false },
  ) => {
    app.action<BlockButtonAction>(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      const reply = (message: SlackMessage) =>
        (respond as RespondFn)({ response_type: 'ephemeral', replace_original: options.replace, ...message });
      runDetached(work, logger, `job button ${actionId}`, reply, async () => {
        const who = requesterOfAction(body);
        if (await flow.admitted(who, reply)) await act(action.value ?? '', who, reply);
      });
    });
  };

  button(JOB_ACTIONS.details, (arn, who, reply) => flow.details(arn, who, reply));
  button(JOB_ACTIONS.more, (cursor, _who, reply) => flow.more(cursor, reply), { replace: true });
  button(JOB_ACTIONS.refresh, (arn, who, reply) => flow.details(arn, who, reply), { replace: true });
  button(JOB_ACTIONS.watch, (arn, who, reply) => flow.watch(arn, who, reply));
  button(JOB_ACTIONS.unwatch, (arn, who, reply) => flow.unwatch(arn, who, reply));
  button(JOB_ACTIONS.stop, (arn, who, reply) => flow.stop(arn, who, reply));
  button(JOB_ACTIONS.deleteDeployment, (arn, who, reply) => flow.deleteDeployment(arn, who, reply));

  // Deploy follows the deployment in the thread the button was clicked in (the job's watch thread).
  app.action<BlockButtonAction>(JOB_ACTIONS.deploy, async ({ ack, body, action, respond }) => {
    await ack();
    const reply = (message: SlackMessage) =>
      (respond as RespondFn)({ response_type: 'ephemeral', replace_original: false, ...message });
    // An ephemeral message (a job's details) has no thread to follow it in: a card is posted instead.
    const threadTs = body.container?.is_ephemeral ? undefined : (body.message?.thread_ts ?? body.message?.ts);
    runDetached(work, logger, 'job button deploy', reply, async () => {
      const who = requesterOfAction(body);
      if (await flow.admitted(who, reply)) await flow.deploy(action.value ?? '', who, reply, threadTs);
    });
  });

  // The prompt form must open within 3 s of the click (trigger_id), so this one is not detached.
  app.action<BlockButtonAction>(JOB_ACTIONS.compare, async ({ ack, body, action, respond }) => {
    await ack();
    const tell = (message: SlackMessage) =>
      respond({ response_type: 'ephemeral', replace_original: false, ...message });
    const parsed = customCompareTargetSchema.safeParse(parseJson(action.value));
    if (!parsed.success) {
      await tell(notice('That button is out of date.'));
      return;
    }
    const who = requesterOfAction(body);
    if (await flow.admitted(who, tell)) await flow.openCustomCompare(parsed.data, who, body.trigger_id);
  });
}
