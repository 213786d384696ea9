import type { Catalog } from '../bedrock/catalog.js';
import type { ModelFailure } from '../bedrock/errors.js';
import type { Attachment } from '../bedrock/messages.js';
import type { ChannelDefaults } from '../defaults/channel-settings.js';
import { ok, type Result } from '../result.js';
import {
  type Conversation,
  type ConversationTurn,
  type PreferenceStore,
  StoreUnavailableError,
} from '../store/types.js';
import type { UsageGuard } from '../usage/guard.js';
import type { UsageLedger } from '../usage/ledger.js';
import { chooseModel, type Speaking } from './model-choice.js';
import { replyNotes } from './notes.js';
import { type AnsweredReply, type ChatService, emptyConversation, type PersonStop } from './service.js';

/** Where a conversation the store has lost can be read again: the thread it lives in. */
export interface EarlierTurns {
  /** The turns before the one being answered, or why they cannot be had (told as a note). */
  read(): Promise<Result<ConversationTurn[]>>;
}

export interface TurnRequest extends Speaking {
  turn: ConversationTurn;
  attachments: Attachment[];
  /** Where earlier turns can be re-read when the store has none; absent when there can be none. */
  earlier?: EarlierTurns;
  /** Where the person may stop the answer as it streams. */
  stop?: PersonStop;
}

export type TurnOutcome =
  | { kind: 'answered'; modelName: string; reply: AnsweredReply; notes: string[] }
  /** Bedrock refused or failed: nothing was charged, nothing is stored. */
  | { kind: 'model-failed'; modelName: string; failure: ModelFailure };

export interface ChatTurnsDeps {
  service: ChatService;
  guard: Pick<UsageGuard, 'admit' | 'recordSpend'>;
  usage: Pick<UsageLedger, 'record'>;
  preferences: PreferenceStore;
  /** A channel's chat model and system prompt, where its members set them. */
  channels: Pick<ChannelDefaults, 'of'>;
  defaultModel: string;
  /** Runs a booking again, detached, until the store is back: the person has their answer already. */
  retryLater: (booking: () => Promise<void>) => void;
}

const STORE_DOWN_NOTE =
  'The app’s state store (Redis) is unreachable, so this turn is not saved yet; I will save it as soon as Redis is back.';

/**
 * One turn of a conversation with a model: admitted against the usage limits, answered as the only
 * turn in progress in its thread, its cost booked once and the conversation stored. The one owner
 * of a turn's booking: nothing else records a chat turn's spend.
 */
export class ChatTurns {
  constructor(private readonly deps: ChatTurnsDeps) {}

  /** Counts the turn against the person's and the workspace's limits. */
  admit(teamId: string, userId: string): Promise<Result<void>> {
    return this.deps.guard.admit(teamId, userId);
  }

  /** Answers `request.turn`, streaming the text so far (the model's name, its reasoning so far) to `onText`. */
  async take(
    catalog: Catalog,
    request: TurnRequest,
    onText: (textSoFar: string, modelName: string, reasoningSoFar?: string) => void,
  ): Promise<Result<TurnOutcome>> {
    const { service } = this.deps;
    const notes: string[] = [];
    let booked: Promise<void> = Promise.resolve();
    const answered = await service.exclusive(request.conversationId, async () => {
      const [stored, preferences, channel] = await Promise.all([
        service.load(request.conversationId),
        this.deps.preferences.getPreferences(request.teamId, request.userId),
        this.deps.channels.of(request.teamId, request.channelId),
      ]);
      const conversation = stored ?? (await this.rebuild(request.earlier, notes));
      const defaultModel = channel?.chatModel ?? this.deps.defaultModel;
      const model = chooseModel(catalog, stored, preferences.chatModel, defaultModel);
      if (!model.ok) return model;
      const modelName = model.value.model.name;
      const reply = await service.reply(
        {
          conversationId: request.conversationId,
          conversation: {
            ...conversation,
            modelId: model.value.invokeId,
            // A conversation without a system prompt of its own follows its channel's.
            systemPrompt: conversation.systemPrompt ?? channel?.systemPrompt,
          },
          model: model.value,
          turn: request.turn,
          attachments: request.attachments,
          stop: request.stop,
        },
        (soFar, reasoning) => onText(soFar, modelName, reasoning),
      );
      // Booked as soon as Bedrock has charged for it, whatever becomes of the Slack message, and
      // awaited once the lock is released.
      if (reply.ok) booked = this.book(request, reply, notes, model.value.model.modelId);
      return ok({ modelName, reply });
    });
    await booked;
    if (!answered.ok) return answered;
    const { modelName, reply } = answered.value;
    if (!reply.ok) return ok({ kind: 'model-failed', modelName, failure: reply.failure });
    return ok({
      kind: 'answered',
      modelName,
      reply,
      notes: [...notes, ...replyNotes(catalog, modelName, reply)],
    });
  }

  /** A conversation the store does not have: rebuilt from where it lives, when it can be. */
  private async rebuild(earlier: EarlierTurns | undefined, notes: string[]): Promise<Conversation> {
    const read = earlier ? await earlier.read() : ok([]);
    if (!read.ok) notes.push(read.problem.message);
    return { ...emptyConversation(''), turns: read.ok ? read.value : [] };
  }

  /**
   * Books a turn's cost and saves it. With the store unreachable the answer is still shown, with a
   * note, and both are written once the store is back (tried for a while, detached). Each step is
   * done once, so a retry after a half-done try never counts the cost twice.
   */
  /** `modelId`: the catalog's, as compares book it, whichever profile was invoked. */
  private async book(
    request: TurnRequest,
    reply: AnsweredReply,
    notes: string[],
    modelId: string,
  ): Promise<void> {
    const { guard, service } = this.deps;
    let spendBooked = false;
    let usageBooked = false;
    let saved = reply.saved;
    const booking = async () => {
      if (!spendBooked) await guard.recordSpend(request.teamId, request.userId, reply.costUsd ?? 0);
      spendBooked = true;
      if (!usageBooked) {
        await this.deps.usage.record(request.teamId, request.userId, [
          {
            modelId,
            inputTokens: reply.inputTokens,
            outputTokens: reply.outputTokens,
            costUsd: reply.costUsd,
          },
        ]);
      }
      usageBooked = true;
      if (!saved) await service.save(request.conversationId, reply.conversation);
      saved = true;
    };
    try {
      await booking();
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      notes.push(STORE_DOWN_NOTE);
      this.deps.retryLater(booking);
    }
  }
}
