import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogSource } from '../../src/bedrock/catalog.js';
import { JobAccess } from '../../src/jobs/access.js';
import { type NewJobForm, NewJobs } from '../../src/jobs/new-job.js';
import { MemoryBackend } from '../../src/store/memory-backend.js';
import { storeOn } from '../../src/store/store.js';
import type { Store } from '../../src/store/types.js';
import { type EmulatedJobs, NOVA_BASE, startEmulatedJobs } from './emulated-jobs.js';

let emulated: EmulatedJobs;
let store: Store;
let newJobs: NewJobs;
const ada = { teamId: 'T1', userId: 'UADA', channelId: 'CJOBS' };
const form = (overrides: Partial<NewJobForm> = {}): NewJobForm => ({
  type: 'FINE_TUNING',
  base: NOVA_BASE,
  custom_name: 'support-v1',
  job_name: 'support-v1-job',
  training: 's3://my-bucket/train.jsonl',
  output: 's3://my-bucket/out/',
  role: 'arn:aws:iam::123456789012:role/BedrockCustomization',
  ...overrides,
});
const submit = (fields: NewJobForm, who = ada) => newJobs.submit(fields, who, AbortSignal.timeout(5_000));

beforeAll(async () => {
  emulated = await startEmulatedJobs();
  store = storeOn(new MemoryBackend());
  const access = new JobAccess(
    { allowedChannels: [], allowedUsers: ['UADA'], stoppers: [] },
    { membersOf: async () => [] },
  );
  newJobs = new NewJobs(access, new CatalogSource(emulated.control, store, 'us-east-1', 60), emulated.jobs);
});
afterAll(async () => {
  await store.close();
  await emulated.stop();
});

describe('starting a customization job from the form', () => {
  it('offers only base models this account can customize', async () => {
    const bases = (await newJobs.bases()).map((model) => model.modelId);
    expect(bases).toContain(NOVA_BASE);
    expect(bases).not.toContain('meta.llama3-70b-instruct-v1:0');
  });

  it('puts each mistake beside its field and starts nothing', async () => {
    const refused = await submit(
      form({ training: 'my-bucket/train.jsonl', hyperparameters: 'epochCount=9' }),
    );
    expect(refused).toEqual({
      ok: false,
      problem: {
        training: 'Give an S3 URI such as s3://my-bucket/path/train.jsonl.',
        hyperparameters:
          'epochCount (epochs) must be 1–5 for Amazon Nova (Micro, Lite, Pro); 9 is outside it.',
      },
    });
    expect(emulated.bedrock.jobs.some((job) => job.name === 'support-v1-job')).toBe(false);
  });

  it('starts the job with its hyperparameters, and shows Bedrock’s refusal of a second one by that name', async () => {
    const started = await submit(form({ hyperparameters: 'epochCount=2' }));
    const created = emulated.bedrock.jobs.find((job) => job.name === 'support-v1-job');
    expect(started).toEqual({ ok: true, value: created?.arn });
    expect(created?.hyperParameters).toEqual({ epochCount: '2' });

    const again = await submit(form());
    expect(again.ok ? undefined : again.problem.job_name).toBe(
      'Bedrock refused the job: A job named support-v1-job already exists.',
    );
  });

  it('refuses, beside the job name, someone not on FINETUNE_ALLOWED_USERS', async () => {
    const eve = await submit(form({ job_name: 'eve-job' }), { ...ada, userId: 'UEVE' });
    expect(eve.ok ? undefined : eve.problem.job_name).toContain('You are not on the list of people');
    expect(emulated.bedrock.jobs.some((job) => job.name === 'eve-job')).toBe(false);
  });
});
