import type { WebClient } from '@slack/web-api';
import type { Catalog, CatalogSource } from '../../bedrock/catalog.js';
import type { ChannelDefaults, ChannelSettings } from '../../defaults/channel-settings.js';
import { checkDefaultsForm, type DefaultsForm, type DefaultsFormErrors } from '../../defaults/form.js';
import { failed, ok, type Result } from '../../result.js';
import { defaultsModal } from '../kit/defaults-modal.js';
import type { FormSeal } from '../kit/form-origin.js';
import type { SlackMessage } from '../kit/message.js';
import { escapeMrkdwn } from '../kit/mrkdwn.js';
import { notice } from '../kit/notices.js';
import type { Requester } from '../kit/requester.js';

export const CHANNEL_SETTINGS_VIEW = 'channel_settings_modal';

export interface ChannelSettingsFlowDeps {
  client: WebClient;
  catalog: CatalogSource;
  channels: ChannelDefaults;
  seal: FormSeal;
  maxModels: number;
}

/** The names of models kept by ID, as people read them. */
const namesOf = (catalog: Catalog, ids: string[]) =>
  ids.map((id) => `*${escapeMrkdwn(catalog.find(id)?.model.name ?? id)}*`).join(', ');

/** A channel's settings in one line each, for help and the confirmation; empty when it has none. */
function channelSettingsLines(catalog: Catalog, settings: ChannelSettings | undefined): string[] {
  if (!settings) return [];
  return [
    ...(settings.compareModels ? [`• Compare set: ${namesOf(catalog, settings.compareModels)}`] : []),
    ...(settings.chatModel ? [`• Chat model: ${namesOf(catalog, [settings.chatModel])}`] : []),
    ...(settings.systemPrompt ? [`• System prompt: “${escapeMrkdwn(settings.systemPrompt)}”`] : []),
  ];
}

/**
 * A channel's defaults, set by its members from a modal: the compare set, the chat model and a system
 * prompt, used by /compare and mentions there; a person's own defaults still win.
 */
export class ChannelSettingsFlow {
  constructor(private readonly deps: ChannelSettingsFlowDeps) {}

  /** The settings form of `requester.channelId`, sealed to it, as a view to open or to update a view with. */
  async form(requester: Requester): Promise<ReturnType<typeof defaultsModal>> {
    const { deps } = this;
    const [catalog, current] = await Promise.all([
      deps.catalog.load(),
      deps.channels.of(requester.teamId, requester.channelId),
    ]);
    const by = current ? ` Last set by <@${current.updatedBy}>.` : '';
    return defaultsModal({
      callbackId: CHANNEL_SETTINGS_VIEW,
      title: 'Channel settings',
      submit: 'Save',
      intro: `Defaults for everyone in <#${requester.channelId}>: \`/compare\` without model names and new thread conversations here use them. Anyone who saved defaults of their own keeps theirs.${by}`,
      models: catalog.invocableTextModels(),
      initial: current ?? {},
      maxModels: deps.maxModels,
      withSystemPrompt: true,
      privateMetadata: deps.seal.seal(requester),
    });
  }

  /** The channel's settings as help shows them: one line each, none when it has none. */
  async describe(catalog: Catalog, teamId: string, channelId: string): Promise<string[]> {
    return channelSettingsLines(catalog, await this.deps.channels.of(teamId, channelId));
  }

  /** Checks and saves a submitted form, fast enough for the submission's 3-second ack. */
  async save(form: DefaultsForm, requester: Requester): Promise<Result<SlackMessage, DefaultsFormErrors>> {
    const catalog = await this.deps.catalog.load();
    const checked = checkDefaultsForm(form, catalog, this.deps.maxModels);
    if (!checked.ok) return failed(checked.problem);
    const { teamId, channelId, userId } = requester;
    await this.deps.channels.save(teamId, channelId, userId, checked.value);
    const lines = channelSettingsLines(catalog, await this.deps.channels.of(teamId, channelId));
    return ok(
      lines.length > 0
        ? notice(`Saved the defaults of <#${channelId}>:\n${lines.join('\n')}`, ':gear:')
        : notice(`<#${channelId}> has no defaults of its own now: the workspace’s apply.`, ':gear:'),
    );
  }
}
