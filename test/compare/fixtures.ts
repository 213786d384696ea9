import type { CompareRun, ModelRun } from '../../src/compare/types.js';

/** One model's finished part of a compare; `overrides` set what a spec is about. */
export function modelRun(modelId: string, overrides: Partial<ModelRun> = {}): ModelRun {
  return {
    label: modelId,
    name: modelId,
    modelId,
    invokeId: modelId,
    status: 'done',
    text: `The answer of ${modelId}.`,
    notes: [],
    firstTokenMs: 200,
    latencyMs: 1000,
    inputTokens: 10,
    outputTokens: 100,
    costUsd: 0.001,
    ...overrides,
  };
}

let runs = 0;

/** A finished compare run by U1 in T1 of `models`; `overrides` set what a spec is about. */
export function compareRun(models: ModelRun[], overrides: Partial<CompareRun> = {}): CompareRun {
  runs += 1;
  return {
    id: `run-${runs}`,
    teamId: 'T1',
    userId: 'U1',
    prompt: 'What is S3?',
    options: { blind: false },
    maxTokens: 512,
    imageCount: 0,
    models,
    startedAt: 1_000,
    finishedAt: 3_000,
    ...overrides,
  };
}
