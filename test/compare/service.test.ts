import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Catalog, CatalogSource, type ResolvedModel } from '../../src/bedrock/catalog.js';
import { type BedrockClients, createBedrockClients } from '../../src/bedrock/clients.js';
import { PriceBook } from '../../src/bedrock/pricing.js';
import { CompareRuns } from '../../src/compare/runs.js';
import { type CompareInput, CompareService, endUnfinished } from '../../src/compare/service.js';
import type { CompareRun } from '../../src/compare/types.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { BedrockSimulator } from '../../src/playground/bedrock-simulator.js';
import { MemoryBackend } from '../../src/store/memory-backend.js';
import { storeOn } from '../../src/store/store.js';

const NOVA_MICRO = 'amazon.nova-micro-v1:0';
const NOVA_LITE = 'amazon.nova-lite-v1:0';
const MISTRAL_7B = 'mistral.mistral-7b-instruct-v0:2';
const OLD_SONNET = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const NOVA_REEL = 'amazon.nova-reel-v1:0';

describe('the compare service, against the Bedrock emulator through the real SDK clients', () => {
  const bedrock = new BedrockSimulator();
  const store = storeOn(new MemoryBackend());
  const runs = new CompareRuns(store, { warn: () => {} });
  let clients: BedrockClients;
  let catalog: Catalog;

  beforeAll(async () => {
    await bedrock.start();
    // The AWS SDK reads its endpoint overrides and credentials from the process environment itself.
    Object.assign(process.env, bedrock.env());
    clients = createBedrockClients('us-east-1', createLogger('silent'));
    catalog = await new CatalogSource(clients.control, store, 'us-east-1', 60).load();
  });
  afterAll(async () => {
    clients.runtime.destroy();
    clients.control.destroy();
    await bedrock.stop();
  });

  const service = (shuffle?: <T>(items: T[]) => T[]) =>
    new CompareService({
      runtime: clients.runtime,
      runs,
      prices: new PriceBook({ [NOVA_MICRO]: { inputPerMillionUsd: 1_000, outputPerMillionUsd: 2_000 } }),
      metrics: createMetrics(),
      modelTimeoutMs: 10_000,
      defaultMaxTokens: 512,
      shuffle,
    });

  const models = (...ids: string[]): ResolvedModel[] =>
    ids.map((id) => {
      const found = catalog.find(id);
      if (!found) throw new Error(`the emulator lists ${id}`);
      return found;
    });

  const input = (ids: string[], more: Partial<CompareInput> = {}): CompareInput => ({
    teamId: 'T1',
    userId: 'U1',
    prompt: 'What is S3?',
    models: models(...ids),
    options: { blind: false },
    ...more,
  });

  describe('planning', () => {
    it('notes what each model cannot do with this input, and skips a model that makes no text', () => {
      const run = service().plan(
        input([NOVA_MICRO, NOVA_LITE, MISTRAL_7B, OLD_SONNET, NOVA_REEL], {
          options: { blind: false, system: 'Answer in one sentence.' },
          imageCount: 1,
        }),
      );
      const [micro, lite, mistral, sonnet, reel] = run.models;

      expect(micro?.notes).toEqual([
        'Nova Micro cannot see images: the image was ignored and it answered from the text alone.',
      ]);
      expect(lite).toMatchObject({ seesImages: true, notes: [], status: 'waiting' });
      expect(mistral).toMatchObject({ omitSystemPrompt: true });
      expect(mistral?.notes).toContain(
        'Mistral 7B Instruct does not take a system prompt: it answered without it.',
      );
      expect(sonnet?.notes).toContain(
        'Claude 3.5 Sonnet is a legacy model that AWS is retiring; consider a newer one.',
      );
      expect(reel).toMatchObject({ status: 'skipped', notes: [expect.stringContaining('generates video')] });
      expect(run).toMatchObject({ maxTokens: 512, imageCount: 1, teamId: 'T1', userId: 'U1' });
    });

    it('takes the max tokens asked for over the default', () => {
      expect(
        service().plan(input([NOVA_MICRO, NOVA_LITE], { options: { blind: false, maxTokens: 64 } }))
          .maxTokens,
      ).toBe(64);
    });

    it('shuffles the models of a blind compare only, so its letters say nothing of the order named', () => {
      const reversed = service(<T>(items: T[]) => [...items].reverse());
      const blind = reversed.plan(input([NOVA_MICRO, NOVA_LITE, MISTRAL_7B], { options: { blind: true } }));
      const open = reversed.plan(input([NOVA_MICRO, NOVA_LITE, MISTRAL_7B]));

      expect(blind.models.map((model) => model.modelId)).toEqual([MISTRAL_7B, NOVA_LITE, NOVA_MICRO]);
      expect(open.models.map((model) => model.modelId)).toEqual([NOVA_MICRO, NOVA_LITE, MISTRAL_7B]);
    });
  });

  describe('executing', () => {
    it('streams every model, keeps one failure from hiding the others, and stores the finished run', async () => {
      bedrock.script(NOVA_MICRO, { answer: 'S3 stores objects in buckets.', inputTokens: 12 });
      bedrock.script(NOVA_LITE, { failure: { type: 'AccessDeniedException', status: 403 } });
      bedrock.script(MISTRAL_7B, { answer: 'Object storage.' });
      const compare = service();
      const planned = compare.plan(
        input([NOVA_MICRO, NOVA_LITE, MISTRAL_7B, NOVA_REEL], {
          options: { blind: false, system: 'Be brief.' },
        }),
      );
      const seen: string[] = [];

      const run = await compare.execute(planned, (current) => {
        seen.push(current.models[0]?.status ?? '');
      });

      const [micro, lite, mistral, reel] = run.models;
      expect(micro).toMatchObject({
        status: 'done',
        text: 'S3 stores objects in buckets.',
        inputTokens: 12,
        outputTokens: 5,
      });
      // 12 tokens in at $1,000 and 5 out at $2,000 per million.
      expect(micro?.costUsd).toBeCloseTo(0.022, 10);
      expect(micro?.latencyMs).toBeGreaterThan(0);
      expect(lite).toMatchObject({ status: 'failed', failure: { kind: 'access-denied' } });
      expect(mistral).toMatchObject({ status: 'done', text: 'Object storage.' });
      expect(reel?.status).toBe('skipped');
      expect(run.finishedAt).toBeDefined();
      expect(seen).toContain('streaming');

      // A model that takes no system prompt was called without one; one that makes no text not at all.
      expect(bedrock.callsFor(MISTRAL_7B)[0]?.body.system).toBeUndefined();
      expect(bedrock.callsFor(NOVA_MICRO)[0]?.body.system).toEqual([{ text: 'Be brief.' }]);
      expect(bedrock.callsFor(NOVA_REEL)).toEqual([]);

      const stored = await runs.find(run.id, 'T1');
      expect(stored.ok && stored.value.models.map((model) => model.status)).toEqual([
        'done',
        'failed',
        'done',
        'skipped',
      ]);
    });

    it('stores the run before any model answers, so its buttons work while it streams', async () => {
      bedrock.script(NOVA_MICRO, { answer: 'one two three', tokensPerSecond: 20 });
      bedrock.script(NOVA_LITE, { answer: 'four five six', tokensPerSecond: 20 });
      const compare = service();
      const planned = compare.plan(input([NOVA_MICRO, NOVA_LITE]));
      let storedWhileStreaming: CompareRun | undefined;

      await compare.execute(planned, () => {
        if (storedWhileStreaming) return;
        void runs.find(planned.id, 'T1').then((found) => {
          if (found.ok) storedWhileStreaming = found.value;
        });
      });

      expect(storedWhileStreaming?.prompt).toBe('What is S3?');
    });

    it('keeps a model ended from outside (the app stopping) ended, whatever its stream still sends', async () => {
      bedrock.script(NOVA_MICRO, { answer: 'one two three four five six seven eight', tokensPerSecond: 40 });
      bedrock.script(NOVA_LITE, { answer: 'Short.' });
      const compare = service();
      const planned = compare.plan(input([NOVA_MICRO, NOVA_LITE]));
      const stopped = { kind: 'unavailable' as const, message: 'stopped: the app restarted' };
      let textWhenStopped: string | undefined;

      const run = await compare.execute(planned, (current) => {
        const micro = current.models[0];
        if (textWhenStopped === undefined && micro?.status === 'streaming') {
          textWhenStopped = micro.text;
          endUnfinished(current, stopped);
        }
      });

      expect(run.models[0]).toMatchObject({ status: 'failed', failure: stopped, text: textWhenStopped });
    });
  });
});
