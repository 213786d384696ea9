import {
  type BedrockRuntimeClient,
  type ContentBlock,
  ConverseStreamCommand,
  type ConverseStreamCommandOutput,
  type ConverseStreamOutput,
  type ConverseStreamRequest,
  type Message,
  type ServiceTierType,
  type SystemContentBlock,
} from '@aws-sdk/client-bedrock-runtime';
import { STREAM_CUT_SHORT, streamCutShort } from './errors.js';

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: ContentBlock[];
}

export interface ModelRequest {
  invokeId: string;
  messages: ChatMessage[];
  system?: string;
  maxTokens?: number;
  temperature?: number;
  /** The model family's own fields (Claude's `thinking`, gpt-oss's `reasoning_effort`…), see reasoning.ts. */
  additionalModelRequestFields?: Record<string, unknown>;
  /** Converse's `serviceTier`; unset is Bedrock's default (standard) tier. */
  serviceTier?: ServiceTierType;
  /** Marks the system prompt with a `cachePoint` (only for a model that caches, see prompt-caching.ts). */
  cacheSystem?: boolean;
}

/** What a streamed answer produces, in the order Bedrock sends it. */
export type ModelEvent =
  | { type: 'delta'; text: string }
  /** A piece of the model's reasoning, in its own content block before the answer: text, Claude's signature, or redacted bytes. */
  | { type: 'reasoning'; text?: string; signature?: string; redacted?: Uint8Array }
  | { type: 'stop'; reason: string }
  | {
      type: 'usage';
      inputTokens: number;
      outputTokens: number;
      bedrockLatencyMs?: number;
      /** The tier Bedrock says served the request. */
      servedTier?: string;
      /** Prompt-cache figures, present when the request asked for caching; not part of `inputTokens`. */
      cacheReadTokens?: number;
      cacheWriteTokens?: number;
    };

/** In-stream errors worth another try: the SDK retries these when they are the HTTP answer, not mid-stream. */
const RETRYABLE_IN_STREAM = new Set([
  STREAM_CUT_SHORT,
  'ThrottlingException',
  'ServiceUnavailableException',
  'InternalServerException',
  'ModelNotReadyException',
]);

export interface StreamRetry {
  attempts: number;
  /** Delay before the second attempt; doubled for each one after it. */
  baseDelayMs: number;
}

const DEFAULT_RETRY: StreamRetry = { attempts: 3, baseDelayMs: 500 };

/**
 * Calls ConverseStream and hands each normalized event to `onEvent`, resolving when the stream ends.
 * Errors, whether sent as the HTTP answer or as an exception frame inside the stream, are thrown as
 * the SDK's typed exceptions; `classifyBedrockError` turns them into words. A throttling or service
 * error that arrives in the stream before the first token is retried with backoff; after a token has
 * been shown, retrying would repeat it, so it throws. (A callback rather than a generator: each
 * generator layer costs promises for every event of every stream, measured in bench/load.ts.)
 */
export async function streamConverse(
  client: BedrockRuntimeClient,
  request: ModelRequest,
  onEvent: (event: ModelEvent) => void,
  signal?: AbortSignal,
  retry: StreamRetry = DEFAULT_RETRY,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    // Leaving the loop early (`onEvent` threw) does not end the HTTP answer: the SDK's event stream
    // does not pass the iterator's return on to the body, so its connection would stay taken until
    // Bedrock finished sending. Aborting this attempt ends it.
    const attemptSignal = new AbortController();
    const abort = () => attemptSignal.abort(signal?.reason);
    signal?.addEventListener('abort', abort, { once: true });
    if (signal?.aborted) abort();
    let ended = false;
    try {
      // Errors of the HTTP answer itself were already retried by the SDK's retry strategy.
      const answer = await openStream(client, request, attemptSignal.signal);
      let delivered = false;
      let stopped = false;
      try {
        for await (const streamed of answer.stream ?? []) {
          const event = toModelEvent(streamed);
          if (!event) continue;
          delivered = true;
          stopped ||= event.type === 'stop';
          onEvent(event);
        }
        ended = true;
        // Bedrock ends every answer with messageStop, but over HTTP/2 the SDK reads a stream reset
        // between two frames as ended: without this, an answer cut short would pass for a whole one.
        if (!stopped && !signal?.aborted) {
          throw streamCutShort(
            'The answer stream ended before Bedrock’s messageStop: the connection was cut.',
          );
        }
        return;
      } catch (error) {
        const name = error instanceof Error ? error.name : '';
        if (delivered || attempt >= retry.attempts || !RETRYABLE_IN_STREAM.has(name) || signal?.aborted) {
          throw error;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, retry.baseDelayMs * 2 ** (attempt - 1)));
    } finally {
      signal?.removeEventListener('abort', abort);
      if (!ended) attemptSignal.abort();
    }
  }
}

function openStream(
  client: BedrockRuntimeClient,
  request: ModelRequest,
  signal?: AbortSignal,
): Promise<ConverseStreamCommandOutput> {
  const system: SystemContentBlock[] | undefined = request.system
    ? [
        { text: request.system },
        ...(request.cacheSystem ? [{ cachePoint: { type: 'default' as const } }] : []),
      ]
    : undefined;
  return client.send(
    new ConverseStreamCommand({
      modelId: request.invokeId,
      messages: request.messages as Message[],
      system,
      inferenceConfig: { maxTokens: request.maxTokens, temperature: request.temperature },
      // Plain JSON built from reasoning.ts's table: the SDK's document type in all but name.
      additionalModelRequestFields: request.additionalModelRequestFields as
        | ConverseStreamRequest['additionalModelRequestFields']
        | undefined,
      serviceTier: request.serviceTier ? { type: request.serviceTier } : undefined,
    }),
    { abortSignal: signal },
  );
}

/** One event of the SDK's stream as the app reads it; a failure sent inside the stream is thrown. */
function toModelEvent(event: ConverseStreamOutput): ModelEvent | undefined {
  const text = event.contentBlockDelta?.delta?.text;
  if (text) return { type: 'delta', text };
  const reasoning = event.contentBlockDelta?.delta?.reasoningContent;
  if (reasoning) {
    return {
      type: 'reasoning',
      text: reasoning.text,
      signature: reasoning.signature,
      redacted: reasoning.redactedContent,
    };
  }
  if (event.messageStop) return { type: 'stop', reason: event.messageStop.stopReason ?? 'end_turn' };
  if (event.metadata) {
    return {
      type: 'usage',
      inputTokens: event.metadata.usage?.inputTokens ?? 0,
      outputTokens: event.metadata.usage?.outputTokens ?? 0,
      bedrockLatencyMs: event.metadata.metrics?.latencyMs,
      servedTier: event.metadata.serviceTier?.type,
      cacheReadTokens: event.metadata.usage?.cacheReadInputTokens,
      cacheWriteTokens: event.metadata.usage?.cacheWriteInputTokens,
    };
  }
  const failure =
    event.internalServerException ??
    event.modelStreamErrorException ??
    event.throttlingException ??
    event.validationException ??
    event.serviceUnavailableException;
  if (failure) throw failure;
  return undefined;
}
