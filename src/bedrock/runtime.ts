import {
  type BedrockRuntimeClient,
  type ContentBlock,
  ConverseStreamCommand,
  type Message,
  type SystemContentBlock,
} from '@aws-sdk/client-bedrock-runtime';

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
}

/** What a streamed answer produces, in the order Bedrock sends it. */
export type ModelEvent =
  | { type: 'delta'; text: string }
  | { type: 'stop'; reason: string }
  | { type: 'usage'; inputTokens: number; outputTokens: number; bedrockLatencyMs?: number };

/**
 * Calls ConverseStream and yields normalized events. Errors, whether sent as the HTTP answer or as an
 * exception frame inside the stream, are thrown as the SDK's typed exceptions; `classifyBedrockError`
 * turns them into words.
 */
export async function* streamConverse(
  client: BedrockRuntimeClient,
  request: ModelRequest,
  signal?: AbortSignal,
): AsyncGenerator<ModelEvent> {
  const system: SystemContentBlock[] | undefined = request.system ? [{ text: request.system }] : undefined;
  const answer = await client.send(
    new ConverseStreamCommand({
      modelId: request.invokeId,
      messages: request.messages as Message[],
      system,
      inferenceConfig: { maxTokens: request.maxTokens, temperature: request.temperature },
    }),
    { abortSignal: signal },
  );
  for await (const event of answer.stream ?? []) {
    const text = event.contentBlockDelta?.delta?.text;
    if (text) yield { type: 'delta', text };
    else if (event.messageStop) yield { type: 'stop', reason: event.messageStop.stopReason ?? 'end_turn' };
    else if (event.metadata) {
      yield {
        type: 'usage',
        inputTokens: event.metadata.usage?.inputTokens ?? 0,
        outputTokens: event.metadata.usage?.outputTokens ?? 0,
        bedrockLatencyMs: event.metadata.metrics?.latencyMs,
      };
    } else {
      const failure =
        event.internalServerException ??
        event.modelStreamErrorException ??
        event.throttlingException ??
        event.validationException ??
        event.serviceUnavailableException;
      if (failure) throw failure;
    }
  }
}
