import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenCounter } from '../../src/bedrock/token-counting.js';
import { BedrockSimulator } from '../../src/playground/bedrock-simulator.js';
import { simulatorClientConfig } from '../support/simulator-client.js';

let bedrock: BedrockSimulator;
let runtime: BedrockRuntimeClient;

beforeAll(async () => {
  bedrock = new BedrockSimulator();
  await bedrock.start();
  runtime = new BedrockRuntimeClient(simulatorClientConfig(bedrock));
});
afterAll(async () => {
  runtime.destroy();
  await bedrock.stop();
});

const request = { messages: [{ role: 'user' as const, content: [{ text: 'How many tokens is this?' }] }] };

describe('TokenCounter', () => {
  it('asks CountTokens with the model’s own ID, not the inference profile’s', async () => {
    const counter = new TokenCounter(runtime);
    const tokens = await counter.count('us.anthropic.claude-3-5-haiku-20241022-v1:0', request);
    expect(tokens).toBeGreaterThan(0);
    expect(bedrock.tokenCounts.at(-1)).toEqual({
      modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0',
      inputTokens: tokens,
    });
  });

  it('does not ask for a model without CountTokens', async () => {
    const asked = bedrock.tokenCounts.length;
    expect(await new TokenCounter(runtime).count('amazon.nova-micro-v1:0', request)).toBeUndefined();
    expect(bedrock.tokenCounts.length).toBe(asked);
  });

  it('stops asking once the role is denied CountTokens', async () => {
    const denying = new BedrockSimulator();
    await denying.start();
    const client = new BedrockRuntimeClient(simulatorClientConfig(denying));
    denying.denyTokenCounts = true;
    const counter = new TokenCounter(client);
    const claude = 'anthropic.claude-3-5-haiku-20241022-v1:0';
    expect(await counter.count(claude, request)).toBeUndefined();
    expect(await counter.count(claude, request)).toBeUndefined();
    expect(denying.tokenCounts).toHaveLength(1);
    client.destroy();
    await denying.stop();
  });
});
