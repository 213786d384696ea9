import { type Catalog, producesText, type ResolvedModel } from '../bedrock/catalog.js';
import type { ChannelDefaults } from '../defaults/channel-settings.js';
import { failed, ok, type Problem, problem, type Result } from '../result.js';
import type { Conversation, PreferenceStore } from '../store/types.js';
import { type ChatService, emptyConversation } from './service.js';

/** A model name the catalog does not know: the Slack layer words it with the closest names. */
export interface UnknownModel {
  readonly kind: 'unknown-model';
  readonly wanted: string;
  readonly suggestions: string[];
}

/** The thread's own model, else the person's preference, else the default (the channel's, else the workspace's). */
export function chooseModel(
  catalog: Catalog,
  conversation: Conversation | undefined,
  preferred: string | undefined,
  defaultModel: string,
): Result<ResolvedModel> {
  const wanted = conversation?.modelId || preferred || defaultModel;
  const resolution = catalog.resolve(wanted);
  if (resolution.ok) return ok(resolution.resolved);
  const examples = resolution.suggestions.length
    ? ` (for example ${resolution.suggestions.map((name) => `\`${name}\``).join(', ')})`
    : '';
  return failed(
    problem(
      'unavailable',
      `The model this thread uses, \`${wanted}\`, is not available in this account’s Bedrock catalog. Pick another with \`@Bedrock use <model>\`${examples}.`,
    ),
  );
}

/** A conversation, and the person speaking in it now (in a channel, whose settings may apply). */
export interface Speaking {
  conversationId: string;
  teamId: string;
  userId: string;
  channelId?: string;
}

export interface ModelChoiceDeps {
  service: Pick<ChatService, 'exclusive' | 'load' | 'save'>;
  preferences: PreferenceStore;
  channels: Pick<ChannelDefaults, 'of'>;
  defaultModel: string;
}

/** Which model a thread talks with, and switching it. */
export class ModelChoice {
  constructor(private readonly deps: ModelChoiceDeps) {}

  async current(
    catalog: Catalog,
    { conversationId, teamId, userId, channelId }: Speaking,
  ): Promise<Result<ResolvedModel>> {
    const [conversation, preferences, channel] = await Promise.all([
      this.deps.service.load(conversationId),
      this.deps.preferences.getPreferences(teamId, userId),
      this.deps.channels.of(teamId, channelId),
    ]);
    return chooseModel(
      catalog,
      conversation,
      preferences.chatModel,
      channel?.chatModel ?? this.deps.defaultModel,
    );
  }

  /** Switches the thread to `wanted`; `asDefault` also makes it the person's model for new threads. */
  async switchTo(
    catalog: Catalog,
    { wanted, asDefault }: { wanted: string; asDefault: boolean },
    { conversationId, teamId, userId }: Speaking,
  ): Promise<Result<ResolvedModel, Problem | UnknownModel>> {
    const resolution = catalog.resolve(wanted);
    if (!resolution.ok) return failed({ kind: 'unknown-model', wanted, suggestions: resolution.suggestions });
    const { model, invokeId } = resolution.resolved;
    if (!producesText(model)) {
      return failed(
        problem('invalid', `${model.name} does not write text, so it cannot take part in a conversation.`),
      );
    }
    const { service } = this.deps;
    await service.exclusive(conversationId, async () => {
      const conversation = (await service.load(conversationId)) ?? emptyConversation(invokeId);
      await service.save(conversationId, { ...conversation, modelId: invokeId });
    });
    if (asDefault) await this.deps.preferences.setPreferences(teamId, userId, { chatModel: invokeId });
    return ok(resolution.resolved);
  }
}
