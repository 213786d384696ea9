import { ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BedrockClients, createBedrockClients } from '../../src/bedrock/clients.js';
import { streamConverse } from '../../src/bedrock/runtime.js';
import { createLogger } from '../../src/logger.js';
import { BedrockSimulator } from '../../src/playground/bedrock-simulator.js';

const SLOW_MODEL = 'mistral.mistral-7b-instruct-v0:2';
const ask = (modelId: string, text: string) => ({
  modelId,
  messages: [{ role: 'user' as const, content: [{ text }] }],
});

describe('the app’s Bedrock runtime client, against the simulator', () => {
  const bedrock = new BedrockSimulator();
  let clients: BedrockClients;

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

  it('ends an aborted stream’s answer, which the simulator sees', async () => {
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
    // Over HTTP/2 the SDK ends a stream cut between two frames without an error, and mid-frame with one.
    await reading.catch(() => undefined);

    // The whole answer takes a second: past it, an answer still being written would have finished.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(aborted?.firstTokenSentAt).toBeDefined();
    expect(aborted?.finishedAt).toBeUndefined();
    expect(aborted?.cancelledAt).toBeDefined();
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
