import type { App, BlockButtonAction, RespondFn } from '@slack/bolt';
import type { View } from '@slack/types';
import { EXPIRED_RUN } from '../../compare/runs.js';
import type { Logger } from '../../logger.js';
import type { WorkTracker } from '../../ops/work-tracker.js';
import { failed, type Result } from '../../result.js';
import { runDetached } from '../kit/detached.js';
import { problemNotice } from '../kit/problem.js';
import { requesterOfAction } from '../kit/requester.js';
import { COMPARE_ACTIONS } from './message.js';
import type { Click, CompareRunActions } from './run-actions.js';

/** A per-model button's value: the run and the model's place in it. */
function target(value: string | undefined): { run: string; model: number } | undefined {
  try {
    const parsed = JSON.parse(value ?? '') as { run?: unknown; model?: unknown };
    return typeof parsed.run === 'string' && typeof parsed.model === 'number'
      ? { run: parsed.run, model: parsed.model }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Who clicked, on which message: Slack's own fields of the click, never anything the button carries. */
function where(body: BlockButtonAction): Click {
  return { ...requesterOfAction(body), messageTs: body.message?.ts ?? body.container?.message_ts ?? '' };
}

/** The compare message's buttons: ack at once, then act detached, answering failures privately. */
export function registerCompareButtons(
  app: App,
  actions: CompareRunActions,
  work: WorkTracker,
  logger: Logger,
): void {
  const button = (
    prefix: string,
    act: (body: BlockButtonAction, value: string, respond: RespondFn) => Promise<unknown>,
  ) => {
    app.action<BlockButtonAction>(
      new RegExp(`^${prefix}(_\\d+)?$`),
      async ({ ack, body, action, respond }) => {
        await ack();
        // Answers to a click go to the clicker alone and never replace the compare message itself.
        const privately: RespondFn = (message) =>
          respond({
            ...(typeof message === 'string' ? { text: message } : message),
            replace_original: false,
          });
        runDetached(
          work,
          logger,
          `compare button ${prefix}`,
          (message) => privately({ response_type: 'ephemeral', ...message }),
          () => act(body, action.value ?? '', privately),
        );
      },
    );
  };

  button(COMPARE_ACTIONS.runAgain, (body, value, respond) => actions.rerun(value, where(body), respond));

  button(COMPARE_ACTIONS.vote, async (body, value, respond) => {
    const picked = target(value);
    if (picked) await actions.vote(picked.run, picked.model, where(body), respond);
  });

  button(COMPARE_ACTIONS.blindPick, async (body, value, respond) => {
    const picked = target(value);
    if (picked) await actions.blindVerdict(picked.run, picked.model, where(body), respond);
  });
  button(COMPARE_ACTIONS.blindTie, (body, value, respond) =>
    actions.blindVerdict(value, 'tie', where(body), respond),
  );
  button(COMPARE_ACTIONS.blindBad, (body, value, respond) =>
    actions.blindVerdict(value, 'bad', where(body), respond),
  );

  button(COMPARE_ACTIONS.continueWith, async (body, value, respond) => {
    const picked = target(value);
    if (picked) await actions.continueWith(picked.run, picked.model, where(body), respond);
  });

  modalButton(app, COMPARE_ACTIONS.showFull, (picked, body) =>
    actions.fullAnswer(picked.run, picked.model, where(body)),
  );
  modalButton(app, COMPARE_ACTIONS.showReasoning, (picked, body) =>
    actions.reasoning(picked.run, picked.model, where(body)),
  );
}

/** A per-model button that opens a modal: within 3 s of the click (trigger_id), so not detached. */
function modalButton(
  app: App,
  prefix: string,
  open: (picked: { run: string; model: number }, body: BlockButtonAction) => Promise<Result<View>>,
): void {
  app.action<BlockButtonAction>(
    new RegExp(`^${prefix}_\\d+$`),
    async ({ ack, body, action, client, respond }) => {
      await ack();
      const picked = target(action.value);
      const answer = picked ? await open(picked, body) : failed(EXPIRED_RUN);
      if (!answer.ok) {
        await respond({
          response_type: 'ephemeral',
          replace_original: false,
          ...problemNotice(answer.problem),
        });
        return;
      }
      await client.views.open({ trigger_id: body.trigger_id, view: answer.value });
    },
  );
}
