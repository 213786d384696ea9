import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { MAX_CACHE_POINTS, promptCachingOf } from '../bedrock/prompt-caching.js';
import { countsTokens } from '../bedrock/token-counting.js';
import { deploysOnDemand, offersOnDemandDeployment } from '../jobs/deployments.js';
import { baseOfCustomModel } from '../jobs/types.js';
import { Http1AndH2cServer, type ServedRequest, type ServedResponse } from './http1-and-h2c-server.js';

/**
 * Amazon Bedrock on loopback, speaking the wire protocols the real SDK clients speak: the runtime
 * over HTTP/1.1 and HTTP/2 cleartext on one port (Converse, ConverseStream as
 * application/vnd.amazon.eventstream frames, CountTokens), the control plane over HTTP/1.1 (catalog,
 * inference profiles, customization jobs). Per-model scripts set the answer, time to first token,
 * token rate and failures.
 */

export interface ModelScript {
  answer?: string;
  /** An answer that depends on what was asked (the last user message's text), e.g. a judge's verdict. */
  reply?: (asked: string) => string;
  /** Delay before the first token, in ms. */
  firstTokenMs?: number;
  /** Output pacing; words stand in for tokens. */
  tokensPerSecond?: number;
  /** Words sent per contentBlockDelta frame. */
  wordsPerChunk?: number;
  inputTokens?: number;
  stopReason?: string;
  /** After `messageStart`, send a frame whose checksum is wrong, as a broken stand-in or proxy might. */
  garbledFrame?: boolean;
  /**
   * The connection breaks after this many answer words have been sent: the answer stops between two
   * frames, with no `messageStop` or usage, as a dropped connection or a proxy's reset leaves it.
   */
  cutAfterWords?: number;
  /** Answer the next `times` calls with this error instead (default: every call). */
  failure?: { type: string; status: number; message?: string; times?: number; inStream?: boolean };
  /** What a reasoning model thinks before it answers (when it reasons); words stand in for tokens. */
  reasoning?: string;
  /** Claude's redacted thinking: the reasoning block carries opaque `redactedContent` instead of text. */
  redactedReasoning?: boolean;
  /** The tier the answer's metadata says served it, whatever was asked (Bedrock reports the one used). */
  servedTier?: string;
}

/**
 * How a model reasons, as its family's page in the Bedrock user guide says: gpt-oss and DeepSeek-R1
 * always stream their reasoning; Claude (extended thinking) and Nova 2 only when asked through
 * `additionalModelRequestFields`. Claude signs its thinking; Nova 2 Lite redacts it to `[REDACTED]`.
 */
interface SimulatedReasoning {
  when: 'always' | 'on-request';
  /** The `additionalModelRequestFields` key the family takes (`thinking`, `reasoning_effort`, `reasoningConfig`). */
  field?: 'thinking' | 'reasoning_effort' | 'reasoningConfig';
  signed?: boolean;
  redactedText?: boolean;
}

export interface SimulatedModel {
  modelId: string;
  modelName: string;
  providerName: string;
  inputModalities: string[];
  outputModalities: string[];
  inferenceTypesSupported: string[];
  customizationsSupported?: string[];
  lifecycle?: 'ACTIVE' | 'LEGACY';
  /** Geography-prefixed system profiles routing to this model, e.g. ['us']. */
  profiles?: string[];
  reasoning?: SimulatedReasoning;
  /** Service tiers beside `default` the model accepts in this region (`serviceTier.type`). */
  serviceTiers?: ('priority' | 'flex')[];
  /** This account may not invoke it (GetFoundationModelAvailability: NOT_AUTHORIZED; calls: 403). */
  notAuthorized?: boolean;
}

type SimulatedJobStatus = 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';
type StageStatus = SimulatedJobStatus | 'NotStarted';

/** Where a job stands from `afterMs` on the emulator's job clock. */
export interface JobPhase {
  afterMs: number;
  status: SimulatedJobStatus;
  stages?: { validation?: StageStatus; dataProcessing?: StageStatus; training?: StageStatus };
}

const ALL_DONE = { validation: 'Completed', dataProcessing: 'Completed', training: 'Completed' } as const;

/** A job's usual course: validation, then data processing, a minute each, then `end` at two minutes. */
export function jobTimeline(end: JobPhase['status'], endStages: JobPhase['stages'] = ALL_DONE): JobPhase[] {
  return [
    {
      afterMs: 0,
      status: 'InProgress',
      stages: { validation: 'InProgress', dataProcessing: 'NotStarted', training: 'NotStarted' },
    },
    {
      afterMs: 60_000,
      status: 'InProgress',
      stages: { validation: 'Completed', dataProcessing: 'InProgress', training: 'NotStarted' },
    },
    { afterMs: 120_000, status: end, stages: endStages },
  ];
}

export interface JobScript {
  name: string;
  baseModelId: string;
  customModelName: string;
  type?: string;
  hyperParameters?: Record<string, string>;
  timeline: JobPhase[];
  failureMessage?: string;
  trainingLoss?: number;
  validationLoss?: number;
  /**
   * Fields GetModelCustomizationJob carries whatever the phase, as some answers do (a leftover
   * `failureMessage`, `trainingMetrics: { trainingLoss: 0 }` on a job still running).
   */
  carries?: Record<string, unknown>;
}

interface EmulatedJob extends JobScript {
  arn: string;
  createdAtMs: number;
  roleArn: string;
  trainingS3: string;
  validationS3?: string;
  outputS3: string;
}

export interface SimulatedThroughput {
  name: string;
  modelArn: string;
  foundationModelArn: string;
  modelUnits: number;
  status: 'Creating' | 'InService' | 'Updating' | 'Failed';
}

type DeploymentStatus = 'Creating' | 'Active' | 'Failed';

/** A custom model deployment (on-demand inference of a custom model), created on the job clock. */
export interface SimulatedDeployment {
  arn: string;
  name: string;
  modelArn: string;
  description?: string;
  clientRequestToken?: string;
  createdAtMs: number;
  /** Creating until `readyAfterMs` on the job clock, then `outcome`. */
  readyAfterMs: number;
  outcome: 'Active' | 'Failed';
  failureMessage?: string;
}

export interface ReceivedCall {
  operation: 'Converse' | 'ConverseStream';
  invokedId: string;
  modelId: string;
  body: {
    messages: { role: string; content: Record<string, unknown>[] }[];
    system?: { text?: string; cachePoint?: { type: string } }[];
    inferenceConfig?: { maxTokens?: number; temperature?: number };
    additionalModelRequestFields?: Record<string, unknown>;
    serviceTier?: { type?: string };
  };
  authorization: string;
  /** `1.1` or `2.0`, as the client chose. */
  httpVersion: string;
  /** The client's port, which names the connection the call came on. */
  remotePort?: number;
  receivedAt: number;
  firstTokenSentAt?: number;
  /** When the first token of the answer itself (not its reasoning) was sent. */
  firstAnswerTokenSentAt?: number;
  finishedAt?: number;
  /** When the client ended the call before the answer was whole (Bedrock then generates no more). */
  cancelledAt?: number;
}

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

/** Claude 4.x on Bedrock: every one takes extended thinking (Bedrock user guide, "Extended thinking"). */
const CLAUDE_4: [modelId: string, modelName: string][] = [
  ['anthropic.claude-sonnet-4-5-20250929-v1:0', 'Claude Sonnet 4.5'],
  ['anthropic.claude-haiku-4-5-20251001-v1:0', 'Claude Haiku 4.5'],
  ['anthropic.claude-opus-4-5-20251101-v1:0', 'Claude Opus 4.5'],
  ['anthropic.claude-opus-4-1-20250805-v1:0', 'Claude Opus 4.1'],
  ['anthropic.claude-sonnet-4-20250514-v1:0', 'Claude Sonnet 4'],
];

export const DEFAULT_MODELS: SimulatedModel[] = [
  {
    modelId: 'amazon.nova-micro-v1:0',
    modelName: 'Nova Micro',
    providerName: 'Amazon',
    inputModalities: ['TEXT'],
    outputModalities: ['TEXT'],
    inferenceTypesSupported: ['ON_DEMAND', 'INFERENCE_PROFILE'],
    customizationsSupported: ['FINE_TUNING', 'DISTILLATION'],
    profiles: ['us'],
  },
  {
    // The fine-tuning base of Nova Micro: customizable, served only through provisioned throughput.
    modelId: 'amazon.nova-micro-v1:0:128k',
    modelName: 'Nova Micro',
    providerName: 'Amazon',
    inputModalities: ['TEXT'],
    outputModalities: ['TEXT'],
    inferenceTypesSupported: ['PROVISIONED'],
    customizationsSupported: ['FINE_TUNING', 'DISTILLATION'],
  },
  {
    modelId: 'amazon.nova-lite-v1:0',
    modelName: 'Nova Lite',
    providerName: 'Amazon',
    inputModalities: ['TEXT', 'IMAGE', 'VIDEO'],
    outputModalities: ['TEXT'],
    inferenceTypesSupported: ['ON_DEMAND', 'INFERENCE_PROFILE'],
    customizationsSupported: ['FINE_TUNING', 'DISTILLATION'],
    profiles: ['us'],
  },
  {
    modelId: 'amazon.nova-reel-v1:0',
    modelName: 'Nova Reel',
    providerName: 'Amazon',
    inputModalities: ['TEXT', 'IMAGE'],
    outputModalities: ['VIDEO'],
    inferenceTypesSupported: ['ON_DEMAND'],
  },
  {
    modelId: 'amazon.titan-embed-text-v2:0',
    modelName: 'Titan Text Embeddings V2',
    providerName: 'Amazon',
    inputModalities: ['TEXT'],
    outputModalities: ['EMBEDDING'],
    inferenceTypesSupported: ['ON_DEMAND'],
  },
  {
    modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0',
    modelName: 'Claude 3.5 Haiku',
    providerName: 'Anthropic',
    inputModalities: ['TEXT'],
    outputModalities: ['TEXT'],
    inferenceTypesSupported: ['INFERENCE_PROFILE'],
    customizationsSupported: [],
    profiles: ['us'],
  },
  {
    modelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
    modelName: 'Claude 3.5 Sonnet',
    providerName: 'Anthropic',
    inputModalities: ['TEXT', 'IMAGE'],
    outputModalities: ['TEXT'],
    inferenceTypesSupported: ['ON_DEMAND', 'INFERENCE_PROFILE'],
    lifecycle: 'LEGACY',
    profiles: ['us'],
  },
  {
    modelId: 'anthropic.claude-3-5-sonnet-20241022-v2:0',
    modelName: 'Claude 3.5 Sonnet v2',
    providerName: 'Anthropic',
    inputModalities: ['TEXT', 'IMAGE'],
    outputModalities: ['TEXT'],
    inferenceTypesSupported: ['INFERENCE_PROFILE'],
    profiles: ['us'],
  },
  {
    modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
    modelName: 'Claude 3 Haiku',
    providerName: 'Anthropic',
    inputModalities: ['TEXT', 'IMAGE'],
    outputModalities: ['TEXT'],
    inferenceTypesSupported: ['ON_DEMAND'],
    customizationsSupported: ['FINE_TUNING'],
  },
  {
    modelId: 'meta.llama3-70b-instruct-v1:0',
    modelName: 'Llama 3 70B Instruct',
    providerName: 'Meta',
    inputModalities: ['TEXT'],
    outputModalities: ['TEXT'],
    inferenceTypesSupported: ['ON_DEMAND'],
  },
  {
    modelId: 'mistral.mistral-large-2402-v1:0',
    modelName: 'Mistral Large (24.02)',
    providerName: 'Mistral AI',
    inputModalities: ['TEXT'],
    outputModalities: ['TEXT'],
    inferenceTypesSupported: ['ON_DEMAND'],
  },
  {
    modelId: 'mistral.mistral-7b-instruct-v0:2',
    modelName: 'Mistral 7B Instruct',
    providerName: 'Mistral AI',
    inputModalities: ['TEXT'],
    outputModalities: ['TEXT'],
    inferenceTypesSupported: ['ON_DEMAND'],
  },
  // The catalog of today (checked against the Bedrock user guide's model pages, 2026-12): Claude 4.x
  // through `us.` and `global.` profiles, Nova 2, gpt-oss, DeepSeek, Qwen3, Llama 4, Pixtral. Reasoning
  // and service tiers as each model's page and "Service tiers for optimizing performance and cost" say.
  ...CLAUDE_4.map(
    ([modelId, modelName]): SimulatedModel => ({
      modelId,
      modelName,
      providerName: 'Anthropic',
      inputModalities: ['TEXT', 'IMAGE'],
      outputModalities: ['TEXT'],
      inferenceTypesSupported: ['INFERENCE_PROFILE'],
      profiles: ['us', 'global'],
      reasoning: { when: 'on-request', field: 'thinking', signed: true },
    }),
  ),
  {
    modelId: 'amazon.nova-pro-v1:0',
    modelName: 'Nova Pro',
    providerName: 'Amazon',
    inputModalities: ['TEXT', 'IMAGE', 'VIDEO'],
    outputModalities: ['TEXT'],
    inferenceTypesSupported: ['ON_DEMAND', 'INFERENCE_PROFILE'],
    profiles: ['us'],
    serviceTiers: ['priority', 'flex'],
  },
  {
    modelId: 'amazon.nova-2-lite-v1:0',
    modelName: 'Nova 2 Lite',
    providerName: 'Amazon',
    inputModalities: ['TEXT', 'IMAGE', 'VIDEO'],
    outputModalities: ['TEXT'],
    inferenceTypesSupported: ['INFERENCE_PROFILE'],
    profiles: ['us', 'global'],
    reasoning: { when: 'on-request', field: 'reasoningConfig', redactedText: true },
    serviceTiers: ['priority', 'flex'],
  },
  ...(['120b', '20b'] as const).map(
    (size): SimulatedModel => ({
      modelId: `openai.gpt-oss-${size}-1:0`,
      modelName: `gpt-oss-${size}`,
      providerName: 'OpenAI',
      inputModalities: ['TEXT'],
      outputModalities: ['TEXT'],
      inferenceTypesSupported: ['ON_DEMAND'],
      reasoning: { when: 'always', field: 'reasoning_effort' },
      serviceTiers: ['priority', 'flex'],
    }),
  ),
  {
    modelId: 'deepseek.r1-v1:0',
    modelName: 'DeepSeek-R1',
    providerName: 'DeepSeek',
    inputModalities: ['TEXT'],
    outputModalities: ['TEXT'],
    inferenceTypesSupported: ['INFERENCE_PROFILE'],
    profiles: ['us'],
    reasoning: { when: 'always' },
  },
  {
    modelId: 'deepseek.v3-v1:0',
    modelName: 'DeepSeek-V3.1',
    providerName: 'DeepSeek',
    inputModalities: ['TEXT'],
    outputModalities: ['TEXT'],
    inferenceTypesSupported: ['ON_DEMAND'],
    serviceTiers: ['priority', 'flex'],
  },
  ...[
    ['qwen.qwen3-32b-v1:0', 'Qwen3 32B (dense)'],
    ['qwen.qwen3-235b-a22b-2507-v1:0', 'Qwen3 235B A22B 2507'],
  ].map(
    ([modelId, modelName]): SimulatedModel => ({
      modelId: modelId ?? '',
      modelName: modelName ?? '',
      providerName: 'Qwen',
      inputModalities: ['TEXT'],
      outputModalities: ['TEXT'],
      inferenceTypesSupported: ['ON_DEMAND'],
      serviceTiers: ['priority', 'flex'],
    }),
  ),
  ...[
    ['meta.llama4-maverick-17b-instruct-v1:0', 'Llama 4 Maverick 17B Instruct'],
    ['meta.llama4-scout-17b-instruct-v1:0', 'Llama 4 Scout 17B Instruct'],
    ['mistral.pixtral-large-2502-v1:0', 'Pixtral Large (25.02)'],
  ].map(
    ([modelId, modelName]): SimulatedModel => ({
      modelId: modelId ?? '',
      modelName: modelName ?? '',
      providerName: modelId?.startsWith('meta.') ? 'Meta' : 'Mistral AI',
      inputModalities: ['TEXT', 'IMAGE'],
      outputModalities: ['TEXT'],
      inferenceTypesSupported: ['INFERENCE_PROFILE'],
      profiles: ['us'],
    }),
  ),
];

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** Frames already encoded, by event type and payload: answers repeat, in tests and the load bench. */
const encodedFrames = new Map<string, Uint8Array>();
/** Bounds the cache's memory in a long-running playground: past this many frames it starts again. */
const MAX_ENCODED_FRAMES = 50_000;

/**
 * One event frame. Encoding one (headers, checksums) costs about 25 µs, which at the load bench's
 * 20,000 frames a second took half a core from the machine the app is measured on, so the frames of
 * the same event are encoded once.
 */
function frame(eventType: string, payload: Record<string, unknown>): Uint8Array {
  // Real frames carry random padding `p` that clients ignore; sending it proves we ignore it too.
  const json = JSON.stringify({ ...payload, p: 'abcdefghij'.slice(0, 1 + Math.floor(Math.random() * 9)) });
  const key = `${eventType}\n${json}`;
  const known = encodedFrames.get(key);
  if (known) return known;
  const encoded = codec.encode({
    headers: {
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: fromUtf8(json),
  });
  if (encodedFrames.size >= MAX_ENCODED_FRAMES) encodedFrames.clear();
  encodedFrames.set(key, encoded);
  return encoded;
}

function exceptionFrame(type: string, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ':exception-type': { type: 'string', value: type.charAt(0).toLowerCase() + type.slice(1) },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'exception' },
    },
    body: fromUtf8(JSON.stringify({ message })),
  });
}

/** The checks Bedrock makes before calling a model, with its own wording. */
function requestProblem(body: ReceivedCall['body'], model: SimulatedModel): string | undefined {
  const messages = body.messages ?? [];
  if (messages[0]?.role !== 'user')
    return 'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
  for (let index = 1; index < messages.length; index++) {
    if (messages[index]?.role === messages[index - 1]?.role)
      return 'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.';
  }
  // Thinking handed back must come back as it was sent: signed (Claude's "Extended thinking").
  const unsigned = messages.some((message) =>
    message.content.some((block) => {
      const reasoning = block.reasoningContent as { reasoningText?: { signature?: string } } | undefined;
      return reasoning?.reasoningText !== undefined && !reasoning.reasoningText.signature;
    }),
  );
  if (unsigned)
    return 'The model returned the following errors: messages.1.content.0.thinking.signature: Field required';
  const images = messages.some((message) => message.content.some((block) => 'image' in block));
  if (images && !model.inputModalities.includes('IMAGE'))
    return "This model doesn't support the image content block that you provided. Try again with a different model.";
  return undefined;
}

/**
 * Checks of the tier and of the model's own request fields. Bedrock passes `additionalModelRequestFields`
 * to the model, which refuses keys it does not know; Claude's thinking limits are Anthropic's
 * ("Extended thinking" in the Bedrock user guide): a budget of at least 1,024 tokens, below max tokens,
 * and no temperature other than 1.
 */
function modelFieldsProblem(body: ReceivedCall['body'], model: SimulatedModel): string | undefined {
  const tier = body.serviceTier?.type;
  if (tier && tier !== 'default' && !(model.serviceTiers ?? []).includes(tier as 'flex'))
    return `The model ${model.modelId} doesn't support the ${tier} service tier in this Region. Try again with the default service tier.`;
  const fields = body.additionalModelRequestFields ?? {};
  const extra = Object.keys(fields).find((key) => key !== model.reasoning?.field);
  if (extra)
    return `The model returned the following errors: Malformed input request: extraneous key [${extra}] is not permitted, please reformat your input and try again.`;
  const thinking = fields.thinking as { type?: string; budget_tokens?: number } | undefined;
  if (thinking?.type === 'enabled') {
    const budget = thinking.budget_tokens ?? 0;
    if (budget < 1024)
      return 'The model returned the following errors: thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
    if ((body.inferenceConfig?.maxTokens ?? 0) <= budget)
      return 'The model returned the following errors: `max_tokens` must be greater than `thinking.budget_tokens`.';
    const temperature = body.inferenceConfig?.temperature;
    if (temperature !== undefined && temperature !== 1)
      return 'The model returned the following errors: `temperature` may only be set to 1 when thinking is enabled.';
  }
  const effort =
    fields.reasoning_effort ??
    (fields.reasoningConfig as { maxReasoningEffort?: unknown })?.maxReasoningEffort;
  if (effort !== undefined && !['low', 'medium', 'high'].includes(String(effort)))
    return `The model returned the following errors: reasoning effort must be one of low, medium, high; got ${String(effort)}.`;
  return undefined;
}

/** Whether this call makes the model reason: always for some families, on request for others. */
function reasonsOn(body: ReceivedCall['body'], model: SimulatedModel): boolean {
  const reasoning = model.reasoning;
  if (!reasoning) return false;
  if (reasoning.when === 'always') return true;
  const asked = body.additionalModelRequestFields?.[reasoning.field ?? ''] as { type?: string } | undefined;
  return asked?.type === 'enabled';
}

type ReasoningDelta = { text: string } | { signature: string } | { redactedContent: string };

/**
 * What a reasoning model streams before its answer: its thought word by word (Nova 2 Lite sends
 * `[REDACTED]` in its place), then Claude's signature; or Claude's redacted thinking as one opaque
 * blob. Also the block a non-streamed Converse answer carries, and how many tokens it bills.
 */
function reasoningOf(
  model: SimulatedModel,
  script: ModelScript,
): { deltas: ReasoningDelta[]; block: Record<string, unknown>; tokens: number } {
  const signature = model.reasoning?.signed ? `sig-${randomUUID()}` : undefined;
  if (script.redactedReasoning) {
    const redactedContent = Buffer.from(`redacted-${randomUUID()}`).toString('base64');
    return { deltas: [{ redactedContent }], block: { reasoningContent: { redactedContent } }, tokens: 40 };
  }
  const text = model.reasoning?.redactedText
    ? '[REDACTED]'
    : (script.reasoning ??
      `The user asks a question.\nLet me weigh what matters most here.\nI will answer briefly and clearly.`);
  const words = text.split(/(?<=\s)/);
  const deltas: ReasoningDelta[] = [
    ...words.map((word) => ({ text: word })),
    ...(signature ? [{ signature }] : []),
  ];
  // A redacted thought is still billed: Nova 2 Lite charges for the reasoning it does not show.
  const tokens = model.reasoning?.redactedText ? 60 : words.length;
  return { deltas, block: { reasoningContent: { reasoningText: { text, signature } } }, tokens };
}

/** The emulator's tokenizer: about four characters a token of text, other blocks by their size. */
function blockTokens(block: Record<string, unknown>): number {
  if ('cachePoint' in block) return 0;
  if (typeof block.text === 'string') return Math.ceil(block.text.length / 4);
  return Math.ceil(JSON.stringify(block).length / 8);
}

/** Every block of a request in the order the model reads it: system first, then the messages. */
function requestBlocks(body: Pick<ReceivedCall['body'], 'messages' | 'system'>): Record<string, unknown>[] {
  return [...(body.system ?? []), ...(body.messages ?? []).flatMap((message) => message.content)];
}

/** Input tokens of a request, as both Converse's usage and CountTokens report them. */
function requestTokens(body: Pick<ReceivedCall['body'], 'messages' | 'system'>): number {
  return requestBlocks(body).reduce((sum, block) => sum + blockTokens(block), 0);
}

const PROMPT_CACHE_TTL_MS = 5 * 60_000;

const DEPLOYMENTS_PATH = '/model-customization/custom-model-deployments';

function deploymentOperation(method: string, pathname: string): string | undefined {
  if (pathname === DEPLOYMENTS_PATH)
    return method === 'POST' ? 'CreateCustomModelDeployment' : 'ListCustomModelDeployments';
  if (!pathname.startsWith(`${DEPLOYMENTS_PATH}/`)) return undefined;
  return method === 'DELETE' ? 'DeleteCustomModelDeployment' : 'GetCustomModelDeployment';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const modelArn = (modelId: string) => `arn:aws:bedrock:${REGION}::foundation-model/${modelId}`;

/** The wall-clock instant the job clock's zero stands for, so times are stable RFC 3339 strings. */
export const JOB_EPOCH = Date.parse('2026-11-20T09:00:00Z');
const rfc3339 = (clockMs: number) => new Date(JOB_EPOCH + clockMs).toISOString();
/** How some third-party Bedrock stand-ins write times: not RFC 3339, which the SDK cannot read. */
const spaced = (clockMs: number) =>
  rfc3339(clockMs)
    .replace('T', ' ')
    .replace(/\.\d+Z$/, '');

/** A valid event frame with one byte of its body flipped, so its message checksum no longer matches. */
/** Breaks an answer off between two frames, as a reset stream (HTTP/2) or a dropped connection does. */
function cutOff(response: ServedResponse): void {
  if (response instanceof http2.Http2ServerResponse) response.stream.close(http2.constants.NGHTTP2_CANCEL);
  else if (response instanceof http.ServerResponse) response.destroy();
}

function garbled(): Uint8Array {
  const bytes = frame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'garbled' } });
  const broken = Uint8Array.from(bytes);
  const index = broken.length - 10;
  broken[index] = (broken[index] ?? 0) ^ 0xff;
  return broken;
}

export class BedrockSimulator {
  readonly calls: ReceivedCall[] = [];
  /** Every control-plane call, by operation, for counting what a poll costs. */
  readonly controlCalls: { operation: string; at: number }[] = [];
  readonly jobs: EmulatedJob[] = [];
  readonly throughputs: SimulatedThroughput[] = [];
  readonly deployments: SimulatedDeployment[] = [];
  /** Every CountTokens call, by the model ID it named. */
  readonly tokenCounts: { modelId: string; inputTokens?: number }[] = [];
  /** Cached prompt prefixes (model and prefix hash) and when each expires, as Bedrock's prompt cache. */
  private readonly promptCache = new Map<string, number>();
  /** CountTokens answers AccessDeniedException, as for a role without bedrock:CountTokens. */
  denyTokenCounts = false;
  /** The next deployment created ends Failed with this message. */
  failNextDeployment?: string;
  /** Test-controlled time for customization jobs, in ms. */
  jobClockMs = 0;
  /** `spaced` writes the control plane's job and throughput times as `2026-11-20 09:00:00`. */
  timestamps: 'rfc3339' | 'spaced' = 'rfc3339';
  private throttleControl = 0;
  private readonly scripts = new Map<string, ModelScript>();
  private runtime?: Http1AndH2cServer;
  private control?: http.Server;
  runtimeUrl = '';
  controlUrl = '';

  constructor(readonly models: SimulatedModel[] = DEFAULT_MODELS) {}

  script(modelId: string, script: ModelScript): void {
    this.scripts.set(modelId, script);
  }

  /** Adds a job created now on the job clock; returns its ARN. */
  addJob(script: JobScript): string {
    const arn = `arn:aws:bedrock:${REGION}:${ACCOUNT}:model-customization-job/${script.baseModelId}/${randomUUID().slice(0, 12)}`;
    this.jobs.push({
      ...script,
      arn,
      createdAtMs: this.jobClockMs,
      roleArn: `arn:aws:iam::${ACCOUNT}:role/BedrockCustomization`,
      trainingS3: 's3://training-bucket/train.jsonl',
      validationS3: 's3://training-bucket/validation.jsonl',
      outputS3: 's3://training-bucket/output/',
    });
    return arn;
  }

  advanceJobClock(ms: number): void {
    this.jobClockMs += ms;
  }

  /** The next `times` control-plane calls answer ThrottlingException. */
  throttleControlNext(times: number): void {
    this.throttleControl = times;
  }

  private time(clockMs: number): string {
    return this.timestamps === 'spaced' ? spaced(clockMs) : rfc3339(clockMs);
  }

  private phaseOf(job: EmulatedJob): JobPhase {
    const age = this.jobClockMs - job.createdAtMs;
    const reached = job.timeline.filter((phase) => phase.afterMs <= age);
    return reached.at(-1) ?? job.timeline[0] ?? { afterMs: 0, status: 'InProgress' };
  }

  private jobView(job: EmulatedJob, detailed: boolean): Record<string, unknown> {
    const phase = this.phaseOf(job);
    const finished = phase.status === 'Completed' || phase.status === 'Failed' || phase.status === 'Stopped';
    const stage = (status: StageStatus | undefined) =>
      status && {
        status,
        creationTime: this.time(job.createdAtMs),
        lastModifiedTime: this.time(job.createdAtMs + phase.afterMs),
      };
    const customModelArn =
      phase.status === 'Completed'
        ? `arn:aws:bedrock:${REGION}:${ACCOUNT}:custom-model/${job.baseModelId}/${job.customModelName}`
        : undefined;
    const common = {
      jobArn: job.arn,
      jobName: job.name,
      baseModelArn: modelArn(job.baseModelId),
      status: phase.status,
      statusDetails: {
        validationDetails: stage(phase.stages?.validation),
        dataProcessingDetails: stage(phase.stages?.dataProcessing),
        trainingDetails: stage(phase.stages?.training),
      },
      creationTime: this.time(job.createdAtMs),
      lastModifiedTime: this.time(job.createdAtMs + phase.afterMs),
      endTime: finished ? this.time(job.createdAtMs + phase.afterMs) : undefined,
      customizationType: job.type ?? 'FINE_TUNING',
    };
    if (!detailed) return { ...common, customModelArn, customModelName: job.customModelName };
    return {
      ...common,
      outputModelName: job.customModelName,
      outputModelArn: customModelArn,
      roleArn: job.roleArn,
      hyperParameters: job.hyperParameters ?? { epochCount: '2', learningRate: '0.00001' },
      trainingDataConfig: { s3Uri: job.trainingS3 },
      validationDataConfig: { validators: job.validationS3 ? [{ s3Uri: job.validationS3 }] : [] },
      outputDataConfig: { s3Uri: job.outputS3 },
      failureMessage: phase.status === 'Failed' ? job.failureMessage : undefined,
      trainingMetrics:
        phase.status === 'Completed' ? { trainingLoss: job.trainingLoss ?? 0.1234 } : undefined,
      validationMetrics:
        phase.status === 'Completed' ? [{ validationLoss: job.validationLoss ?? 0.2345 }] : undefined,
      ...job.carries,
    };
  }

  private findJob(identifier: string): EmulatedJob | undefined {
    return this.jobs.find((job) => job.arn === identifier || job.name === identifier);
  }

  callsFor(modelId: string): ReceivedCall[] {
    return this.calls.filter((call) => call.modelId === modelId);
  }

  async start(): Promise<void> {
    this.runtime = new Http1AndH2cServer((request, response) => void this.handleRuntime(request, response));
    this.control = http.createServer((request, response) => void this.handleControl(request, response));
    const [runtimeUrl] = await Promise.all([
      this.runtime.listen(),
      new Promise<void>((resolve) => this.control!.listen(0, '127.0.0.1', resolve)),
    ]);
    this.runtimeUrl = runtimeUrl;
    this.controlUrl = `http://127.0.0.1:${(this.control.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await Promise.all([
      // Ends connections mid-answer too: an app stopped mid-stream leaves them open.
      this.runtime?.close(),
      new Promise((resolve) => {
        this.control?.closeAllConnections();
        this.control?.close(resolve) ?? resolve(undefined);
      }),
    ]);
  }

  /** The environment that points the real SDK clients here. */
  env(): Record<string, string> {
    return {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'AKIAEMULATOR00000000',
      AWS_SECRET_ACCESS_KEY: 'emulator-secret-key-not-real',
      AWS_ENDPOINT_URL_BEDROCK: this.controlUrl,
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: this.runtimeUrl,
    };
  }

  /** A deployment by ARN or name, with its status on the job clock. */
  deploymentStatus(deployment: SimulatedDeployment): DeploymentStatus {
    return this.jobClockMs - deployment.createdAtMs < deployment.readyAfterMs
      ? 'Creating'
      : deployment.outcome;
  }

  private findDeployment(identifier: string): SimulatedDeployment | undefined {
    return this.deployments.find((entry) => entry.arn === identifier || entry.name === identifier);
  }

  /** The base model a deployment ARN serves; undefined for any other ID. */
  private deployedBase(invokedId: string): SimulatedModel | undefined {
    if (!invokedId.includes(':custom-model-deployment/')) return undefined;
    const deployment = this.findDeployment(invokedId);
    if (!deployment || this.deploymentStatus(deployment) !== 'Active') return undefined;
    const base = baseOfCustomModel(deployment.modelArn);
    return this.models.find((model) => model.modelId === base);
  }

  private resolveInvoked(invokedId: string): SimulatedModel | undefined {
    const deployed = this.deployedBase(invokedId);
    if (deployed) return deployed;
    const provisioned = invokedId.match(/:provisioned-model\/(.+)$/)?.[1];
    if (provisioned) {
      const throughput = this.throughputs.find(
        (entry) => entry.name === provisioned && entry.status === 'InService',
      );
      const base = throughput?.foundationModelArn.replace(/^.*foundation-model\//, '');
      return this.models.find((model) => model.modelId === base);
    }
    const bare = invokedId.replace(/^(us|eu|apac|global)\./, '');
    return this.models.find((model) => model.modelId === bare);
  }

  private async handleRuntime(request: ServedRequest, response: ServedResponse): Promise<void> {
    // A client that goes away mid-answer (an aborted call, a killed app) ends this answer, not the simulator.
    let closed = false;
    response.once('close', () => {
      closed = true;
    });
    const remotePort = request.socket.remotePort;
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of request) chunks.push(chunk as Buffer);
    } catch {
      // Only a request destroyed before it arrived whole throws here: nobody is left to answer.
      return;
    }
    const match = request.url?.match(/^\/model\/([^/]+)\/(converse-stream|converse|count-tokens)$/);
    const fail = (status: number, type: string, message: string) => {
      response.writeHead(status, {
        'content-type': 'application/json',
        'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
        'x-amzn-requestid': randomUUID(),
      });
      response.end(JSON.stringify({ message }));
    };
    if (!match) return fail(404, 'UnknownOperationException', 'Unknown operation');
    if (match[2] === 'count-tokens')
      return this.countTokens(decodeURIComponent(match[1] ?? ''), chunks, response, fail);
    const invokedId = decodeURIComponent(match[1] ?? '');
    const model = this.resolveInvoked(invokedId);
    const call: ReceivedCall = {
      operation: match[2] === 'converse' ? 'Converse' : 'ConverseStream',
      invokedId,
      modelId: model?.modelId ?? invokedId,
      body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
      authorization: String(request.headers.authorization ?? ''),
      httpVersion: request.httpVersion,
      remotePort,
      receivedAt: performance.now(),
    };
    this.calls.push(call);
    if (!model) return fail(400, 'ValidationException', 'The provided model identifier is invalid.');
    if (model.notAuthorized)
      return fail(
        403,
        'AccessDeniedException',
        "You don't have access to the model with the specified model ID.",
      );
    // A profile or a provisioned throughput: either way not on-demand throughput.
    const viaProfile = invokedId !== model.modelId;
    if (!viaProfile && !model.inferenceTypesSupported.includes('ON_DEMAND')) {
      return fail(
        400,
        'ValidationException',
        `Invocation of model ID ${model.modelId} with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
      );
    }
    const invalid = requestProblem(call.body, model) ?? modelFieldsProblem(call.body, model);
    if (invalid) return fail(400, 'ValidationException', invalid);
    const cached = this.promptCacheUsage(model, call.body);
    if (typeof cached === 'string') return fail(400, 'ValidationException', cached);
    const script = this.scripts.get(model.modelId) ?? {};
    const failure =
      script.failure && (script.failure.times === undefined || script.failure.times > 0)
        ? script.failure
        : undefined;
    if (failure) {
      if (failure.times !== undefined) failure.times -= 1;
      if (!failure.inStream)
        return fail(failure.status, failure.type, failure.message ?? `${failure.type} from the emulator`);
    }
    const answer =
      script.reply?.(lastUserText(call.body)) ??
      script.answer ??
      `This is ${model.modelName} answering: ${'lorem ipsum '.repeat(8).trim()}.`;
    const words = answer.split(/(?<=\s)/);
    const thought = reasonsOn(call.body, model) ? reasoningOf(model, script) : undefined;
    const inputTokens =
      script.inputTokens ?? Math.max(1, requestTokens(call.body) - cached.read - cached.write);
    // Bedrock bills reasoning as output: its usage counts both, with no separate reasoning figure.
    const outputTokens = words.length + (thought?.tokens ?? 0);
    const servedTier = script.servedTier ?? call.body.serviceTier?.type;
    const tier = servedTier ? { serviceTier: { type: servedTier } } : {};
    // Usage names the cache figures whenever the request asked for caching, as Bedrock's does.
    const usage = {
      inputTokens,
      outputTokens,
      totalTokens: inputTokens + outputTokens + cached.read + cached.write,
      ...(cached.asked ? { cacheReadInputTokens: cached.read, cacheWriteInputTokens: cached.write } : {}),
    };
    const started = performance.now();
    if (call.operation === 'Converse') {
      await sleep(script.firstTokenMs ?? 0);
      response.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() });
      response.end(
        JSON.stringify({
          output: {
            message: {
              role: 'assistant',
              content: [...(thought ? [thought.block] : []), { text: answer }],
            },
          },
          stopReason: script.stopReason ?? 'end_turn',
          usage,
          metrics: { latencyMs: Math.round(performance.now() - started) },
          ...tier,
        }),
      );
      return;
    }
    response.writeHead(200, {
      'content-type': 'application/vnd.amazon.eventstream',
      'x-amzn-requestid': randomUUID(),
    });
    response.write(frame('messageStart', { role: 'assistant' }));
    await sleep(script.firstTokenMs ?? 0);
    if (script.garbledFrame && !closed) {
      response.end(garbled());
      return;
    }
    if (failure?.inStream && !closed) {
      response.end(exceptionFrame(failure.type, failure.message ?? `${failure.type} from the emulator`));
      return;
    }
    const perChunk = script.wordsPerChunk ?? 1;
    const gapMs = script.tokensPerSecond ? (1000 * perChunk) / script.tokensPerSecond : 0;
    // Reasoning comes first, in a content block of its own; the answer's text block follows it.
    const answerIndex = thought ? 1 : 0;
    // A client that ends the call mid-answer resets the stream: nothing more is generated.
    const cancelled = () => {
      if (closed) call.cancelledAt ??= performance.now();
      return closed;
    };
    if (thought) {
      for (const [index, delta] of thought.deltas.entries()) {
        if (cancelled()) return;
        if (index > 0 && gapMs > 0 && 'text' in delta) await sleep(gapMs);
        call.firstTokenSentAt ??= performance.now();
        response.write(
          frame('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: delta } }),
        );
      }
      response.write(frame('contentBlockStop', { contentBlockIndex: 0 }));
    }
    for (let index = 0; index < words.length && !cancelled(); index += perChunk) {
      if (script.cutAfterWords !== undefined && index >= script.cutAfterWords) {
        cutOff(response);
        return;
      }
      if ((index > 0 || thought) && gapMs > 0) await sleep(gapMs);
      call.firstTokenSentAt ??= performance.now();
      call.firstAnswerTokenSentAt ??= performance.now();
      response.write(
        frame('contentBlockDelta', {
          contentBlockIndex: answerIndex,
          delta: { text: words.slice(index, index + perChunk).join('') },
        }),
      );
    }
    if (cancelled()) return;
    response.write(frame('contentBlockStop', { contentBlockIndex: answerIndex }));
    response.write(frame('messageStop', { stopReason: script.stopReason ?? 'end_turn' }));
    response.end(
      frame('metadata', {
        usage,
        metrics: { latencyMs: Math.round(performance.now() - started) },
        ...tier,
      }),
    );
    call.finishedAt = performance.now();
  }

  /**
   * What Bedrock's prompt cache does with the request's `cachePoint` blocks: a checkpoint whose prefix
   * reaches the model's minimum is cached; the longest prefix already cached is read (and its five
   * minutes start again), the rest up to the last checkpoint written. A string is the refusal.
   */
  private promptCacheUsage(
    model: SimulatedModel,
    body: ReceivedCall['body'],
  ): { asked: boolean; read: number; write: number } | string {
    const blocks = requestBlocks(body);
    const points = blocks.filter((block) => 'cachePoint' in block).length;
    if (points === 0) return { asked: false, read: 0, write: 0 };
    const caching = promptCachingOf(model.modelId);
    if (!caching)
      return 'You invoked an unsupported model or your request did not allow prompt caching. See the documentation for more information.';
    if (points > MAX_CACHE_POINTS)
      return `A maximum of ${MAX_CACHE_POINTS} cache points may be provided. Found ${points}.`;
    if (
      blocks.some((block, index) => 'cachePoint' in block && 'reasoningContent' in (blocks[index - 1] ?? {}))
    )
      return 'Cache point cannot be inserted after reasoning block. Please remove the invalid cache point and try again.';
    const checkpoints: { key: string; tokens: number }[] = [];
    const hash = createHash('sha256').update(model.modelId);
    let tokens = 0;
    for (const block of blocks) {
      if (!('cachePoint' in block)) {
        hash.update(JSON.stringify(block));
        tokens += blockTokens(block);
      } else if (tokens >= caching.minTokens) checkpoints.push({ key: hash.copy().digest('hex'), tokens });
    }
    const now = Date.now();
    const hit = checkpoints.findLast((point) => (this.promptCache.get(point.key) ?? 0) > now);
    const last = checkpoints.at(-1);
    for (const point of checkpoints) this.promptCache.set(point.key, now + PROMPT_CACHE_TTL_MS);
    const read = hit?.tokens ?? 0;
    return { asked: true, read, write: (last?.tokens ?? 0) - read };
  }

  /** CountTokens: the input tokens Converse would bill for the same request, for the models that count. */
  private countTokens(
    modelId: string,
    chunks: Buffer[],
    response: ServedResponse,
    fail: (status: number, type: string, message: string) => void,
  ): void {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
      input?: { converse?: Pick<ReceivedCall['body'], 'messages' | 'system'> };
    };
    const model = this.models.find((entry) => entry.modelId === modelId);
    this.tokenCounts.push({ modelId });
    if (this.denyTokenCounts) {
      fail(
        403,
        'AccessDeniedException',
        `User: arn:aws:iam::${ACCOUNT}:user/app is not authorized to perform: bedrock:CountTokens on resource: ${modelArn(modelId)}`,
      );
      return;
    }
    const converse = body.input?.converse;
    const refusal = !model
      ? 'The provided model identifier is invalid.'
      : !countsTokens(modelId)
        ? "The provided model doesn't support counting tokens."
        : !converse?.messages?.length
          ? 'The input must contain a converse request with messages.'
          : undefined;
    if (refusal || !converse) {
      fail(400, 'ValidationException', refusal ?? '');
      return;
    }
    const inputTokens = requestTokens(converse);
    this.tokenCounts[this.tokenCounts.length - 1] = { modelId, inputTokens };
    response.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() });
    response.end(JSON.stringify({ inputTokens }));
  }

  private async handleControl(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.controlUrl);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    const send = (status: number, answer: unknown, errorType?: string) => {
      response.writeHead(status, {
        'content-type': 'application/json',
        'x-amzn-requestid': randomUUID(),
        ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
      });
      response.end(JSON.stringify(answer));
    };
    const jobPath = url.pathname.match(/^\/model-customization-jobs(?:\/([^/]+))?(\/stop)?$/);
    const operation = jobPath
      ? request.method === 'POST'
        ? jobPath[2]
          ? 'StopModelCustomizationJob'
          : 'CreateModelCustomizationJob'
        : jobPath[1]
          ? 'GetModelCustomizationJob'
          : 'ListModelCustomizationJobs'
      : url.pathname === '/provisioned-model-throughputs'
        ? 'ListProvisionedModelThroughputs'
        : (deploymentOperation(request.method ?? 'GET', url.pathname) ?? url.pathname);
    this.controlCalls.push({ operation, at: performance.now() });
    if (this.throttleControl > 0) {
      this.throttleControl -= 1;
      return send(
        429,
        { message: 'Too many requests, please wait before trying again.' },
        'ThrottlingException',
      );
    }
    if (url.pathname.startsWith(DEPLOYMENTS_PATH)) {
      const region = String(request.headers.authorization ?? '').match(
        /Credential=[^/]+\/\d+\/([^/]+)\//,
      )?.[1];
      return this.handleDeployments(operation, url, body, region ?? REGION, send);
    }
    if (jobPath)
      return this.handleJobs(request.method ?? 'GET', url, jobPath[1], Boolean(jobPath[2]), body, send);
    if (request.method === 'GET' && url.pathname === '/provisioned-model-throughputs') {
      const wanted = url.searchParams.get('modelArnEquals');
      const summaries = this.throughputs
        .filter((throughput) => !wanted || throughput.modelArn === wanted)
        .map((throughput) => ({
          provisionedModelName: throughput.name,
          provisionedModelArn: `arn:aws:bedrock:${REGION}:${ACCOUNT}:provisioned-model/${throughput.name}`,
          modelArn: throughput.modelArn,
          desiredModelArn: throughput.modelArn,
          foundationModelArn: throughput.foundationModelArn,
          modelUnits: throughput.modelUnits,
          desiredModelUnits: throughput.modelUnits,
          status: throughput.status,
          creationTime: this.time(0),
          lastModifiedTime: this.time(0),
        }));
      return send(200, { provisionedModelSummaries: summaries });
    }
    if (request.method === 'GET' && url.pathname === '/foundation-models') {
      send(200, {
        modelSummaries: this.models.map((model) => ({
          modelArn: modelArn(model.modelId),
          modelId: model.modelId,
          modelName: model.modelName,
          providerName: model.providerName,
          inputModalities: model.inputModalities,
          outputModalities: model.outputModalities,
          responseStreamingSupported: true,
          customizationsSupported: model.customizationsSupported ?? [],
          inferenceTypesSupported: model.inferenceTypesSupported,
          modelLifecycle: { status: model.lifecycle ?? 'ACTIVE' },
        })),
      });
      return;
    }
    const availability = url.pathname.match(/^\/foundation-model-availability\/([^/]+)$/);
    if (request.method === 'GET' && availability) {
      const modelId = decodeURIComponent(availability[1] ?? '');
      const model = this.models.find((entry) => entry.modelId === modelId);
      if (!model)
        return send(404, { message: `Could not find model ${modelId}.` }, 'ResourceNotFoundException');
      return send(200, {
        modelId,
        agreementAvailability: { status: 'AVAILABLE' },
        authorizationStatus: model.notAuthorized ? 'NOT_AUTHORIZED' : 'AUTHORIZED',
        entitlementAvailability: 'AVAILABLE',
        regionAvailability: 'AVAILABLE',
      });
    }
    if (request.method === 'GET' && url.pathname === '/inference-profiles') {
      const summaries = this.models.flatMap((model) =>
        (model.profiles ?? []).map((geography) => ({
          inferenceProfileName: `${geography.toUpperCase()} ${model.modelName}`,
          inferenceProfileId: `${geography}.${model.modelId}`,
          inferenceProfileArn: `arn:aws:bedrock:${REGION}:${ACCOUNT}:inference-profile/${geography}.${model.modelId}`,
          models: ['us-east-1', 'us-west-2'].map((region) => ({
            modelArn: `arn:aws:bedrock:${region}::foundation-model/${model.modelId}`,
          })),
          status: 'ACTIVE',
          type: 'SYSTEM_DEFINED',
          createdAt: '2024-11-01T00:00:00Z',
          updatedAt: '2024-11-01T00:00:00Z',
        })),
      );
      send(200, { inferenceProfileSummaries: summaries });
      return;
    }
    send(404, { message: `No route for ${request.method} ${url.pathname}` }, 'ResourceNotFoundException');
  }

  private deploymentView(deployment: SimulatedDeployment, detailed: boolean): Record<string, unknown> {
    const status = this.deploymentStatus(deployment);
    const common = {
      customModelDeploymentArn: deployment.arn,
      modelArn: deployment.modelArn,
      createdAt: this.time(deployment.createdAtMs),
      status,
      lastUpdatedAt: this.time(
        deployment.createdAtMs + (status === 'Creating' ? 0 : deployment.readyAfterMs),
      ),
      failureMessage: status === 'Failed' ? deployment.failureMessage : undefined,
    };
    return detailed
      ? { ...common, modelDeploymentName: deployment.name, description: deployment.description }
      : { ...common, customModelDeploymentName: deployment.name };
  }

  /** CreateCustomModelDeployment, Get…, List… and Delete…, as the API reference describes them. */
  private handleDeployments(
    operation: string,
    url: URL,
    body: Record<string, unknown>,
    region: string,
    send: (status: number, answer: unknown, errorType?: string) => void,
  ) {
    const identifier = decodeURIComponent(url.pathname.slice(DEPLOYMENTS_PATH.length + 1));
    if (operation === 'ListCustomModelDeployments') {
      const query = url.searchParams;
      const descending = query.get('sortOrder') !== 'Ascending';
      const matching = this.deployments
        .filter(
          (entry) =>
            (!query.get('statusEquals') || this.deploymentStatus(entry) === query.get('statusEquals')) &&
            (!query.get('nameContains') || entry.name.includes(query.get('nameContains') ?? '')) &&
            (!query.get('modelArnEquals') || entry.modelArn === query.get('modelArnEquals')),
        )
        .sort((a, b) => (descending ? b.createdAtMs - a.createdAtMs : a.createdAtMs - b.createdAtMs));
      const start = Number(query.get('nextToken') ?? 0);
      const max = Number(query.get('maxResults') ?? 100);
      return send(200, {
        modelDeploymentSummaries: matching
          .slice(start, start + max)
          .map((entry) => this.deploymentView(entry, false)),
        nextToken: start + max < matching.length ? String(start + max) : undefined,
      });
    }
    if (operation === 'CreateCustomModelDeployment') {
      const token = body.clientRequestToken === undefined ? undefined : String(body.clientRequestToken);
      const again = token && this.deployments.find((entry) => entry.clientRequestToken === token);
      if (again) return send(202, { customModelDeploymentArn: again.arn });
      const name = String(body.modelDeploymentName ?? '');
      const modelArn = String(body.modelArn ?? '');
      const job = this.jobs.find(
        (entry) =>
          this.phaseOf(entry).status === 'Completed' &&
          modelArn.endsWith(`:custom-model/${entry.baseModelId}/${entry.customModelName}`),
      );
      if (!offersOnDemandDeployment(region))
        return send(
          400,
          { message: `Custom model deployment is not supported in ${region}.` },
          'ValidationException',
        );
      if (!job)
        return send(
          404,
          { message: `The specified model ${modelArn} was not found.` },
          'ResourceNotFoundException',
        );
      if (!deploysOnDemand(job.baseModelId))
        return send(
          400,
          {
            message: `The model ${modelArn} doesn't support on-demand deployment. Use Provisioned Throughput instead.`,
          },
          'ValidationException',
        );
      if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/.test(name) || name.length > 63)
        return send(
          400,
          {
            message: `1 validation error detected: Value '${name}' at 'modelDeploymentName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([0-9a-zA-Z][_-]?){1,63}$`,
          },
          'ValidationException',
        );
      if (this.deployments.some((entry) => entry.name === name))
        return send(400, { message: `A deployment named ${name} already exists.` }, 'ValidationException');
      const failureMessage = this.failNextDeployment;
      this.failNextDeployment = undefined;
      const deployment: SimulatedDeployment = {
        arn: `arn:aws:bedrock:${region}:${ACCOUNT}:custom-model-deployment/${randomUUID().replace(/-/g, '').slice(0, 12)}`,
        name,
        modelArn,
        description: body.description === undefined ? undefined : String(body.description),
        clientRequestToken: token,
        createdAtMs: this.jobClockMs,
        readyAfterMs: 60_000,
        outcome: failureMessage ? 'Failed' : 'Active',
        failureMessage,
      };
      this.deployments.push(deployment);
      return send(202, { customModelDeploymentArn: deployment.arn });
    }
    const deployment = this.findDeployment(identifier);
    if (!deployment)
      return send(
        404,
        { message: `Could not find a custom model deployment: ${identifier}` },
        'ResourceNotFoundException',
      );
    if (operation === 'GetCustomModelDeployment') return send(200, this.deploymentView(deployment, true));
    if (operation === 'DeleteCustomModelDeployment') {
      // The API reference lists ConflictException for a deployment in a state that cannot be deleted.
      if (this.deploymentStatus(deployment) === 'Creating')
        return send(
          400,
          {
            message: `The deployment ${deployment.name} is being created and can't be deleted until it is Active or Failed.`,
          },
          'ConflictException',
        );
      this.deployments.splice(this.deployments.indexOf(deployment), 1);
      return send(200, {});
    }
    send(404, { message: 'No such operation' }, 'ResourceNotFoundException');
  }

  private handleJobs(
    method: string,
    url: URL,
    identifier: string | undefined,
    stop: boolean,
    body: Record<string, unknown>,
    send: (status: number, answer: unknown, errorType?: string) => void,
  ) {
    const notFound = () =>
      send(
        404,
        { message: `Could not find a model customization job: ${identifier}` },
        'ResourceNotFoundException',
      );
    if (method === 'GET' && !identifier) {
      const status = url.searchParams.get('statusEquals');
      const name = url.searchParams.get('nameContains');
      const max = Number(url.searchParams.get('maxResults') ?? 100);
      const start = Number(url.searchParams.get('nextToken') ?? 0);
      const matching = [...this.jobs]
        .sort((a, b) => b.createdAtMs - a.createdAtMs || this.jobs.indexOf(b) - this.jobs.indexOf(a))
        .filter(
          (job) => (!status || this.phaseOf(job).status === status) && (!name || job.name.includes(name)),
        );
      const page = matching.slice(start, start + max);
      return send(200, {
        modelCustomizationJobSummaries: page.map((job) => this.jobView(job, false)),
        nextToken: start + max < matching.length ? String(start + max) : undefined,
      });
    }
    if (method === 'GET' && identifier) {
      const job = this.findJob(decodeURIComponent(identifier));
      return job ? send(200, this.jobView(job, true)) : notFound();
    }
    if (method === 'POST' && identifier && stop) {
      const job = this.findJob(decodeURIComponent(identifier));
      if (!job) return notFound();
      // The API reference lists ConflictException (HTTP 400) for a job in a state that cannot be stopped.
      if (this.phaseOf(job).status !== 'InProgress')
        return send(400, { message: `The job ${job.name} is not in progress.` }, 'ConflictException');
      const age = this.jobClockMs - job.createdAtMs;
      job.timeline = [
        ...job.timeline.filter((phase) => phase.afterMs <= age),
        { afterMs: age, status: 'Stopping' },
        { afterMs: age + 60_000, status: 'Stopped' },
      ];
      return send(200, {});
    }
    if (method === 'POST' && !identifier) {
      const name = String(body.jobName ?? '');
      if (this.jobs.some((job) => job.name === name))
        return send(400, { message: `A job named ${name} already exists.` }, 'ValidationException');
      const baseModelId = String(body.baseModelIdentifier ?? '').replace(/^.*foundation-model\//, '');
      const arn = this.addJob({
        name,
        baseModelId,
        customModelName: String(body.customModelName ?? ''),
        type: String(body.customizationType ?? 'FINE_TUNING'),
        hyperParameters: body.hyperParameters as Record<string, string> | undefined,
        timeline: [{ afterMs: 0, status: 'InProgress', stages: { validation: 'InProgress' } }],
      });
      const created = this.jobs.at(-1)!;
      created.roleArn = String(body.roleArn ?? '');
      created.trainingS3 = String((body.trainingDataConfig as { s3Uri?: string } | undefined)?.s3Uri ?? '');
      created.outputS3 = String((body.outputDataConfig as { s3Uri?: string } | undefined)?.s3Uri ?? '');
      return send(201, { jobArn: arn });
    }
    send(404, { message: 'No such operation' }, 'ResourceNotFoundException');
  }
}

/** The text of the last user message of a Converse body, as `ModelScript.reply` is given it. */
function lastUserText(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages)
    ? (body.messages as { role?: string; content?: { text?: string }[] }[])
    : [];
  const last = messages.filter((message) => message.role === 'user').at(-1);
  return (last?.content ?? []).map((block) => block.text ?? '').join('');
}
