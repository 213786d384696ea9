import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  CountTokensCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttp2Handler, NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BedrockSimulator } from '../../src/playground/bedrock-simulator.js';
import { simulatorClientConfig } from '../support/simulator-client.js';

const CLAUDE = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const NOVA_MICRO = 'amazon.nova-micro-v1:0';
const messages = (text: string) => [{ role: 'user' as const, content: [{ text }] }];

function clientOf(bedrock: BedrockSimulator, requestHandler: NodeHttpHandler | NodeHttp2Handler) {
  return new BedrockRuntimeClient({ ...simulatorClientConfig(bedrock), requestHandler });
}

async function streamedText(client: BedrockRuntimeClient, modelId: string): Promise<string> {
  const answer = await client.send(new ConverseStreamCommand({ modelId, messages: messages('Hello?') }));
  let text = '';
  for await (const event of answer.stream ?? []) text += event.contentBlockDelta?.delta?.text ?? '';
  return text;
}

/** What the simulator answers to raw bytes written on a new connection, in the pieces given. */
async function rawAnswer(url: string, pieces: string[]): Promise<string> {
  const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
  await once(socket, 'connect');
  for (const piece of pieces) {
    socket.write(piece);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  let answer = '';
  socket.on('data', (chunk: Buffer) => {
    answer += chunk.toString('latin1');
  });
  await once(socket, 'close');
  return answer;
}

describe('the Bedrock simulator’s runtime, on one URL', () => {
  const bedrock = new BedrockSimulator();
  beforeAll(async () => {
    await bedrock.start();
    bedrock.script(NOVA_MICRO, { answer: 'Both protocols stream this.' });
  });
  afterAll(() => bedrock.stop());

  it.each([
    ['HTTP/1.1', () => new NodeHttpHandler(), '1.1'],
    ['HTTP/2', () => new NodeHttp2Handler(), '2.0'],
  ])('answers Converse, ConverseStream and CountTokens over %s', async (_, handler, version) => {
    const client = clientOf(bedrock, handler());
    const before = bedrock.calls.length;

    expect(await streamedText(client, NOVA_MICRO)).toBe('Both protocols stream this.');
    const converse = await client.send(
      new ConverseCommand({ modelId: NOVA_MICRO, messages: messages('Hi') }),
    );
    expect(converse.output?.message?.content?.[0]?.text).toBe('Both protocols stream this.');
    const counted = await client.send(
      new CountTokensCommand({ modelId: CLAUDE, input: { converse: { messages: messages('Count me') } } }),
    );
    expect(counted.inputTokens).toBeGreaterThan(0);

    expect(bedrock.calls.slice(before).map((call) => call.httpVersion)).toEqual([version, version]);
    client.destroy();
  });

  it('tells the protocols apart even when the first bytes come one by one', async () => {
    // `P` starts both the HTTP/2 preface and `POST`: the simulator waits for the byte that decides.
    const answer = await rawAnswer(bedrock.runtimeUrl, [
      'P',
      'OST /nowhere HTTP/1.1\r\nHost: bedrock\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
    ]);
    expect(answer).toMatch(/^HTTP\/1\.1 404 /);
    expect(answer).toContain('UnknownOperationException');
  });

  it('shrugs off clients that leave before saying anything, or halfway through the HTTP/2 preface', async () => {
    for (const said of ['', 'PRI * HTTP/2.0\r\n']) {
      const leaving = net.connect(Number(new URL(bedrock.runtimeUrl).port), '127.0.0.1');
      await once(leaving, 'connect');
      if (said) leaving.write(said);
      leaving.resetAndDestroy();
      await once(leaving, 'close');
    }

    const client = clientOf(bedrock, new NodeHttpHandler());
    expect(await streamedText(client, NOVA_MICRO)).toBe('Both protocols stream this.');
    client.destroy();
  });
});

describe('stopping the Bedrock simulator', () => {
  it('ends kept-alive HTTP/1.1 connections and HTTP/2 streams mid-answer', async () => {
    const bedrock = new BedrockSimulator();
    await bedrock.start();
    bedrock.script(NOVA_MICRO, { answer: 'slow '.repeat(100), tokensPerSecond: 20 });
    const agent = new http.Agent({ keepAlive: true });
    const http1 = clientOf(bedrock, new NodeHttpHandler({ httpAgent: agent }));
    const http2 = clientOf(bedrock, new NodeHttp2Handler());
    await http1.send(
      new CountTokensCommand({ modelId: CLAUDE, input: { converse: { messages: messages('x') } } }),
    );
    const [keptAlive] = Object.values(agent.freeSockets).flat();
    expect(keptAlive).toBeDefined();
    const keptAliveClosed = once(keptAlive!, 'close');
    const answer = await http2.send(
      new ConverseStreamCommand({ modelId: NOVA_MICRO, messages: messages('Hi') }),
    );
    // The SDK ends an HTTP/2 event stream cut at a frame boundary without an error: what counts is that it ends.
    const reading = (async () => {
      for await (const _ of answer.stream ?? []);
    })().catch(() => undefined);

    const started = performance.now();
    await bedrock.stop();
    await Promise.all([keptAliveClosed, reading]);
    // The answer would take 5 s; the server would close the idle connection itself after 5 s.
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(bedrock.calls.at(-1)?.finishedAt).toBeUndefined();
    http1.destroy();
    http2.destroy();
  });
});
