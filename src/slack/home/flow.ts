import type { WebClient } from '@slack/web-api';
import type { CatalogSource } from '../../bedrock/catalog.js';
import { checkDefaultsForm, type DefaultsForm, type DefaultsFormErrors } from '../../defaults/form.js';
import { failed, ok, type Result } from '../../result.js';
import type { PreferenceStore } from '../../store/types.js';
import { defaultsModal } from '../kit/defaults-modal.js';
import type { FormSeal } from '../kit/form-origin.js';
import type { Requester } from '../kit/requester.js';
import type { HomePublisher } from './publisher.js';

export const PERSONAL_DEFAULTS_VIEW = 'home_defaults_modal';

export interface HomeFlowDeps {
  client: WebClient;
  catalog: CatalogSource;
  preferences: PreferenceStore;
  publisher: HomePublisher;
  seal: FormSeal;
  maxModels: number;
}

/** App Home: publishing it, and a person's own defaults edited from it. */
export class HomeFlow {
  constructor(private readonly deps: HomeFlowDeps) {}

  opened(teamId: string, userId: string): Promise<void> {
    return this.deps.publisher.open(teamId, userId);
  }

  changed(teamId: string, userId: string): Promise<void> {
    return this.deps.publisher.refresh(teamId, userId);
  }

  /** The form for a person's own defaults, filled with what they saved. */
  async openDefaults(requester: Requester, triggerId: string): Promise<void> {
    const [catalog, preferences] = await Promise.all([
      this.deps.catalog.load(),
      this.deps.preferences.getPreferences(requester.teamId, requester.userId),
    ]);
    await this.deps.client.views.open({
      trigger_id: triggerId,
      view: defaultsModal({
        callbackId: PERSONAL_DEFAULTS_VIEW,
        title: 'My defaults',
        submit: 'Save',
        intro:
          'Your own defaults win everywhere: `/compare` without model names runs your set, and your new thread conversations start with your chat model. Leave a field empty to use the channel’s or the workspace’s.',
        models: catalog.invocableTextModels(),
        initial: preferences,
        maxModels: this.deps.maxModels,
        withSystemPrompt: false,
        privateMetadata: this.deps.seal.seal(requester),
      }),
    });
  }

  /** Checks and saves a submitted form within the submission's 3-second ack. */
  async saveDefaults(form: DefaultsForm, requester: Requester): Promise<Result<void, DefaultsFormErrors>> {
    const checked = checkDefaultsForm(form, await this.deps.catalog.load(), this.deps.maxModels);
    if (!checked.ok) return failed(checked.problem);
    // Saved as given: an empty field clears the person's own default.
    await this.deps.preferences.setPreferences(requester.teamId, requester.userId, {
      compareModels: checked.value.compareModels,
      chatModel: checked.value.chatModel,
    });
    return ok(undefined);
  }
}
