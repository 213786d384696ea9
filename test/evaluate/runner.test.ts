import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Catalog, CatalogSource } from '../../src/bedrock/catalog.js';
import { type BedrockClients, createBedrockClients } from '../../src/bedrock/clients.js';
import { PriceBook } from '../../src/bedrock/pricing.js';
import { parseChecks } from '../../src/evaluate/checks.js';
import {
  type AnswerResult,
  answerUnit,
  type EvaluationPlan,
  Evaluations,
} from '../../src/evaluate/evaluations.js';
import { DEFAULT_RUBRIC } from '../../src/evaluate/judge.js';
import type { PromptRow } from '../../src/evaluate/prompt-set.js';
import { summarize } from '../../src/evaluate/results.js';
import { EvaluationRunner } from '../../src/evaluate/runner.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { BedrockSimulator } from '../../src/playground/bedrock-simulator.js';
import { MemoryBackend } from '../../src/store/memory-backend.js';
import { storeOn } from '../../src/store/store.js';
import type { Store } from '../../src/store/types.js';
import { UsageLedger, WORKSPACE } from '../../src/usage/ledger.js';

const NOVA_MICRO = 'amazon.nova-micro-v1:0';
const NOVA_LITE = 'amazon.nova-lite-v1:0';
const JUDGE = 'anthropic.claude-3-5-sonnet-20241022-v2:0';

describe('the evaluation runner, against the Bedrock emulator and the store', () => {
  const bedrock = new BedrockSimulator();
  let clients: BedrockClients;
  let catalog: Catalog;
  let store: Store;
  let evaluations: Evaluations;
  let spent: number;
  let ledger: UsageLedger;

  beforeAll(async () => {
    await bedrock.start();
    Object.assign(process.env, bedrock.env());
    clients = createBedrockClients('us-east-1', createLogger('silent'));
    catalog = await new CatalogSource(clients.control, storeOn(new MemoryBackend()), 'us-east-1', 60).load();
  });
  afterAll(async () => {
    clients.runtime.destroy();
    clients.control.destroy();
    await bedrock.stop();
  });
  beforeEach(() => {
    bedrock.calls.length = 0;
    store = storeOn(new MemoryBackend());
    evaluations = new Evaluations(store, 3600, { warn: () => {} });
    spent = 0;
    ledger = new UsageLedger(store);
    bedrock.script(NOVA_MICRO, { answer: 'The capital of France is Paris.' });
    bedrock.script(NOVA_LITE, { answer: 'I think it is Lyon.' });
    bedrock.script(JUDGE, {
      reply: (asked) =>
        asked.includes('Paris') ? 'Score: 5\nReason: right' : 'Score: 2\nReason: wrong city',
    });
  });

  const runner = (owner?: string) =>
    new EvaluationRunner({
      answers: {
        runtime: clients.runtime,
        metrics: createMetrics(),
        prices: new PriceBook({ [NOVA_MICRO]: { inputPerMillionUsd: 1, outputPerMillionUsd: 2 } }),
        modelTimeoutMs: 5000,
      },
      evaluations,
      spend: {
        recordSpend: async (_team, _user, usd) => {
          spent += usd;
        },
      },
      usage: ledger,
      logger: { warn: () => {}, info: () => {} },
      concurrency: { initial: 4, max: 8 },
      owner,
      idleMs: 20,
    });

  const model = (id: string) => {
    const found = catalog.find(id)!;
    return { modelId: found.model.modelId, invokeId: found.invokeId, name: found.model.name };
  };

  const rows = (count: number): PromptRow[] =>
    Array.from({ length: count }, (_, index) => ({
      row: index + 1,
      prompt: `Question ${index + 1}: what is the capital of France?`,
      tags: [],
      checks: parseChecks('contains:Paris').ok ? [{ kind: 'contains', text: 'Paris' }] : [],
    }));

  const plan = async (more: Partial<EvaluationPlan> = {}): Promise<EvaluationPlan> => {
    const planned: EvaluationPlan = {
      id: `E${Math.random().toString(36).slice(2)}`,
      teamId: 'T1',
      channelId: 'C1',
      threadTs: '1.0',
      userId: 'U1',
      setName: 'set.csv',
      rows: rows(3),
      models: [model(NOVA_MICRO), model(NOVA_LITE)],
      judge: model(JUDGE),
      pairwise: false,
      rubric: DEFAULT_RUBRIC,
      maxTokens: 256,
      createdAt: Date.now(),
      ...more,
    };
    await evaluations.savePlan(planned);
    return planned;
  };

  it('runs every row on every model, checks and judges each answer, and counts the spend', async () => {
    const planned = await plan();
    expect(await runner().run(planned.id)).toBe('finished');
    const summary = summarize(planned, await evaluations.results(planned.id));
    expect(summary.models.map((m) => [m.modelId, m.answered, m.passRate, m.judge?.mean])).toEqual([
      [NOVA_MICRO, 3, 1, 5],
      [NOVA_LITE, 3, 0, 2],
    ]);
    expect(summary.best.judge).toEqual([NOVA_MICRO]);
    expect(spent).toBeCloseTo(summary.totalCostUsd ?? Number.NaN, 12);
    expect(bedrock.callsFor(JUDGE)).toHaveLength(6);
    expect((await evaluations.control(planned.id)).finished).toBeDefined();
  });

  it('books every call it pays for in the person’s usage per model, the judge’s included, as Home shows it', async () => {
    const planned = await plan();
    await runner().run(planned.id);
    const usage = await ledger.report('T1', 'U1', 'day');
    const requests = Object.fromEntries(usage.models.map((entry) => [entry.modelId, entry.requests]));
    expect(requests).toEqual({ [NOVA_MICRO]: 3, [NOVA_LITE]: 3, [JUDGE]: 6 });
    expect(usage.inputTokens).toBeGreaterThan(0);
    expect(usage.unpricedRequests).toBe(0);
    expect(usage.costUsd).toBeCloseTo(spent, 9);
    expect(await ledger.report('T1', WORKSPACE, 'month')).toMatchObject({ requests: 12 });
  });

  it('books both of a pairwise judge’s calls on each pair', async () => {
    const planned = await plan({ pairwise: true, rows: rows(2) });
    await runner().run(planned.id);
    const usage = await ledger.report('T1', 'U1', 'day');
    expect(usage.models.find((entry) => entry.modelId === JUDGE)?.requests).toBe(4);
    expect(usage.costUsd).toBeCloseTo(spent, 9);
  });

  it('carries on where it stopped: a recorded row is never asked again', async () => {
    const planned = await plan({ judge: undefined });
    const recorded: AnswerResult = {
      kind: 'answer',
      row: 1,
      model: 0,
      ok: true,
      text: 'Paris',
      latencyMs: 10,
      checks: [],
      finishedAt: Date.now(),
    };
    await evaluations.record(planned.id, answerUnit(1, 0), recorded);
    await runner().run(planned.id);
    expect(bedrock.callsFor(NOVA_MICRO)).toHaveLength(2);
    expect(bedrock.callsFor(NOVA_LITE)).toHaveLength(3);
  });

  it('splits the rows between two replicas with no row run twice', async () => {
    const planned = await plan({ rows: rows(12), judge: undefined });
    bedrock.script(NOVA_MICRO, { answer: 'Paris.', firstTokenMs: 20 });
    bedrock.script(NOVA_LITE, { answer: 'Paris.', firstTokenMs: 20 });
    const [first, second] = await Promise.all([
      runner('replica-1').run(planned.id),
      runner('replica-2').run(planned.id),
    ]);
    expect([first, second]).toEqual(['finished', 'finished']);
    const asked = bedrock.calls.map((call) => `${call.modelId} ${JSON.stringify(call.body.messages)}`);
    expect(asked).toHaveLength(24);
    expect(new Set(asked).size).toBe(24);
  });

  it('stops at a cancel, leaving the rest unasked', async () => {
    const planned = await plan({ rows: rows(100), judge: undefined });
    bedrock.script(NOVA_MICRO, { answer: 'Paris.', firstTokenMs: 30 });
    bedrock.script(NOVA_LITE, { answer: 'Paris.', firstTokenMs: 30 });
    const running = runner().run(planned.id);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await evaluations.flag(planned.id, 'cancelled', { by: 'U1' });
    expect(await running).toBe('cancelled');
    expect(bedrock.calls.length).toBeLessThan(100);
  });

  it('stops early and says why when every model fails', async () => {
    const planned = await plan({ rows: rows(20), judge: undefined });
    bedrock.script(NOVA_MICRO, { failure: { type: 'AccessDeniedException', status: 403 } });
    bedrock.script(NOVA_LITE, { failure: { type: 'AccessDeniedException', status: 403 } });
    expect(await runner().run(planned.id)).toBe('cancelled');
    expect((await evaluations.control(planned.id)).cancelled?.reason).toMatch(
      /^every model failed: Nova Micro: /,
    );
    expect(bedrock.calls.length).toBeLessThan(40);
  });

  it('tries a throttled row again rather than recording it as failed', async () => {
    const planned = await plan({ rows: rows(2), judge: undefined });
    bedrock.script(NOVA_MICRO, {
      answer: 'Paris.',
      failure: { type: 'ThrottlingException', status: 429, times: 4 },
    });
    expect(await runner().run(planned.id)).toBe('finished');
    const summary = summarize(planned, await evaluations.results(planned.id));
    expect(summary.models[0]).toMatchObject({ answered: 2, failed: 0 });
  });

  it('judges pairs in both orders and rates the models from the verdicts', async () => {
    bedrock.script(JUDGE, {
      reply: (asked) => {
        const a = asked.indexOf('<answer_A>');
        const b = asked.indexOf('<answer_B>');
        const paris = asked.indexOf('Paris', a);
        return paris > a && paris < b ? 'Better: A\nReason: Paris' : 'Better: B\nReason: Paris';
      },
    });
    const planned = await plan({ pairwise: true });
    expect(await runner().run(planned.id)).toBe('finished');
    const summary = summarize(planned, await evaluations.results(planned.id));
    expect(summary.models[0]?.pairs).toEqual({ wins: 3, ties: 0, losses: 0 });
    expect(summary.ratings?.[0]?.modelId).toBe(NOVA_MICRO);
    expect(bedrock.callsFor(JUDGE)).toHaveLength(6);
  });
});
