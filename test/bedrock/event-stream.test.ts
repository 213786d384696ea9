import { PassThrough } from 'node:stream';
import {
  BedrockRuntimeClient,
  ConverseStreamCommand,
  type ConverseStreamOutput,
  ThrottlingException,
} from '@aws-sdk/client-bedrock-runtime';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import type { Message } from '@smithy/types';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_CUT_SHORT } from '../../src/bedrock/errors.js';
import { converseEventStreams } from '../../src/bedrock/event-stream.js';
import { BedrockSimulator } from '../../src/playground/bedrock-simulator.js';
import { simulatorClientConfig } from '../support/simulator-client.js';

let bedrock: BedrockSimulator;
/** The SDK's own event stream reader, and the app's, against the same simulator. */
let sdkReader: BedrockRuntimeClient;
let appReader: BedrockRuntimeClient;

beforeAll(async () => {
  bedrock = new BedrockSimulator();
  await bedrock.start();
  const options = simulatorClientConfig(bedrock);
  sdkReader = new BedrockRuntimeClient(options);
  appReader = new BedrockRuntimeClient({ ...options, eventStreamSerdeProvider: converseEventStreams });
});
afterAll(async () => {
  sdkReader.destroy();
  appReader.destroy();
  await bedrock.stop();
});

async function read(client: BedrockRuntimeClient, modelId: string): Promise<ConverseStreamOutput[]> {
  const answer = await client.send(
    new ConverseStreamCommand({ modelId, messages: [{ role: 'user', content: [{ text: 'Hello' }] }] }),
  );
  const events: ConverseStreamOutput[] = [];
  for await (const event of answer.stream ?? []) events.push(event);
  return events;
}

const failureOf = (reading: Promise<unknown>) =>
  reading.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('the app’s reader of streamed answers', () => {
  it('reads an answer, its reasoning and its usage exactly as the SDK’s own reader does', async () => {
    bedrock.script('deepseek.r1-v1:0', {
      reasoning: 'First I weigh the naïve option — then 你好 🎉.',
      answer: 'The **answer** is `42`: déjà vu, 你好 and 🎉 in one line.\n\n- one\n- two',
      wordsPerChunk: 3,
    });

    const bySdk = await read(sdkReader, 'us.deepseek.r1-v1:0');
    const byApp = await read(appReader, 'us.deepseek.r1-v1:0');

    // Bedrock's own latency differs between two calls; everything else is the same answer.
    const withoutLatency = (events: ConverseStreamOutput[]) =>
      events.map((event) => (event.metadata ? { metadata: { ...event.metadata, metrics: {} } } : event));
    expect(withoutLatency(byApp)).toEqual(withoutLatency(bySdk));
    expect(byApp.map((event) => event.contentBlockDelta?.delta?.text ?? '').join('')).toBe(
      'The **answer** is `42`: déjà vu, 你好 and 🎉 in one line.\n\n- one\n- two',
    );
    expect(byApp.some((event) => event.contentBlockDelta?.delta?.reasoningContent?.text)).toBe(true);
    expect(byApp.at(-1)?.metadata?.usage?.outputTokens).toBeGreaterThan(0);
  });

  it('throws the SDK’s own exception when Bedrock sends one inside the stream', async () => {
    bedrock.script('amazon.nova-micro-v1:0', {
      answer: 'never shown',
      failure: { type: 'ThrottlingException', status: 429, inStream: true, message: 'Too many tokens' },
    });

    const bySdk = await failureOf(read(sdkReader, 'amazon.nova-micro-v1:0'));
    const byApp = await failureOf(read(appReader, 'amazon.nova-micro-v1:0'));

    expect(byApp).toBeInstanceOf(ThrottlingException);
    expect(byApp).toMatchObject({ name: 'ThrottlingException', message: 'Too many tokens' });
    expect(bySdk).toMatchObject({ name: 'ThrottlingException', message: 'Too many tokens' });
  });

  it('rejects a frame whose checksum is wrong, as the SDK does', async () => {
    bedrock.script('amazon.nova-lite-v1:0', { answer: 'never shown', garbledFrame: true });

    const bySdk = await failureOf(read(sdkReader, 'amazon.nova-lite-v1:0'));
    const byApp = await failureOf(read(appReader, 'amazon.nova-lite-v1:0'));

    const checksumError = /^The message checksum \(\d+\) did not match the expected value of \d+$/;
    expect((bySdk as Error).message).toMatch(checksumError);
    expect((byApp as Error).message).toMatch(checksumError);
  });
});

describe('frames across chunk boundaries', () => {
  const codec = new EventStreamCodec(toUtf8, fromUtf8);
  const textDelta = (text: string) =>
    codec.encode({
      headers: {
        ':event-type': { type: 'string', value: 'contentBlockDelta' },
        ':content-type': { type: 'string', value: 'application/json' },
        ':message-type': { type: 'string', value: 'event' },
      },
      body: fromUtf8(JSON.stringify({ contentBlockIndex: 0, delta: { text }, p: 'abc' })),
    });
  const texts = ['Grüße ', 'aus ', '東京 🎌'];
  const body = Buffer.concat(texts.map(textDelta));
  const inChunks = async function* (bytes: Uint8Array, size: number) {
    for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
  };
  const marshaller = converseEventStreams({ utf8Encoder: toUtf8, utf8Decoder: fromUtf8 });
  const noOtherEvents = async (event: Record<string, Message>) => {
    throw new Error(`only text deltas were sent, got ${Object.keys(event)}`);
  };

  it.each([
    1,
    2,
    3,
    7,
    64,
    body.length,
  ])('reads every text delta whole from chunks of %i bytes', async (size) => {
    const read: unknown[] = [];
    for await (const event of marshaller.deserialize(inChunks(body, size), noOtherEvents)) read.push(event);

    expect(read).toEqual(
      texts.map((text) => ({ contentBlockDelta: { delta: { text }, contentBlockIndex: 0 } })),
    );
  });

  it('hands on every event, in order, to a reader slower than the body', async () => {
    const many = Array.from({ length: 300 }, (_, index) => `w${index} `);
    const frames = async function* () {
      for (const text of many) yield textDelta(text);
    };

    const read: string[] = [];
    for await (const event of marshaller.deserialize(frames(), noOtherEvents)) {
      read.push((event as { contentBlockDelta: { delta: { text: string } } }).contentBlockDelta.delta.text);
      if (read.length % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }

    expect(read).toEqual(many);
  });

  it('fails the read of a body that closes before it ends, after the events that arrived', async () => {
    const body = new PassThrough();
    body.write(textDelta('Grüße '));
    const read: unknown[] = [];
    const reading = (async () => {
      for await (const event of marshaller.deserialize(body, noOtherEvents)) {
        read.push(event);
        body.destroy();
      }
    })();

    await expect(reading).rejects.toMatchObject({
      name: STREAM_CUT_SHORT,
      message: 'The answer’s connection closed before the answer ended.',
    });
    expect(read).toEqual([{ contentBlockDelta: { delta: { text: 'Grüße ' }, contentBlockIndex: 0 } }]);
  });

  it('says a stream that ends mid-frame was truncated', async () => {
    const cut = body.subarray(0, body.length - 5);
    const reading = (async () => {
      for await (const _ of marshaller.deserialize(inChunks(cut, 16), noOtherEvents));
    })();

    await expect(reading).rejects.toThrow('Truncated event message received.');
  });
});
