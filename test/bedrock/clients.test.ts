import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BedrockClients, createBedrockClients } from '../../src/bedrock/clients.js';
import { streamConverse } from '../../src/bedrock/runtime.js';
import { createLogger } from '../../src/logger.js';
import { BedrockSimulator, type ReceivedCall } from '../../src/playground/bedrock-simulator.js';

const NOVA_MICRO = 'amazon.nova-micro-v1:0';
const SLOW_MODEL = 'mistral.mistral-7b-instruct-v0:2';
const ask = (modelId: string, text: string) => ({
  modelId,
  messages: [{ role: 'user' as const, content: [{ text }] }],
});

async function streamAll(client: BedrockRuntimeClient, text: string): Promise<void> {
  const answer = await client.send(new ConverseStreamCommand(ask(NOVA_MICRO, text)));
  for await (const _ of answer.stream ?? []);
}

/** Consecutive calls: two streamed answers, then one whole. */
async function threeCalls(client: BedrockRuntimeClient): Promise<void> {
  await streamAll(client, 'one');
  await streamAll(client, 'two');
  await client.send(new ConverseCommand(ask(NOVA_MICRO, 'three')));
}

const connectionsOf = (calls: ReceivedCall[]) => new Set(calls.map((call) => call.remotePort)).size;

describe('the app’s Bedrock runtime client, against the simulator', () => {
  const bedrock = new BedrockSimulator();
  let clients: BedrockClients;
  const since = (before: number) => bedrock.calls.slice(before);

  beforeAll(async () => {
    await bedrock.start();
    // The AWS SDK reads its endpoint overrides and credentials from the process environment itself.
    Object.assign(process.env, bedrock.env());
    clients = createBedrockClients('us-east-1', createLogger('silent'));
  });
  afterAll(async () => {
    clients.runtime.destroy();
    clients.control.destroy();
    await bedrock.stop();
  });

  it('carries consecutive calls on one kept-alive HTTP/1.1 connection', async () => {
    const before = bedrock.calls.length;
    await threeCalls(clients.runtime);

    expect(since(before).map((call) => call.httpVersion)).toEqual(['1.1', '1.1', '1.1']);
    expect(connectionsOf(since(before))).toBe(1);
  });

  it('where the SDK’s default handler opens a new HTTP/2 connection for every call', async () => {
    const sdkDefault = new BedrockRuntimeClient({ region: 'us-east-1' });
    const before = bedrock.calls.length;
    await threeCalls(sdkDefault);

    expect(since(before).map((call) => call.httpVersion)).toEqual(['2.0', '2.0', '2.0']);
    expect(connectionsOf(since(before))).toBe(3);
    sdkDefault.destroy();
  });

  it('gives each of more parallel streams than the SDK’s default pool (50) a connection, and keeps them', async () => {
    bedrock.script(NOVA_MICRO, { firstTokenMs: 500 });
    const parallel = async () => {
      const before = bedrock.calls.length;
      await Promise.all(Array.from({ length: 60 }, (_, index) => streamAll(clients.runtime, `${index}`)));
      return since(before);
    };
    const first = await parallel();
    const second = await parallel();
    bedrock.script(NOVA_MICRO, {});

    // A capped pool would hold the calls beyond its cap until an answer ended.
    const lastReceived = Math.max(...first.map((call) => call.receivedAt));
    expect(lastReceived).toBeLessThan(Math.min(...first.map((call) => call.finishedAt ?? 0)));
    expect(connectionsOf(first)).toBe(60);
    expect(new Set(second.map((call) => call.remotePort))).toEqual(
      new Set(first.map((call) => call.remotePort)),
    );
  });

  it('ends an aborted stream’s connection, which the simulator sees, and the next call opens another', async () => {
    bedrock.script(SLOW_MODEL, { answer: 'word '.repeat(40), tokensPerSecond: 40 });
    const aborting = new AbortController();
    const answer = await clients.runtime.send(new ConverseStreamCommand(ask(SLOW_MODEL, 'Talk slowly')), {
      abortSignal: aborting.signal,
    });
    const aborted = bedrock.calls.at(-1);
    const reading = (async () => {
      for await (const event of answer.stream ?? []) {
        if (event.contentBlockDelta) aborting.abort();
      }
    })();
    await expect(reading).rejects.toThrow();

    // The whole answer takes a second: past it, an answer still being written would have finished.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(aborted?.firstTokenSentAt).toBeDefined();
    expect(aborted?.finishedAt).toBeUndefined();

    const before = bedrock.calls.length;
    await streamAll(clients.runtime, 'And now?');
    expect(since(before)[0]?.finishedAt).toBeDefined();
    expect(since(before)[0]?.remotePort).not.toBe(aborted?.remotePort);
  });

  it('ends the answer of a stream its reader leaves early, instead of holding the connection', async () => {
    bedrock.script(SLOW_MODEL, { answer: 'word '.repeat(40), tokensPerSecond: 40 });
    const request = { invokeId: SLOW_MODEL, messages: ask(SLOW_MODEL, 'Talk slowly').messages };
    const reading = streamConverse(clients.runtime, request, () => {
      throw new Error('the reader failed');
    });
    await expect(reading).rejects.toThrow('the reader failed');
    const left = bedrock.calls.at(-1);

    // The whole answer takes a second: past it, an answer still being written would have finished.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(left?.firstTokenSentAt).toBeDefined();
    expect(left?.finishedAt).toBeUndefined();
  });
});
