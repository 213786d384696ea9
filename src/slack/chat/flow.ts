import type { WebClient } from '@slack/web-api';
import {
  acceptsDocuments,
  acceptsImages,
  Catalog,
  type CatalogSource,
  producesText,
  type ResolvedModel,
} from '../../bedrock/catalog.js';
import { type ChatReply, type ChatService, emptyConversation } from '../../chat/service.js';
import type { Logger } from '../../logger.js';
import type { WorkTracker } from '../../ops/work-tracker.js';
import type { Conversation, ConversationTurn, PreferenceStore, RateLimitStore } from '../../store/types.js';
import { conversationId, StoreUnavailableError } from '../../store/types.js';
import { LockTimeoutError } from '../../store/with-lock.js';
import type { UsageGuard } from '../../usage/guard.js';
import { catalogFailure, describeFailure } from '../kit/failures.js';
import type { SlackFile, SlackFiles } from '../kit/files.js';
import type { SlackMessage } from '../kit/message.js';
import { notice, unknownModelNotice } from '../kit/notices.js';
import { type RetryTiming, retryInBackground, retryUntil } from '../kit/retry.js';
import { findMarkedReply } from '../kit/thread-reader.js';
import { deliverFinal, ThrottledMessage } from '../kit/throttled-message.js';
import type { UserNames } from '../kit/user-names.js';
import { isUncertainFailure } from '../kit/web-client-options.js';
import {
  answerMessages,
  chatFailureMessage,
  chatHelp,
  FORGET_EVENT,
  PLACEHOLDER_EVENT,
  stoppedMessage,
  streamingMessage,
  thinkingMessage,
} from './blocks.js';
import { rebuildThreadHistory, withoutBotMention } from './thread-history.js';

/** A message that speaks to the bot: a mention in a channel, or anything in a DM with it. */
export interface ChatEvent {
  teamId: string;
  channelId: string;
  userId: string;
  text: string;
  ts: string;
  /** Set when the message is itself in a thread. */
  threadTs?: string;
  directMessage: boolean;
  files: SlackFile[];
  botUserId?: string;
}

export interface ChatFlowDeps {
  client: WebClient;
  files: SlackFiles;
  catalog: CatalogSource;
  service: ChatService;
  guard: UsageGuard;
  preferences: PreferenceStore;
  limits: RateLimitStore;
  names: UserNames;
  defaultModel: string;
  logger: Logger;
  /** Where a message still in progress is closed if the app stops first. */
  shutdown: Pick<WorkTracker, 'closeOnShutdown'>;
  /** For final updates. */
  slackRetry: RetryTiming;
  /** For the placeholder, whose retries may have to wait for Slack's one read a minute. */
  placeholderRetry: RetryTiming;
  /** For saving a turn while the store is unreachable. */
  storeRetry: RetryTiming;
  updateIntervalMs?: number;
}

/** Raised while the app cannot yet tell whether an earlier post landed. */
class NotKnownYet extends Error {
  constructor() {
    super('cannot tell yet whether the earlier post landed');
  }
}

type ChatCommand =
  | { kind: 'use'; model: string; asDefault: boolean }
  | { kind: 'which-model' }
  | { kind: 'forget' }
  | { kind: 'help' }
  | { kind: 'turn'; text: string };

export function parseChatCommand(text: string, hasFiles: boolean): ChatCommand {
  const use = text.match(/^(?:use|switch to)\s+`?([^\s`]+)`?(\s+as (?:my )?default)?\s*$/i);
  if (use?.[1]) return { kind: 'use', model: use[1], asDefault: use[2] !== undefined };
  if (/^(?:model|which model)\??$/i.test(text)) return { kind: 'which-model' };
  if (/^(?:forget|reset|start over)$/i.test(text)) return { kind: 'forget' };
  if (/^help$/i.test(text) || (text === '' && !hasFiles)) return { kind: 'help' };
  return { kind: 'turn', text };
}

/** Where a message's reply goes and which conversation it belongs to. */
function placeOf(event: ChatEvent) {
  // A channel mention opens a thread on itself; a top-level DM is one running conversation.
  const threadTs = event.threadTs ?? (event.directMessage ? undefined : event.ts);
  return {
    threadTs,
    id: conversationId(event.teamId, event.channelId, threadTs ?? 'dm'),
    /** True when earlier messages may exist in Slack that the store could have lost. */
    continuesThread: event.threadTs !== undefined && event.threadTs !== event.ts,
  };
}

/** Conversations with a model in a thread or DM: from a Slack message to a streamed reply. */
export class ChatFlow {
  constructor(private readonly deps: ChatFlowDeps) {}

  async handle(event: ChatEvent): Promise<void> {
    const place = placeOf(event);
    const post = async (message: SlackMessage) =>
      (
        await this.deps.client.chat.postMessage({
          channel: event.channelId,
          thread_ts: place.threadTs,
          ...message,
        })
      ).ts;
    const tell = async (message: SlackMessage) => {
      if (event.directMessage) await post(message);
      else
        await this.deps.client.chat.postEphemeral({
          channel: event.channelId,
          user: event.userId,
          thread_ts: place.threadTs,
          ...message,
        });
    };
    let live: ThrottledMessage | undefined;
    try {
      const command = parseChatCommand(
        withoutBotMention(event.text, event.botUserId),
        event.files.length > 0,
      );
      if (command.kind === 'turn') {
        // Independent reads go out together (one Redis round trip with auto-pipelining).
        const [catalog, decision, author] = await Promise.all([
          this.deps.catalog.load(),
          this.deps.guard.admit(event.teamId, event.userId),
          this.deps.names.nameOf(event.teamId, event.userId),
        ]);
        if (!decision.allowed) {
          await tell(notice(decision.reason, ':hourglass:'));
          return;
        }
        live = this.liveMessage(event.channelId, await this.postPlaceholder(event, place.threadTs));
        await this.answer(
          catalog,
          { role: 'user', text: command.text, author, ts: event.ts },
          event,
          place,
          live,
          post,
        );
        return;
      }
      const catalog = await this.deps.catalog.load();
      switch (command.kind) {
        case 'help':
          await post(chatHelp(await this.currentModelName(catalog, place.id, event)));
          return;
        case 'which-model':
          await post(
            notice(
              `This thread talks with *${await this.currentModelName(catalog, place.id, event)}*. Switch with \`@Bedrock use <model>\`.`,
              ':robot_face:',
            ),
          );
          return;
        case 'use':
          await this.switchModel(catalog, command, place.id, event, post, tell);
          return;
        case 'forget':
          await this.deps.service.exclusive(place.id, async () => {
            const conversation = await this.deps.service.load(place.id);
            if (conversation) await this.deps.service.save(place.id, { ...conversation, turns: [] });
          });
          // The marker in the thread outlasts the store: a rebuild from Slack starts after it.
          await post({
            ...notice('I have forgotten this conversation; the next message starts afresh.', ':broom:'),
            metadata: { event_type: FORGET_EVENT, event_payload: { forgotten_by: event.userId } },
          });
          return;
      }
    } catch (error) {
      this.deps.logger.error({ err: error }, 'chat turn failed');
      const message = notice(
        error instanceof LockTimeoutError
          ? 'I’m still answering an earlier message in this thread. Please try again in a moment.'
          : // Model errors are answered in the reply itself; a Bedrock error here is the catalog's.
            error instanceof Error && '$metadata' in error
            ? catalogFailure(error)
            : describeFailure(error),
      );
      if (live) await this.finalize(live, message, post);
      else await post(message);
    }
  }

  /**
   * Posts the "thinking…" placeholder, retrying while Slack fails. A post whose answer was lost may
   * still have landed, so before posting again the app looks for it in Slack (it is marked with the
   * message it answers) and never posts twice.
   */
  private async postPlaceholder(event: ChatEvent, threadTs: string | undefined): Promise<string> {
    const { client, limits } = this.deps;
    const where = { teamId: event.teamId, channelId: event.channelId, threadTs };
    let mayHaveLanded = false;
    return retryUntil(
      async () => {
        if (mayHaveLanded) {
          const landed = await findMarkedReply(client, limits, where, PLACEHOLDER_EVENT, event.ts);
          if (landed === undefined) throw new NotKnownYet();
          if (landed) return landed;
        }
        try {
          const posted = await client.chat.postMessage({
            channel: event.channelId,
            thread_ts: threadTs,
            ...thinkingMessage('Bedrock', event.ts),
          });
          return posted.ts ?? '';
        } catch (error) {
          if (isUncertainFailure(error)) mayHaveLanded = true;
          throw error;
        }
      },
      this.deps.placeholderRetry,
      (error) => error instanceof NotKnownYet || isUncertainFailure(error),
    );
  }

  private liveMessage(channel: string, ts: string): ThrottledMessage {
    return new ThrottledMessage(
      async (message) => {
        await this.deps.client.chat.update({ channel, ts, ...message });
      },
      (error) => this.deps.logger.warn({ err: error }, 'chat streaming update failed'),
      this.deps.updateIntervalMs,
    );
  }

  /** The final state of a reply: updated in place while Slack allows, else posted afresh. */
  private finalize(
    live: ThrottledMessage,
    message: SlackMessage,
    postAfresh: (message: SlackMessage) => Promise<unknown>,
  ): Promise<void> {
    return deliverFinal(live, message, postAfresh, this.deps.slackRetry, (error) =>
      this.deps.logger.warn(
        { err: error },
        'the final chat update failed until its deadline; posting it afresh',
      ),
    );
  }

  private async answer(
    catalog: Catalog,
    turn: ConversationTurn,
    event: ChatEvent,
    place: ReturnType<typeof placeOf>,
    live: ThrottledMessage,
    post: (message: SlackMessage) => Promise<unknown>,
  ): Promise<void> {
    const { service } = this.deps;
    const notes: string[] = [];
    const { attachments, problems } = await this.deps.files.attachments(event.files);
    notes.push(...problems);
    let shown = { name: 'Bedrock', text: '' };
    // Should the app be stopped before the answer is complete, what arrived is its final state.
    const release = this.deps.shutdown.closeOnShutdown(() =>
      live.finish(stoppedMessage(shown.name, shown.text)),
    );
    try {
      let booked: Promise<void> = Promise.resolve();
      const result = await service.exclusive(place.id, async () => {
        const [stored, preferences] = await Promise.all([
          service.load(place.id),
          this.deps.preferences.getPreferences(event.teamId, event.userId),
        ]);
        const conversation = stored ?? (await this.rebuildConversation(event, place, notes));
        const model = this.modelFor(catalog, stored, preferences.chatModel);
        if ('problem' in model) return { name: 'Bedrock', reply: undefined, problem: model.problem };
        const name = model.model.name;
        const reply = await service.reply(
          {
            conversationId: place.id,
            conversation: { ...conversation, modelId: model.invokeId },
            model,
            turn,
            attachments,
          },
          (soFar) => {
            shown = { name, text: soFar };
            live.update(() => streamingMessage(name, soFar));
          },
        );
        // Booked once, as soon as Bedrock has charged for it (whatever becomes of the Slack message),
        // and awaited while the lock is released, in the same round trip.
        if (reply.ok) booked = this.bookTurn(event, place.id, reply, notes);
        return { name, reply, problem: undefined };
      });
      await booked;
      if (!result.reply) {
        await this.finalize(live, notice(result.problem ?? describeFailure(undefined)), post);
        return;
      }
      const { reply, name } = result;
      if (!reply.ok) {
        await this.finalize(live, chatFailureMessage(name, reply.failure), post);
        return;
      }
      const [first, ...rest] = answerMessages(reply.text, {
        modelName: name,
        inputTokens: reply.inputTokens,
        outputTokens: reply.outputTokens,
        costUsd: reply.costUsd,
        conversationCostUsd: reply.conversation.costUsd,
        stopReason: reply.stopReason,
        cutOffAfterMs: reply.cutOffAfterMs,
        notes: [...notes, ...this.replyNotes(catalog, name, reply)],
      });
      await this.finalize(live, first!, post);
      // Later parts are new messages: never retried blindly, since a timed-out post may have landed.
      for (const part of rest) await post(part);
    } finally {
      release();
    }
  }

  /**
   * Books a turn's cost and saves it. With the store unreachable the answer is still shown, with a
   * note, and both are written once the store is back (tried for a few minutes, then logged).
   */
  private async bookTurn(
    event: ChatEvent,
    id: string,
    reply: Extract<ChatReply, { ok: true }>,
    notes: string[],
  ): Promise<void> {
    const { guard, service, logger } = this.deps;
    // Each step is done once, so a retry after a half-done try never counts the cost twice.
    let spendBooked = false;
    let saved = reply.saved;
    const book = async () => {
      if (!spendBooked) await guard.recordSpend(event.teamId, event.userId, reply.costUsd ?? 0);
      spendBooked = true;
      if (!saved) await service.save(id, reply.conversation);
      saved = true;
    };
    try {
      await book();
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      notes.push(
        'The app’s state store (Redis) is unreachable, so this turn is not saved yet; I will save it as soon as Redis is back.',
      );
      retryInBackground(book, this.deps.storeRetry, (lastError) =>
        logger.error({ err: lastError }, 'could not save a chat turn: the store stayed unreachable'),
      );
    }
  }

  private replyNotes(catalog: Catalog, name: string, reply: Extract<ChatReply, { ok: true }>): string[] {
    const notes: string[] = [];
    if (reply.droppedTurns > 0) {
      notes.push(
        `The ${reply.droppedTurns} oldest message${reply.droppedTurns === 1 ? '' : 's'} of this thread were left out to fit ${name}’s context window.`,
      );
    }
    if (reply.unseenImages.length > 0) {
      const seers = this.suggestModels(catalog, acceptsImages);
      notes.push(
        `${name} cannot see images, so it did not see ${reply.unseenImages.join(', ')}.${seers ? ` Models that would: ${seers} (\`@Bedrock use <model>\`).` : ''}`,
      );
    }
    if (reply.unseenDocuments.length > 0) {
      const readers = this.suggestModels(catalog, acceptsDocuments);
      notes.push(
        `${name} cannot read documents, so it did not read ${reply.unseenDocuments.join(', ')}.${readers ? ` Models that would: ${readers}.` : ''}`,
      );
    }
    return notes;
  }

  /** A conversation the store does not have: rebuilt from the thread in Slack where there is one. */
  private async rebuildConversation(
    event: ChatEvent,
    place: ReturnType<typeof placeOf>,
    notes: string[],
  ): Promise<Conversation> {
    let turns: ConversationTurn[] = [];
    if (place.continuesThread && place.threadTs) {
      const rebuilt = await rebuildThreadHistory(this.deps.client, this.deps.limits, this.deps.names, {
        teamId: event.teamId,
        channelId: event.channelId,
        threadTs: place.threadTs,
        currentTs: event.ts,
        botUserId: event.botUserId,
      }).catch((error: unknown) => {
        this.deps.logger.warn({ err: error }, 'could not rebuild a thread from conversations.replies');
        return undefined;
      });
      if (rebuilt?.kind === 'rebuilt') turns = rebuilt.turns;
      else
        notes.push(
          rebuilt?.kind === 'too-long'
            ? 'I no longer had this thread’s earlier messages, and it is longer than the 15 messages Slack lets me re-read at once, so I answered this message on its own.'
            : 'I no longer had this thread’s earlier messages and could not re-read them just now, so I answered this message on its own.',
        );
    }
    return { ...emptyConversation(''), turns };
  }

  /** The thread's own model, else the user's preference, else the workspace default. */
  private modelFor(
    catalog: Catalog,
    conversation: Conversation | undefined,
    preferred: string | undefined,
  ): ResolvedModel | { problem: string } {
    const wanted = conversation?.modelId || preferred || this.deps.defaultModel;
    const resolution = catalog.resolve(wanted);
    if (resolution.ok) return resolution.resolved;
    return {
      problem: `The model this thread uses, \`${wanted}\`, is not available in this account’s Bedrock catalog. Pick another with \`@Bedrock use <model>\`${resolution.suggestions.length ? ` (for example ${resolution.suggestions.map((name) => `\`${name}\``).join(', ')})` : ''}.`,
    };
  }

  private async currentModelName(catalog: Catalog, id: string, event: ChatEvent): Promise<string> {
    const [conversation, preferences] = await Promise.all([
      this.deps.service.load(id),
      this.deps.preferences.getPreferences(event.teamId, event.userId),
    ]);
    const model = this.modelFor(catalog, conversation, preferences.chatModel);
    return 'problem' in model ? 'no available model' : model.model.name;
  }

  /** `use <model>` switches the thread; `use <model> as default` also makes it the user's model for new threads. */
  private async switchModel(
    catalog: Catalog,
    { model: wanted, asDefault }: { model: string; asDefault: boolean },
    id: string,
    event: ChatEvent,
    post: (message: SlackMessage) => Promise<unknown>,
    tell: (message: SlackMessage) => Promise<unknown>,
  ): Promise<void> {
    const resolution = catalog.resolve(wanted);
    if (!resolution.ok) {
      await tell(unknownModelNotice(wanted, resolution.suggestions));
      return;
    }
    const { model, invokeId } = resolution.resolved;
    if (!producesText(model)) {
      await tell(notice(`${model.name} does not write text, so it cannot take part in a conversation.`));
      return;
    }
    await this.deps.service.exclusive(id, async () => {
      const conversation = (await this.deps.service.load(id)) ?? emptyConversation(invokeId);
      await this.deps.service.save(id, { ...conversation, modelId: invokeId });
    });
    if (asDefault)
      await this.deps.preferences.setPreferences(event.teamId, event.userId, { chatModel: invokeId });
    const legacy = model.lifecycle === 'LEGACY' ? ' It is a legacy model that AWS is retiring.' : '';
    const remembered = asDefault ? ` New conversations you start use it too, <@${event.userId}>.` : '';
    await post(
      notice(
        `This thread now talks with *${model.name}* (\`${invokeId}\`).${legacy}${remembered}`,
        ':arrows_counterclockwise:',
        [event.userId],
      ),
    );
  }

  private suggestModels(catalog: Catalog, can: (model: ResolvedModel['model']) => boolean): string {
    return catalog
      .invocableTextModels()
      .filter((model) => model.lifecycle === 'ACTIVE' && can(model))
      .slice(0, 3)
      .map((model) => `\`${Catalog.shortName(model)}\``)
      .join(', ');
  }
}
