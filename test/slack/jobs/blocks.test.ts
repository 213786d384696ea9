import { describe, expect, it } from 'vitest';
import type { Job } from '../../../src/jobs/types.js';
import { jobChangeMessage, throughputMessage } from '../../../src/slack/jobs/blocks.js';
import { actionIds, visibleText } from '../../support/blocks.js';

const job: Job = {
  arn: 'arn:aws:bedrock:us-east-1:123456789012:model-customization-job/x',
  name: 'haiku-tuned',
  status: 'Completed',
  type: 'FINE_TUNING',
  baseModelArn: 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0:200k',
  customModelName: 'haiku-tuned-model',
  customModelArn:
    'arn:aws:bedrock:us-east-1:123456789012:custom-model/anthropic.claude-3-haiku-20240307-v1:0:200k/abc',
  createdAt: '2026-11-20T09:00:00.000Z',
  endedAt: '2026-11-20T10:00:00.000Z',
  stages: {},
  detailed: true,
};
const change = {
  previous: 'InProgress|Completed,Completed,InProgress',
  current: 'Completed|Completed,Completed,Completed',
};
const notOnDemand = { ok: false as const, why: 'Bedrock serves only customized Nova models that way.' };

describe('a completed job’s message', () => {
  it('shows Provisioned Throughput’s hourly commitment when the price table knows it', () => {
    const text = visibleText(
      jobChangeMessage(job, change, {
        region: 'us-east-1',
        onDemand: notOnDemand,
        provisionedPerHourUsd: 23.5,
      }).blocks,
    );
    expect(text).toContain(
      'One model unit costs $23.50 an hour ($16920.00 a 30-day month), billed while it exists',
    );
    expect(text).toContain('Not on demand: Bedrock serves only customized Nova models that way.');
  });

  it('says the price is unknown rather than guessing it, and offers no deploy', () => {
    const message = jobChangeMessage(job, change, { region: 'us-east-1', onDemand: notOnDemand });
    expect(visibleText(message.blocks)).toContain('Its hourly price is not in this app’s price table');
    expect(actionIds(message.blocks)).not.toContain('finetune_deploy');
  });
});

describe('the throughput list', () => {
  const throughput = {
    name: 'support-pt',
    arn: 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/support-pt',
    modelArn: 'arn:aws:bedrock:us-east-1:123456789012:custom-model/amazon.nova-micro-v1:0:128k/abc',
    foundationModelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0:128k',
    modelUnits: 2,
    status: 'InService',
  };

  it('shows what a throughput without commitment costs an hour when the price table knows its base', () => {
    const text = visibleText(
      throughputMessage([throughput], (modelId) =>
        modelId === 'amazon.nova-micro-v1:0:128k' ? 10 : undefined,
      ).blocks,
    );
    expect(text).toContain('2 model units · no commitment, $20.00 an hour');
  });

  it('shows no price it does not know', () => {
    expect(visibleText(throughputMessage([throughput]).blocks)).toContain('2 model units · no commitment');
    expect(visibleText(throughputMessage([throughput]).blocks)).not.toContain('an hour');
  });
});
