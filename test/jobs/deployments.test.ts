import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobAccess } from '../../src/jobs/access.js';
import { CustomDeployments, onDemandEligibility } from '../../src/jobs/deployments.js';
import type { Job } from '../../src/jobs/types.js';
import { type EmulatedJobs, startEmulatedJobs } from './emulated-jobs.js';

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

describe('deploying through Bedrock', () => {
  let emulated: EmulatedJobs;
  beforeAll(async () => {
    emulated = await startEmulatedJobs();
  });
  afterAll(() => emulated.stop());

  const access = new JobAccess(
    { allowedChannels: [], allowedUsers: [], stoppers: ['UBOSS'] },
    { membersOf: async () => [] },
  );
  const boss = { teamId: 'T1', userId: 'UBOSS', channelId: 'C1' };
  const someone = { ...boss, userId: 'USOMEONE' };

  it('lets only FINETUNE_STOPPERS deploy, and asks Bedrock nothing for anyone else', async () => {
    const deployments = new CustomDeployments(emulated.jobs, access, 'us-east-1');
    const job = emulated.addJob('guarded');
    emulated.bedrock.advanceJobClock(120_000);
    const before = emulated.callsOf('GetModelCustomizationJob');
    const refused = await deployments.deploy(job.name, someone);
    expect(refused.ok ? 'deployed' : refused.problem.message).toMatch(
      /You may not deploy or delete custom models/,
    );
    expect(emulated.callsOf('GetModelCustomizationJob')).toBe(before);
    expect(emulated.callsOf('CreateCustomModelDeployment')).toBe(0);
  });

  it('names the deployment a model already has instead of deploying it twice, and deploys it again once deleted', async () => {
    const deployments = new CustomDeployments(emulated.jobs, access, 'us-east-1');
    const job = emulated.addJob('twice');
    emulated.bedrock.advanceJobClock(120_000);
    const first = await deployments.deploy(job.name, boss);
    const second = await deployments.deploy(job.name, boss);
    expect(second.ok ? 'deployed' : second.problem.message).toContain(
      `is already deployed on demand as \`${job.name}-model-od\` (Creating)`,
    );
    expect(
      emulated.bedrock.deployments.filter((entry) => entry.name === `${job.name}-model-od`),
    ).toHaveLength(1);

    emulated.bedrock.advanceJobClock(60_000);
    if (!first.ok) throw new Error('expected a deployment');
    expect((await deployments.delete(first.value.deploymentArn, boss)).ok).toBe(true);
    const third = await deployments.deploy(job.name, boss);
    expect(third.ok && third.value.deploymentArn !== first.value.deploymentArn).toBe(true);
  });

  it('says a job still running has no model to deploy', async () => {
    const deployments = new CustomDeployments(emulated.jobs, access, 'us-east-1');
    const job = emulated.addJob('unfinished');
    const result = await deployments.deploy(job.name, boss);
    expect(result.ok ? 'deployed' : result.problem.message).toMatch(
      /is InProgress: only a completed job has a model to deploy/,
    );
  });
});
