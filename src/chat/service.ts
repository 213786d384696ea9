import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { type Answer, type AnswerSoFar, streamAnswer } from '../bedrock/answer.js';
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

export interface ChatRequest {
  conversationId: string;
  /** The conversation as loaded under the lock, or a fresh one. */
  conversation: Conversation;
  model: ResolvedModel;
  turn: ConversationTurn;
  attachments: Attachment[];
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
      /** Undefined when no price is known for the model; an estimate when `cutOffAfterMs` is set. */
      costUsd?: number;
      /** Set when the model was still answering at the time limit: `text` is what arrived. */
      cutOffAfterMs?: number;
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
    );
    const received = receivedFrom(answer);
    if (!received.ok) return received;
    const { text, costUsd, cutOffAfterMs } = received.value;
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

type Received = AnswerSoFar & { costUsd?: number; cutOffAfterMs?: number };

/** A timed-out answer that got some text is kept, marked partial; with nothing it is a failure. */
function receivedFrom(answer: Answer): { ok: true; value: Received } | { ok: false; failure: ModelFailure } {
  if (answer.ok) return { ok: true, value: answer };
  if (!answer.partial?.text) return { ok: false, failure: answer.failure };
  const { timeoutMs, estimatedCostUsd, ...soFar } = answer.partial;
  return { ok: true, value: { ...soFar, costUsd: estimatedCostUsd, cutOffAfterMs: timeoutMs } };
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
  const { text, cutOffAfterMs } = received;
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
        ...(cutOffAfterMs === undefined ? {} : { partial: true }),
        ...(thinking ? { thinking } : {}),
      },
    ].slice(-MAX_STORED_TURNS),
    inputTokens: request.conversation.inputTokens + (received.inputTokens ?? 0),
    outputTokens: request.conversation.outputTokens + (received.outputTokens ?? 0),
    costUsd: request.conversation.costUsd + (received.costUsd ?? 0),
  };
}
