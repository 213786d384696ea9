import { describe, expect, it } from 'vitest';
import { onDemandEligibility } from '../../src/jobs/deployments.js';
import type { Job } from '../../src/jobs/types.js';

const job = (baseModelId: string, createdAt = '2026-11-20T09:00:00.000Z'): Job => ({
  arn: 'arn:aws:bedrock:us-east-1:123456789012:model-customization-job/x',
  name: 'support-tuned',
  status: 'Completed',
  type: 'FINE_TUNING',
  baseModelArn: `arn:aws:bedrock:us-east-1::foundation-model/${baseModelId}`,
  customModelArn: `arn:aws:bedrock:us-east-1:123456789012:custom-model/${baseModelId}/abc`,
  createdAt,
  stages: {},
  detailed: true,
});

const why = (result: ReturnType<typeof onDemandEligibility>) => (result.ok ? 'ok' : result.problem.message);

describe('which custom models deploy on demand', () => {
  it('takes a customized Nova Micro, Lite or Pro in us-east-1 and us-west-2', () => {
    expect(why(onDemandEligibility(job('amazon.nova-micro-v1:0:128k'), 'us-east-1'))).toBe('ok');
    expect(why(onDemandEligibility(job('amazon.nova-lite-v1:0:300k'), 'us-west-2'))).toBe('ok');
    expect(why(onDemandEligibility(job('amazon.nova-pro-v1:0:300k'), 'us-east-1'))).toBe('ok');
  });

  it('names why not: another base, another Region, or a model customized before 2025-07-16', () => {
    expect(why(onDemandEligibility(job('meta.llama3-1-8b-instruct-v1:0:128k'), 'us-east-1'))).toMatch(
      /can’t be deployed on demand: Bedrock serves only customized Nova Micro, Nova Lite, Nova Pro/,
    );
    expect(why(onDemandEligibility(job('amazon.nova-micro-v1:0:128k'), 'eu-central-1'))).toMatch(
      /only in us-east-1 and us-west-2, and this app runs in eu-central-1/,
    );
    expect(
      why(onDemandEligibility(job('amazon.nova-micro-v1:0:128k', '2025-06-30T10:00:00.000Z'), 'us-east-1')),
    ).toMatch(/customized before 2025-07-16/);
  });
});
