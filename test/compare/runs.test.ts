import { describe, expect, it } from 'vitest';
import { CompareRuns } from '../../src/compare/runs.js';
import { keys } from '../../src/store/keys.js';
import { MemoryBackend } from '../../src/store/memory-backend.js';
import { storeOn } from '../../src/store/store.js';
import { compareRun, modelRun } from './fixtures.js';

describe('stored compare runs', () => {
  it('give back a run as it was saved, to its own workspace only', async () => {
    const runs = new CompareRuns(storeOn(new MemoryBackend()), { warn: () => {} });
    const run = compareRun([
      modelRun('nova-micro'),
      modelRun('nova-lite', { status: 'failed', failure: { kind: 'throttled', message: 'Busy.' } }),
    ]);
    await runs.save(run);

    expect(await runs.find(run.id, 'T1')).toEqual({ ok: true, value: run });
    expect(await runs.find(run.id, 'T2')).toMatchObject({ ok: false, problem: { kind: 'gone' } });
    expect(await runs.findModel(run.id, 2, 'T1')).toMatchObject({ ok: false, problem: { kind: 'gone' } });
  });

  it('treat a stored run that no longer fits its shape as gone, and log it, never trusting it', async () => {
    const store = storeOn(new MemoryBackend());
    const warnings: string[] = [];
    const runs = new CompareRuns(store, {
      warn: (_fields: unknown, message?: string) => warnings.push(String(message)),
    });
    const run = compareRun([modelRun('nova-micro'), modelRun('nova-lite')]);
    await runs.save(run);
    // A release that wrote a model's status under another name, or a damaged value.
    await store.setJson(
      keys.compareRun(run.id).key,
      { v: 1, data: { ...run, models: [{ ...run.models[0], status: 'finished' }] } },
      60,
    );

    expect(await runs.find(run.id, 'T1')).toMatchObject({ ok: false, problem: { kind: 'gone' } });
    expect(warnings).toEqual(['ignored a stored document that does not match its shape']);
  });
});
