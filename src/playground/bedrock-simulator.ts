import { randomUUID } from 'node:crypto';
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

/**
 * Amazon Bedrock on loopback, speaking the wire protocols the real SDK clients speak: the runtime
 * over HTTP/2 cleartext (Converse, ConverseStream as application/vnd.amazon.eventstream frames), the
 * control plane over HTTP/1.1 (catalog, inference profiles, customization jobs). Per-model scripts set
 * the answer, time to first token, token rate and failures.
 */

export interface ModelScript {
  answer?: string;
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
  /** Answer the next `times` calls with this error instead (default: every call). */
  failure?: { type: string; status: number; message?: string; times?: number; inStream?: boolean };
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

export interface ReceivedCall {
  operation: 'Converse' | 'ConverseStream';
  invokedId: string;
  modelId: string;
  body: {
    messages: { role: string; content: Record<string, unknown>[] }[];
    system?: { text: string }[];
    inferenceConfig?: { maxTokens?: number; temperature?: number };
  };
  authorization: string;
  receivedAt: number;
  firstTokenSentAt?: number;
  finishedAt?: number;
}

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

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
];

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function frame(eventType: string, payload: Record<string, unknown>): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    // Real frames carry random padding `p` that clients ignore; sending it proves we ignore it too.
    body: fromUtf8(
      JSON.stringify({ ...payload, p: 'abcdefghij'.slice(0, 1 + Math.floor(Math.random() * 9)) }),
    ),
  });
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
  const images = messages.some((message) => message.content.some((block) => 'image' in block));
  if (images && !model.inputModalities.includes('IMAGE'))
    return "This model doesn't support the image content block that you provided. Try again with a different model.";
  return undefined;
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
  /** Test-controlled time for customization jobs, in ms. */
  jobClockMs = 0;
  /** `spaced` writes the control plane's job and throughput times as `2026-11-20 09:00:00`. */
  timestamps: 'rfc3339' | 'spaced' = 'rfc3339';
  private throttleControl = 0;
  private readonly scripts = new Map<string, ModelScript>();
  private runtime?: http2.Http2Server;
  /** Open connections, ended on stop even mid-answer (an app stopped mid-stream leaves them open). */
  private readonly sessions = new Set<http2.ServerHttp2Session>();
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
    this.runtime = http2.createServer();
    this.runtime.on('session', (session) => {
      this.sessions.add(session);
      session.once('close', () => this.sessions.delete(session));
    });
    this.runtime.on('stream', (stream, headers) => {
      void this.handleRuntime(stream, headers);
    });
    this.control = http.createServer((request, response) => void this.handleControl(request, response));
    await Promise.all([
      new Promise<void>((resolve) => this.runtime!.listen(0, '127.0.0.1', resolve)),
      new Promise<void>((resolve) => this.control!.listen(0, '127.0.0.1', resolve)),
    ]);
    this.runtimeUrl = `http://127.0.0.1:${(this.runtime.address() as AddressInfo).port}`;
    this.controlUrl = `http://127.0.0.1:${(this.control.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await Promise.all([
      new Promise((resolve) => {
        for (const session of this.sessions) session.destroy();
        this.runtime?.close(resolve) ?? resolve(undefined);
      }),
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

  private resolveInvoked(invokedId: string): SimulatedModel | undefined {
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

  private async handleRuntime(
    stream: http2.ServerHttp2Stream,
    headers: http2.IncomingHttpHeaders,
  ): Promise<void> {
    const path = String(headers[':path'] ?? '');
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const match = path.match(/^\/model\/([^/]+)\/(converse-stream|converse)$/);
    const fail = (status: number, type: string, message: string) => {
      stream.respond({
        ':status': status,
        'content-type': 'application/json',
        'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
        'x-amzn-requestid': randomUUID(),
      });
      stream.end(JSON.stringify({ message }));
    };
    if (!match) return fail(404, 'UnknownOperationException', 'Unknown operation');
    const invokedId = decodeURIComponent(match[1] ?? '');
    const model = this.resolveInvoked(invokedId);
    const call: ReceivedCall = {
      operation: match[2] === 'converse' ? 'Converse' : 'ConverseStream',
      invokedId,
      modelId: model?.modelId ?? invokedId,
      body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
      authorization: String(headers.authorization ?? ''),
      receivedAt: performance.now(),
    };
    this.calls.push(call);
    if (!model) return fail(400, 'ValidationException', 'The provided model identifier is invalid.');
    // A profile or a provisioned throughput: either way not on-demand throughput.
    const viaProfile = invokedId !== model.modelId;
    if (!viaProfile && !model.inferenceTypesSupported.includes('ON_DEMAND')) {
      return fail(
        400,
        'ValidationException',
        `Invocation of model ID ${model.modelId} with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
      );
    }
    const invalid = requestProblem(call.body, model);
    if (invalid) return fail(400, 'ValidationException', invalid);
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
      script.answer ?? `This is ${model.modelName} answering: ${'lorem ipsum '.repeat(8).trim()}.`;
    const words = answer.split(/(?<=\s)/);
    const inputTokens =
      script.inputTokens ?? Math.max(1, Math.ceil(JSON.stringify(call.body.messages).length / 8));
    const outputTokens = words.length;
    const started = performance.now();
    if (call.operation === 'Converse') {
      await sleep(script.firstTokenMs ?? 0);
      stream.respond({
        ':status': 200,
        'content-type': 'application/json',
        'x-amzn-requestid': randomUUID(),
      });
      stream.end(
        JSON.stringify({
          output: { message: { role: 'assistant', content: [{ text: answer }] } },
          stopReason: script.stopReason ?? 'end_turn',
          usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
          metrics: { latencyMs: Math.round(performance.now() - started) },
        }),
      );
      return;
    }
    stream.respond({
      ':status': 200,
      'content-type': 'application/vnd.amazon.eventstream',
      'x-amzn-requestid': randomUUID(),
    });
    stream.write(frame('messageStart', { role: 'assistant' }));
    await sleep(script.firstTokenMs ?? 0);
    if (script.garbledFrame && stream.writable) {
      stream.end(garbled());
      return;
    }
    if (failure?.inStream && stream.writable) {
      stream.end(exceptionFrame(failure.type, failure.message ?? `${failure.type} from the emulator`));
      return;
    }
    const perChunk = script.wordsPerChunk ?? 1;
    const gapMs = script.tokensPerSecond ? (1000 * perChunk) / script.tokensPerSecond : 0;
    for (let index = 0; index < words.length && !stream.destroyed; index += perChunk) {
      if (index > 0 && gapMs > 0) await sleep(gapMs);
      call.firstTokenSentAt ??= performance.now();
      stream.write(
        frame('contentBlockDelta', {
          contentBlockIndex: 0,
          delta: { text: words.slice(index, index + perChunk).join('') },
        }),
      );
    }
    if (stream.destroyed) return;
    stream.write(frame('contentBlockStop', { contentBlockIndex: 0 }));
    stream.write(frame('messageStop', { stopReason: script.stopReason ?? 'end_turn' }));
    stream.end(
      frame('metadata', {
        usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
        metrics: { latencyMs: Math.round(performance.now() - started) },
      }),
    );
    call.finishedAt = performance.now();
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
        : url.pathname;
    this.controlCalls.push({ operation, at: performance.now() });
    if (this.throttleControl > 0) {
      this.throttleControl -= 1;
      return send(
        429,
        { message: 'Too many requests, please wait before trying again.' },
        'ThrottlingException',
      );
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
