import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogSource } from '../../src/bedrock/catalog.js';
import { JobAccess } from '../../src/jobs/access.js';
import { CustomModelCompare } from '../../src/jobs/custom-compare.js';
import { MemoryBackend } from '../../src/store/memory-backend.js';
import { storeOn } from '../../src/store/store.js';
import type { Store } from '../../src/store/types.js';
import { type EmulatedJobs, NOVA_BASE, startEmulatedJobs } from './emulated-jobs.js';

let emulated: EmulatedJobs;
let store: Store;
let customCompare: CustomModelCompare;
const ada = { teamId: 'T1', userId: 'UADA', channelId: 'CJOBS' };
const THROUGHPUT = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/support-pt';

beforeAll(async () => {
  emulated = await startEmulatedJobs();
  emulated.bedrock.throughputs.push({
    name: 'support-pt',
    modelArn: `arn:aws:bedrock:us-east-1:123456789012:custom-model/${NOVA_BASE}/support-model`,
    foundationModelArn: `arn:aws:bedrock:us-east-1::foundation-model/${NOVA_BASE}`,
    modelUnits: 1,
    status: 'InService',
  });
  store = storeOn(new MemoryBackend());
  const access = new JobAccess(
    { allowedChannels: ['CJOBS'], allowedUsers: [], stoppers: [] },
    { membersOf: async () => [] },
  );
  const catalog = new CatalogSource(emulated.control, store, 'us-east-1', 60);
  customCompare = new CustomModelCompare(access, catalog, emulated.jobs);
});
afterAll(async () => {
  await store.close();
  await emulated.stop();
});

describe('comparing a custom model with its base', () => {
  it('runs the custom model through its throughput beside the invocable base model', async () => {
    const models = await customCompare.models(
      { throughputArn: THROUGHPUT, baseModelId: NOVA_BASE, customName: 'support-model' },
      ada,
    );
    if (!models.ok) throw new Error(models.problem.message);
    expect(models.value.map((entry) => [entry.model.name, entry.invokeId])).toEqual([
      ['support-model (custom)', THROUGHPUT],
      [expect.stringContaining('Nova Micro'), 'amazon.nova-micro-v1:0'],
    ]);
  });

  it('refuses a throughput this account has not provisioned, so no other model runs under its name', async () => {
    const forged = 'arn:aws:bedrock:us-east-1:999999999999:provisioned-model/someone-else';
    expect(
      await customCompare.models({ throughputArn: forged, baseModelId: NOVA_BASE, customName: 'x' }, ada),
    ).toEqual({
      ok: false,
      problem: {
        kind: 'forbidden',
        message: `\`${forged}\` is not a provisioned throughput of this account, so I won’t run it. \`/finetune-status throughput\` lists them.`,
      },
    });
  });

  it('says when the base model is not in the catalog, and refuses a channel outside the allow-list', async () => {
    const unknownBase = await customCompare.models(
      { throughputArn: THROUGHPUT, baseModelId: 'acme.unknown-v1:0', customName: 'x' },
      ada,
    );
    expect(unknownBase.ok ? undefined : unknownBase.problem.message).toBe(
      'I can’t find the base model `acme.unknown-v1:0` in the catalog to compare with.',
    );
    const elsewhere = await customCompare.models(
      { throughputArn: THROUGHPUT, baseModelId: NOVA_BASE, customName: 'x' },
      { ...ada, channelId: 'CRANDOM' },
    );
    expect(elsewhere.ok ? undefined : elsewhere.problem.kind).toBe('forbidden');
  });
});
