import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { type Answer, type AnswerSoFar, type PartialAnswer, streamAnswer } from '../bedrock/answer.js';
import { TEXT_DOCUMENT_FORMATS } from '../bedrock/attachments.js';
import {
  acceptsDocuments,
  acceptsImages,
  acceptsSystemPrompt,
  type ResolvedModel,
} from '../bedrock/catalog.js';
import { contextWindowOf } from '../bedrock/context-windows.js';
import type { ModelFailure } from '../bedrock/errors.js';
import { type Attachment, toMessages } from '../bedrock/messages.js';
import type { PriceBook } from '../bedrock/pricing.js';
import { markStableHistory, promptCachingOf } from '../bedrock/prompt-caching.js';
import { keepsSignedThinking } from '../bedrock/reasoning.js';
import type { TokenCounter } from '../bedrock/token-counting.js';
import { estimateTokens } from '../bedrock/token-estimate.js';
import type { Metrics } from '../ops/metrics.js';
import {
  type Conversation,
  type ConversationStore,
  type ConversationTurn,
  type LockStore,
  StoreUnavailableError,
  type ThinkingBlock,
} from '../store/types.js';
import { withLock } from '../store/with-lock.js';
import { attachmentTokens, fitToWindowCounted } from './history.js';

export interface ChatDeps {
  runtime: BedrockRuntimeClient;
  conversations: ConversationStore;
  locks: LockStore;
  prices: PriceBook;
  metrics: Metrics;
  modelTimeoutMs: number;
  maxTokens: number;
  ttlSeconds: number;
  /** Bedrock's CountTokens, for trimming history to what fits; without it history is estimated. */
  tokens?: TokenCounter;
}

/**
 * Lets the person who asked stop an answer while it streams: the call to Bedrock ends, so nothing
 * more is generated or billed, and the turn keeps the answer as far as they were shown it.
 */
export class PersonStop {
  private readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  /** The start of the answer the person was shown when they stopped it. */
  shown = '';

  stop(shown: string): void {
    if (this.signal.aborted) return;
    this.shown = shown;
    this.controller.abort();
  }
}

export interface ChatRequest {
  conversationId: string;
  /** The conversation as loaded under the lock, or a fresh one. */
  conversation: Conversation;
  model: ResolvedModel;
  turn: ConversationTurn;
  attachments: Attachment[];
  /** Where the person may stop the answer as it streams. */
  stop?: PersonStop;
}

export type ChatReply =
  | {
      ok: true;
      text: string;
      stopReason: string;
      inputTokens: number;
      outputTokens: number;
      /** Input tokens read from and written to the prompt cache, apart from `inputTokens`. */
      cacheReadTokens: number;
      cacheWriteTokens: number;
      /** Undefined when no price is known for the model; an estimate when the answer was cut short. */
      costUsd?: number;
      /** Set when the model was still answering at the time limit: `text` is what arrived. */
      cutOffAfterMs?: number;
      /** The person stopped it as it streamed: `text` is what they were shown. */
      stoppedByPerson?: boolean;
      conversation: Conversation;
      /** False when the store was unreachable: the caller shows the answer and saves `conversation` later. */
      saved: boolean;
      /** Older turns left out to fit the model's context window. */
      droppedTurns: number;
      /** Attachments the model could not take, by file name. */
      unseenImages: string[];
      unseenDocuments: string[];
    }
  | { ok: false; failure: ModelFailure };

export type AnsweredReply = Extract<ChatReply, { ok: true }>;

/** The most turns kept per conversation; older ones could never fit a context window anyway. */
const MAX_STORED_TURNS = 200;
// Stored user turns note their attachments by name: the bytes are not kept, the fact is.
const INLINE_DOCUMENT_CHARS = 100_000;

export function emptyConversation(modelId: string): Conversation {
  return { modelId, turns: [], inputTokens: 0, outputTokens: 0, costUsd: 0 };
}

/** Thread conversations with a model: history, context window, streaming, cost. Knows nothing of Slack. */
export class ChatService {
  constructor(private readonly deps: ChatDeps) {}

  load(id: string): Promise<Conversation | undefined> {
    return this.deps.conversations.getConversation(id);
  }

  save(id: string, conversation: Conversation): Promise<void> {
    return this.deps.conversations.saveConversation(id, conversation, this.deps.ttlSeconds);
  }

  /**
   * Runs `work` as the only turn in progress for this conversation, across replicas, so two mentions
   * in one thread are answered one after the other and the second sees the first's answer.
   */
  exclusive<T>(id: string, work: () => Promise<T>): Promise<T> {
    return withLock(
      this.deps.locks,
      `conversation:${id}`,
      { ttlMs: 30_000, waitMs: this.deps.modelTimeoutMs + 30_000 },
      work,
    );
  }

  /** Empties the conversation's turns (its model and running cost stay). */
  forget(id: string): Promise<void> {
    return this.exclusive(id, async () => {
      const conversation = await this.load(id);
      if (conversation) await this.save(id, { ...conversation, turns: [] });
    });
  }

  /**
   * The person stopped an answer in Slack only as it ended, once the model had finished: its stored
   * turn (the latest that reads `answer`) becomes what they were shown, marked as stopped by them.
   */
  keepShown(id: string, answer: string, shown: string): Promise<void> {
    return this.exclusive(id, async () => {
      const conversation = await this.load(id);
      const index = conversation?.turns.findLastIndex(
        (turn) => turn.role === 'assistant' && turn.text === answer,
      );
      if (!conversation || index === undefined || index < 0) return;
      const turn = { ...conversation.turns[index]!, text: shown, partial: true, stoppedByPerson: true };
      await this.save(id, { ...conversation, turns: conversation.turns.with(index, turn) });
    });
  }

  /**
   * Answers one user turn, streaming the text so far to `onText` (with the model's reasoning so far,
   * for a model that reasons); saves both turns when it succeeds.
   */
  async reply(
    request: ChatRequest,
    onText: (textSoFar: string, reasoningSoFar?: string) => void,
  ): Promise<ChatReply> {
    const { model, invokeId } = request.model;
    const routed = routeAttachments(model, request.turn, request.attachments);
    const system = acceptsSystemPrompt(model) ? request.conversation.systemPrompt : undefined;
    // Settings "Continue with" carried from a compare (thinking, effort, tier), for the model they were made for.
    const settings =
      request.conversation.modelSettings?.invokeId === invokeId
        ? request.conversation.modelSettings
        : undefined;
    const maxTokens = settings?.maxTokens ?? this.deps.maxTokens;
    const budget = contextWindowOf(model.modelId) - maxTokens - attachmentTokens(routed.sent);
    const { tokens } = this.deps;
    const window = await fitToWindowCounted(
      [...request.conversation.turns, routed.turn],
      budget,
      estimateTokens(system ?? ''),
      tokens && ((turns) => tokens.count(model.modelId, { messages: toMessages(turns), system })),
    );
    if (!window.fits) {
      return {
        ok: false,
        failure: {
          kind: 'validation',
          message: `That message is too long for ${model.name}’s context window (about ${contextWindowOf(model.modelId).toLocaleString('en-US')} tokens). Shorten it, or switch to a model with a larger window.`,
        },
      };
    }

    let shown = 0;
    let thought = 0;
    // The system prompt and the turns before the newest question stay the same turn after turn: cached.
    // Judged by what is invoked, so a provisioned or deployed custom model (an ARN) is sent no cachePoint.
    const caches = promptCachingOf(invokeId) !== undefined;
    const messages = toMessages(window.turns, routed.sent);
    const answer = await streamAnswer(
      this.deps,
      { modelId: model.modelId, invokeId },
      {
        messages: caches ? markStableHistory(messages) : messages,
        system,
        cacheSystem: caches,
        maxTokens,
        additionalModelRequestFields: settings?.fields,
        serviceTier: settings?.serviceTier,
      },
      ({ text, reasoning }) => {
        if (text.length === shown && (reasoning?.length ?? 0) === thought) return;
        shown = text.length;
        thought = reasoning?.length ?? 0;
        onText(text, reasoning);
      },
      request.stop?.signal,
    );
    const received = receivedFrom(answer, request.stop);
    if (!received.ok) return received;
    const { text, costUsd, cutOffAfterMs, stoppedByPerson } = received.value;
    const inputTokens = received.value.inputTokens ?? 0;
    const outputTokens = received.value.outputTokens ?? 0;
    const conversation = extendConversation(request, routed.turn, received.value);
    // A finished answer is shown even when the store is down; saving it is then the caller's to retry.
    const saved = await this.save(request.conversationId, conversation).then(
      () => true,
      (error: unknown) => {
        if (error instanceof StoreUnavailableError) return false;
        throw error;
      },
    );
    return {
      saved,
      ok: true,
      text,
      stopReason: received.value.stopReason ?? 'end_turn',
      inputTokens,
      outputTokens,
      cacheReadTokens: received.value.cacheReadTokens ?? 0,
      cacheWriteTokens: received.value.cacheWriteTokens ?? 0,
      costUsd,
      cutOffAfterMs,
      stoppedByPerson,
      conversation,
      droppedTurns: window.dropped,
      unseenImages: routed.unseenImages,
      unseenDocuments: routed.unseenDocuments,
    };
  }
}

/**
 * What of the attached files goes to the model: what it cannot take is named for the reply's notes,
 * except text documents, which are inlined for a model that reads no documents.
 */
function routeAttachments(
  model: ChatRequest['model']['model'],
  turn: ConversationTurn,
  attachments: Attachment[],
): { turn: ConversationTurn; sent: Attachment[]; unseenImages: string[]; unseenDocuments: string[] } {
  const unseenImages: string[] = [];
  const unseenDocuments: string[] = [];
  const sent: Attachment[] = [];
  let text = turn.text;
  for (const file of attachments) {
    if (file.kind === 'image' && !acceptsImages(model)) unseenImages.push(file.name);
    else if (file.kind === 'document' && !acceptsDocuments(model)) {
      if (TEXT_DOCUMENT_FORMATS.has(file.format)) {
        const content = Buffer.from(file.bytes).toString('utf8').slice(0, INLINE_DOCUMENT_CHARS);
        text += `\n\n${file.name}:\n\`\`\`\n${content}\n\`\`\``;
      } else unseenDocuments.push(file.name);
    } else sent.push(file);
  }
  return { turn: { ...turn, text: text || '(see the attached files)' }, sent, unseenImages, unseenDocuments };
}

type Received = AnswerSoFar & { costUsd?: number; cutOffAfterMs?: number; stoppedByPerson?: boolean };

/**
 * A timed-out answer that got some text is kept, marked partial; with nothing it is a failure. An
 * answer the person stopped is kept as far as they were shown it.
 */
function receivedFrom(
  answer: Answer,
  stop?: PersonStop,
): { ok: true; value: Received } | { ok: false; failure: ModelFailure } {
  if (answer.ok) return { ok: true, value: answer };
  const { partial } = answer;
  if (answer.failure.kind === 'stopped' && partial && stop?.shown) {
    return { ok: true, value: { ...cutShort(partial), text: stop.shown, stoppedByPerson: true } };
  }
  if (!partial?.text) return { ok: false, failure: answer.failure };
  return { ok: true, value: { ...cutShort(partial), cutOffAfterMs: partial.timeoutMs } };
}

/** What arrived of an answer cut short, its estimated figures in place of Bedrock's usage. */
function cutShort({ timeoutMs, estimatedTokens, estimatedCostUsd, ...soFar }: PartialAnswer): Received {
  return {
    ...soFar,
    inputTokens: estimatedTokens.input,
    outputTokens: estimatedTokens.output,
    costUsd: estimatedCostUsd,
  };
}

/** Thinking as it came, whole: signed text or redacted bytes; an unsigned piece cannot be handed back. */
function signedThinking(received: Received): ThinkingBlock | undefined {
  const signed = received.reasoning !== undefined && received.reasoningSignature !== undefined;
  if (!signed && !received.redactedReasoning) return undefined;
  return {
    ...(signed ? { text: received.reasoning, signature: received.reasoningSignature } : {}),
    ...(received.redactedReasoning ? { redacted: received.redactedReasoning } : {}),
  };
}

/** The conversation with this turn and its answer added, its figures summed, its oldest turns dropped. */
function extendConversation(request: ChatRequest, turn: ConversationTurn, received: Received): Conversation {
  const attachedNames = request.attachments.map((file) => file.name);
  const storedTurn: ConversationTurn = attachedNames.length
    ? { ...turn, text: `${turn.text}\n[attached: ${attachedNames.join(', ')}]` }
    : turn;
  const { text, cutOffAfterMs, stoppedByPerson } = received;
  // Reasoning is never part of the answer kept; Claude's signed thinking is kept beside it, to hand back.
  const thinking = keepsSignedThinking(request.model.model.modelId) ? signedThinking(received) : undefined;
  return {
    ...request.conversation,
    modelId: request.model.invokeId,
    turns: [
      ...request.conversation.turns,
      storedTurn,
      {
        role: 'assistant' as const,
        text,
        ...(cutOffAfterMs === undefined && !stoppedByPerson ? {} : { partial: true }),
        ...(stoppedByPerson ? { stoppedByPerson } : {}),
        ...(thinking ? { thinking } : {}),
      },
    ].slice(-MAX_STORED_TURNS),
    inputTokens: request.conversation.inputTokens + (received.inputTokens ?? 0),
    outputTokens: request.conversation.outputTokens + (received.outputTokens ?? 0),
    costUsd: request.conversation.costUsd + (received.costUsd ?? 0),
  };
}
