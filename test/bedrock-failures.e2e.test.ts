import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { classifyBedrockError } from '../src/bedrock/errors.js';
import { visibleText } from './support/blocks.js';
import { type Bench, startBench } from './support/harness.js';

let bench: Bench;
let counter = 0;
const fresh = () => {
  counter += 1;
  return { channelId: `CF${counter}`, userId: `UF${counter}`, responseId: `rf${counter}` };
};

const finalIn = (channel: string) => bench.slack.updateShowing(channel, 'Summary');

const ephemeralTo = (responseId: string) => bench.slack.responseTo(responseId);

interface LogLine {
  level: number;
  msg: string;
  operation?: string;
  error?: string;
  httpStatus?: number;
  requestId?: string;
  modelId?: string;
}
const warnings = (operation: string) =>
  bench.logs.lines
    .map((line) => JSON.parse(line) as LogLine)
    .filter(
      (line) => line.level === 40 && line.msg === 'Bedrock call failed' && line.operation === operation,
    );

beforeAll(async () => {
  bench = await startBench();
});
afterEach(() => {
  bench.bedrock.timestamps = 'rfc3339';
});
afterAll(() => bench.stop());

describe('an answer the SDK cannot read', () => {
  it('tells the compare “I couldn’t read Bedrock’s answer” for that model and logs the failure at warn', async () => {
    bench.bedrock.script('mistral.mistral-large-2402-v1:0', { garbledFrame: true });
    const who = fresh();
    await bench.sender.command('/compare', 'nova-micro mistral-large What is S3?', who);
    const final = visibleText((await finalIn(who.channelId)).args.blocks);
    expect(final).toContain('I couldn’t read Bedrock’s answer');
    expect(final).not.toContain('Try again shortly');
    expect(final).toContain('This is Nova Micro answering');

    const [warning] = warnings('ConverseStream').filter(
      (line) => line.modelId === 'mistral.mistral-large-2402-v1:0',
    );
    expect(warning).toMatchObject({ httpStatus: 200, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(warning?.error).toBeTruthy();
  });

  it('tells /finetune-status “I couldn’t read Bedrock’s answer” when job times are not RFC 3339', async () => {
    const arn = bench.bedrock.addJob({
      name: 'odd-times',
      baseModelId: 'amazon.nova-micro-v1:0:128k',
      customModelName: 'odd-times-model',
      timeline: [{ afterMs: 0, status: 'InProgress' }],
    });
    bench.bedrock.timestamps = 'spaced';
    const who = fresh();
    await bench.sender.command('/finetune-status', 'odd-times', who);
    const reply = visibleText((await ephemeralTo(who.responseId)).body.blocks);
    expect(reply).toContain('I couldn’t read Bedrock’s answer');
    expect(reply).not.toContain('can’t find');
    expect(warnings('GetModelCustomizationJob').at(-1)).toMatchObject({
      error: 'TypeError',
      httpStatus: 200,
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(arn).toBeTruthy();
  });
});

describe('every Bedrock failure', () => {
  it('is logged once at warn with its error name, HTTP status and request id, and no secret', async () => {
    bench.bedrock.script('meta.llama3-70b-instruct-v1:0', {
      failure: { type: 'AccessDeniedException', status: 403, message: 'No access to this model.' },
    });
    const who = fresh();
    await bench.sender.command('/compare', 'nova-micro llama3-70b hello there', who);
    await finalIn(who.channelId);
    const denied = warnings('ConverseStream').filter(
      (line) => line.modelId === 'meta.llama3-70b-instruct-v1:0',
    );
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({
      error: 'AccessDeniedException',
      httpStatus: 403,
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const everything = bench.logs.lines.join('\n');
    expect(everything).not.toContain('AKIAEMULATOR00000000');
    expect(everything).not.toContain('emulator-secret-key-not-real');
  });
});

describe('the app’s own AWS credentials', () => {
  it('says they were denied, not that the account lacks model access, in a compare', async () => {
    bench.bedrock.script('mistral.mistral-7b-instruct-v0:2', {
      failure: {
        type: 'UnrecognizedClientException',
        status: 403,
        message: 'The security token included in the request is invalid.',
      },
    });
    const who = fresh();
    await bench.sender.command('/compare', 'nova-micro mistral-7b-instruct Name one AWS region', who);
    const final = visibleText((await finalIn(who.channelId)).args.blocks);
    expect(final).toContain('Bedrock denied the app’s AWS credentials');
    expect(final).not.toContain('Enable it under "Model access"');
  });

  it('says they are missing when the credential chain fails after start', () => {
    const missing = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    expect(classifyBedrockError(missing).message).toContain('The app’s AWS credentials are missing');
  });
});
