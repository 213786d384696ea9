import { describe, expect, it } from 'vitest';
import { checkHyperparameters, parseHyperparameters } from '../../src/jobs/hyperparameters.js';
import { parseJobsCommand } from '../../src/jobs/parse.js';
import { failureHint } from '../../src/slack/jobs/blocks.js';

describe('reading /finetune-status', () => {
  it.each([
    ['', { kind: 'list' }],
    ['  ', { kind: 'list' }],
    ['running', { kind: 'list', status: 'InProgress' }],
    ['Failed', { kind: 'list', status: 'Failed' }],
    ['completed name:support', { kind: 'list', status: 'Completed', nameContains: 'support' }],
    ['name:v2', { kind: 'list', nameContains: 'v2' }],
    ['my-job', { kind: 'details', job: 'my-job' }],
    [
      'arn:aws:bedrock:us-east-1:1:model-customization-job/x/y',
      { kind: 'details', job: 'arn:aws:bedrock:us-east-1:1:model-customization-job/x/y' },
    ],
    ['watch my-job', { kind: 'watch', job: 'my-job' }],
    ['unwatch my-job', { kind: 'unwatch', job: 'my-job' }],
    ['new', { kind: 'new' }],
    ['throughput', { kind: 'throughput' }],
    ['help', { kind: 'help' }],
  ])('%j', (text, expected) => {
    expect(parseJobsCommand(text)).toEqual({ ok: true, value: expected });
  });

  it.each(['watch', 'watch a b', 'running sideways', 'my job'])('refuses %j with a usage line', (text) => {
    expect(parseJobsCommand(text)).toMatchObject({ ok: false, problem: { kind: 'invalid' } });
  });
});

describe('checking hyperparameters against the documented ranges', () => {
  it('accepts values inside the range of the base model', () => {
    expect(
      checkHyperparameters('amazon.nova-micro-v1:0:128k', {
        epochCount: '5',
        learningRate: '0.0001',
        learningRateWarmupSteps: '0',
      }),
    ).toBeUndefined();
    expect(
      checkHyperparameters('anthropic.claude-3-haiku-20240307-v1:0:200k', {
        batchSize: '64',
        learningRateMultiplier: '1.5',
      }),
    ).toBeUndefined();
  });

  it('names each value outside its range, a non-number, and a name the model does not take', () => {
    expect(
      checkHyperparameters('amazon.nova-micro-v1:0:128k', {
        epochCount: '6',
        learningRate: 'fast',
        batchSize: '8',
      }),
    ).toBe(
      'epochCount (epochs) must be 1–5 for Amazon Nova (Micro, Lite, Pro); 6 is outside it; learningRate must be a number (0.000001–0.0001); batchSize is not a hyperparameter of Amazon Nova (Micro, Lite, Pro) (it takes epochCount, learningRate, learningRateWarmupSteps).',
    );
    expect(checkHyperparameters('meta.llama3-1-8b-instruct-v1:0', { batchSize: '2' })).toContain(
      'batchSize (batch size) must be exactly 1',
    );
    expect(
      checkHyperparameters('anthropic.claude-3-haiku-20240307-v1:0:200k', { epochCount: '2.5' }),
    ).toContain('must be a whole number');
  });

  it('reads name=value lines, commas or semicolons', () => {
    expect(parseHyperparameters('epochCount=2\nlearningRate = 0.00001; batchSize:8')).toEqual({
      ok: true,
      value: { epochCount: '2', learningRate: '0.00001', batchSize: '8' },
    });
    expect(parseHyperparameters('two epochs please')).toMatchObject({
      ok: false,
      problem: {
        message: 'I could not read “two epochs please”: write one name=value a line, e.g. epochCount=2.',
      },
    });
  });
});

describe('hints for failed jobs', () => {
  it.each([
    ['AccessDenied: the role cannot read s3://bucket/train.jsonl', 'service role'],
    ['Invalid JSON on line 4 of the training file', 'format the base model expects'],
    ['Service quota exceeded for concurrent jobs', 'quota'],
  ])('%s', (message, hint) => {
    expect(failureHint(message)).toContain(hint);
  });
  it('gives none for a message it does not recognise', () => {
    expect(failureHint('Internal failure')).toBeUndefined();
  });
});
