import type { App, BlockButtonAction } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { WorkTracker } from '../../ops/work-tracker.js';
import { failed } from '../../result.js';
import { readDefaultsForm } from '../kit/defaults-modal.js';
import { runDetached } from '../kit/detached.js';
import { describeFailure } from '../kit/failures.js';
import { type FormSeal, UNSEALED_FORM } from '../kit/form-origin.js';
import { requesterOfAction } from '../kit/requester.js';
import type { ViewValues } from '../kit/view-state.js';
import { type HomeFlow, PERSONAL_DEFAULTS_VIEW } from './flow.js';
import { HOME_ACTIONS } from './view.js';

/** App Home: published when opened (and changed), and the person's defaults edited from it. */
export function registerHome(
  app: App,
  flow: HomeFlow,
  seal: FormSeal,
  work: WorkTracker,
  logger: Logger,
): void {
  app.event('app_home_opened', async ({ event, body, context }) => {
    // The Messages tab opens this event too; only the Home tab shows a view.
    if (event.tab !== 'home') return;
    const teamId = context.teamId ?? body.team_id;
    runDetached(work, logger, 'publishing App Home', undefined, () => flow.opened(teamId, event.user));
  });

  // The modal must open within 3 s of the click (trigger_id), so this one is not detached.
  app.action<BlockButtonAction>(HOME_ACTIONS.editDefaults, async ({ ack, body }) => {
    await ack();
    await flow.openDefaults(requesterOfAction(body), body.trigger_id);
  });

  app.view(PERSONAL_DEFAULTS_VIEW, async ({ ack, body, view }) => {
    const sealed = seal.open(body);
    if (!sealed) {
      await ack({ response_action: 'errors', errors: { compare_models: UNSEALED_FORM } });
      return;
    }
    const saved = await flow
      .saveDefaults(readDefaultsForm(view.state.values as ViewValues), sealed.origin)
      .catch((error: unknown) => {
        logger.error({ err: error }, 'saving personal defaults failed');
        return failed({ compare_models: describeFailure(error) });
      });
    if (!saved.ok) {
      await ack({ response_action: 'errors', errors: saved.problem as Record<string, string> });
      return;
    }
    await ack();
    const { teamId, userId } = sealed.origin;
    runDetached(work, logger, 'refreshing App Home', undefined, () => flow.changed(teamId, userId));
  });
}
