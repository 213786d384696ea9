import { BedrockClient } from '@aws-sdk/client-bedrock';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { Logger } from '../logger.js';
import { classifyBedrockError } from './errors.js';
import { converseEventStreams } from './event-stream.js';

export interface BedrockClients {
  runtime: BedrockRuntimeClient;
  control: BedrockClient;
}

/** What the SDK attaches to an answer, or to an error raised for one. */
interface ResponseMetadata {
  httpStatusCode?: number;
  requestId?: string;
}

/** The fields of a failed call worth a log line: never the prompt, never credentials. */
interface CallContext {
  operation: string;
  modelId?: string;
  job?: string;
}

function reportFailure(logger: Logger, call: CallContext, error: unknown, answered?: ResponseMetadata): void {
  const metadata = (error as { $metadata?: ResponseMetadata }).$metadata ?? answered;
  const { kind, detail } = classifyBedrockError(error);
  logger.warn(
    {
      ...call,
      error: error instanceof Error ? error.name : typeof error,
      kind,
      httpStatus: metadata?.httpStatusCode,
      requestId: metadata?.requestId,
      detail: detail ?? (error instanceof Error ? error.message.slice(0, 300) : undefined),
    },
    'Bedrock call failed',
  );
}

/**
 * Passes a streamed answer through, reporting an error raised while it is read (a bad frame, a
 * fault). It wraps the iterator's `next` rather than adding a generator: a generator layer costs
 * promises for every event of every stream.
 */
function reportingStream<T>(stream: AsyncIterable<T>, report: (error: unknown) => void): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const iterator = stream[Symbol.asyncIterator]();
      const reported = (error: unknown): never => {
        report(error);
        throw error;
      };
      return {
        next: () => iterator.next().catch(reported),
        return: (value?: unknown) =>
          iterator.return?.(value).catch(reported) ??
          Promise.resolve({ done: true as const, value: undefined }),
      };
    },
  };
}

/**
 * Every failed Bedrock call, on either client and whatever the command, is logged here once at warn,
 * with the error's name, HTTP status and request id: after the SDK's own retries (this runs outside
 * them) and, for streamed answers, when an error surfaces while the stream is read.
 */
function logFailures(client: BedrockRuntimeClient | BedrockClient, logger: Logger): void {
  // Both stacks take the same middleware; the cast only fixes which client's input types TS checks.
  (client as BedrockClient).middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { modelId?: string; jobIdentifier?: string };
      const call: CallContext = {
        operation: String(context.commandName ?? 'unknown').replace(/Command$/, ''),
        modelId: input.modelId,
        job: input.jobIdentifier,
      };
      try {
        const result = await next(args);
        const output = result.output as { stream?: unknown; $metadata?: ResponseMetadata };
        const stream = output.stream;
        if (stream && typeof stream === 'object' && Symbol.asyncIterator in stream) {
          output.stream = reportingStream(stream as AsyncIterable<unknown>, (error) =>
            reportFailure(logger, call, error, output.$metadata),
          );
        }
        return result;
      } catch (error) {
        reportFailure(logger, call, error);
        throw error;
      }
    },
    { step: 'initialize', name: 'bedrockSlackLogFailures' },
  );
}

/**
 * Built once per process. Endpoints come from the SDK's own AWS_ENDPOINT_URL_BEDROCK[_RUNTIME];
 * credentials from the standard chain (or AWS_BEARER_TOKEN_BEDROCK for the runtime). The standard
 * retry mode backs off on throttling before a stream starts. The runtime keeps the SDK's transport,
 * HTTP/2 with a session per call: HTTP/1.1 on kept-alive connections was tried and, in bench/load.ts
 * at 50 compares, cost the app about 20% more CPU per token and reached Bedrock no sooner.
 */
export function createBedrockClients(region: string, logger: Logger): BedrockClients {
  const clients = {
    runtime: new BedrockRuntimeClient({
      region,
      retryMode: 'standard',
      maxAttempts: 4,
      eventStreamSerdeProvider: converseEventStreams,
    }),
    control: new BedrockClient({ region, retryMode: 'standard', maxAttempts: 4 }),
  };
  logFailures(clients.runtime, logger);
  logFailures(clients.control, logger);
  return clients;
}
