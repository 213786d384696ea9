import { z } from 'zod';
import type { Logger } from '../logger.js';
import { type DocumentKind, Documents } from '../store/documents.js';
import { keys } from '../store/keys.js';
import type { DocumentStore, LockStore, RecordStore } from '../store/types.js';
import type { Check } from './checks.js';
import type { PromptRow } from './prompt-set.js';

const checkSchema: z.ZodType<Check> = z.union([
  z.object({ kind: z.enum(['contains', 'not-contains', 'equals']), text: z.string() }),
  z.object({ kind: z.literal('regex'), source: z.string(), flags: z.string() }),
  z.object({ kind: z.literal('json') }),
  z.object({ kind: z.literal('max-latency'), ms: z.number() }),
  z.object({ kind: z.literal('max-cost'), usd: z.number() }),
]);

const rowSchema: z.ZodType<PromptRow> = z.object({
  row: z.number(),
  prompt: z.string(),
  expected: z.string().optional(),
  system: z.string().optional(),
  tags: z.array(z.string()),
  checks: z.array(checkSchema),
});

const modelSchema = z.object({
  modelId: z.string(),
  /** What Converse is called with: the model, or the profile it needs. */
  invokeId: z.string(),
  /** The catalog's name for it, as people read it. */
  name: z.string(),
  /** `flex` where the model offers it: evaluations are what the discounted tier is for. */
  serviceTier: z.enum(['priority', 'default', 'flex', 'reserved']).optional(),
});

export type EvaluatedModel = z.infer<typeof modelSchema>;

const planSchema = z.object({
  id: z.string(),
  teamId: z.string(),
  channelId: z.string(),
  /** The thread the evaluation lives in: its estimate, progress and results. */
  threadTs: z.string(),
  userId: z.string(),
  setName: z.string(),
  rows: z.array(rowSchema),
  models: z.array(modelSchema),
  judge: modelSchema.optional(),
  pairwise: z.boolean(),
  rubric: z.string(),
  maxTokens: z.number(),
  estimateUsd: z.number().optional(),
  createdAt: z.number(),
});

/** An evaluation as asked: written once when it is estimated, read by every replica that runs it. */
export type EvaluationPlan = z.infer<typeof planSchema>;

const PLAN: DocumentKind<EvaluationPlan> = { name: 'evaluation', version: 1, schema: planSchema };

const checkOutcomeSchema = z.object({ check: z.string(), passed: z.boolean(), why: z.string().optional() });

const answerResultSchema = z.object({
  kind: z.literal('answer'),
  row: z.number(),
  /** Index into the plan's models. */
  model: z.number(),
  ok: z.boolean(),
  text: z.string(),
  /** Why the model gave no answer (or only part of one). */
  error: z.string().optional(),
  latencyMs: z.number(),
  firstTokenMs: z.number().optional(),
  inputTokens: z.number().optional(),
  outputTokens: z.number().optional(),
  /** Undefined when the price is unknown, never 0 for it. */
  costUsd: z.number().optional(),
  checks: z.array(checkOutcomeSchema),
  judge: z
    .object({
      score: z.number().optional(),
      reason: z.string().optional(),
      error: z.string().optional(),
      costUsd: z.number().optional(),
    })
    .optional(),
  finishedAt: z.number(),
});

export type AnswerResult = z.infer<typeof answerResultSchema>;

const pairResultSchema = z.object({
  kind: z.literal('pair'),
  row: z.number(),
  /** Indexes into the plan's models; x was shown first in the first order. */
  x: z.number(),
  y: z.number(),
  /** Undefined when the judge's replies could not be read. */
  verdict: z.enum(['x', 'y', 'tie']).optional(),
  error: z.string().optional(),
  costUsd: z.number().optional(),
  finishedAt: z.number(),
});

export type PairResult = z.infer<typeof pairResultSchema>;

const resultSchema = z.union([answerResultSchema, pairResultSchema]);
export type UnitResult = z.infer<typeof resultSchema>;

const controlSchema = z.object({
  at: z.number(),
  /** Who started or cancelled it. */
  by: z.string().optional(),
  /** The progress message, for `started`. */
  messageTs: z.string().optional(),
  /** Why it ended early: every model failing, say. */
  reason: z.string().optional(),
});

export type ControlFlag = 'started' | 'cancelled' | 'finished' | 'posted';
export type Control = Partial<Record<ControlFlag, z.infer<typeof controlSchema>>>;

/** The unit of work one claim covers: an answer (row × model) or a judged pair (row × two models). */
export const answerUnit = (row: number, model: number) => `a:${row}:${model}`;
export const pairUnit = (row: number, x: number, y: number) => `p:${row}:${x}:${y}`;

/**
 * Where an evaluation lives in the store: its plan (written once), its control flags and its row
 * results (each recorded once, the first write wins), the claims replicas hold on rows they run,
 * and the list of evaluations under way. Everything expires with `ttlSeconds`.
 */
export class Evaluations {
  private readonly plans: Documents<EvaluationPlan>;

  constructor(
    private readonly store: DocumentStore & RecordStore & LockStore,
    private readonly ttlSeconds: number,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {
    this.plans = new Documents(store, PLAN, logger);
  }

  savePlan(plan: EvaluationPlan): Promise<void> {
    const { key, ttlSeconds } = keys.evaluation(plan.id, this.ttlSeconds);
    return this.plans.set(key, plan, ttlSeconds);
  }

  plan(id: string): Promise<EvaluationPlan | undefined> {
    return this.plans.get(keys.evaluation(id, this.ttlSeconds).key);
  }

  /** True when this call set the flag (it was not set before). */
  flag(
    id: string,
    flag: ControlFlag,
    value: { by?: string; messageTs?: string; reason?: string } = {},
  ): Promise<boolean> {
    const { key, ttlSeconds } = keys.evaluationControl(id, this.ttlSeconds);
    return this.store.addRecord(key, flag, { at: Date.now(), ...value }, ttlSeconds);
  }

  async control(id: string): Promise<Control> {
    const raw = await this.store.readRecords(keys.evaluationControl(id, this.ttlSeconds).key);
    const control: Control = {};
    for (const [flag, value] of Object.entries(raw)) {
      const parsed = controlSchema.safeParse(value);
      if (parsed.success) control[flag as ControlFlag] = parsed.data;
    }
    return control;
  }

  /** Records a unit's result unless one is there; false when another replica's came first. */
  record(id: string, unit: string, result: UnitResult): Promise<boolean> {
    const { key, ttlSeconds } = keys.evaluationResults(id, this.ttlSeconds);
    return this.store.addRecord(key, unit, result, ttlSeconds);
  }

  /** Every recorded result by unit; one that does not read back as valid is logged and left out (run again). */
  async results(id: string): Promise<Map<string, UnitResult>> {
    const raw = await this.store.readRecords(keys.evaluationResults(id, this.ttlSeconds).key);
    const results = new Map<string, UnitResult>();
    for (const [unit, value] of Object.entries(raw)) {
      const parsed = resultSchema.safeParse(value);
      if (parsed.success) results.set(unit, parsed.data);
      else
        this.logger.warn(
          { evaluation: id, unit },
          'ignored a stored evaluation result that does not match its shape',
        );
    }
    return results;
  }

  /** Claims a unit for `owner` for `ttlSeconds`; false while another replica holds it. */
  claim(id: string, unit: string, owner: string, ttlSeconds: number): Promise<boolean> {
    return this.store.acquireLock(keys.evaluationClaim(id, unit, ttlSeconds).key, owner, ttlSeconds * 1000);
  }

  /** Keeps a claim alive while its unit runs; false when it was lost (it expired). */
  renewClaim(id: string, unit: string, owner: string, ttlSeconds: number): Promise<boolean> {
    return this.store.renewLock(keys.evaluationClaim(id, unit, ttlSeconds).key, owner, ttlSeconds * 1000);
  }

  /** Frees a unit that was not run to the end (throttled), so it is tried again. */
  async release(id: string, unit: string, owner: string): Promise<void> {
    await this.store.releaseLock(keys.evaluationClaim(id, unit, 0).key, owner);
  }

  /** Takes or keeps the driver's part (progress message, results) for `owner`. */
  async drive(id: string, owner: string): Promise<boolean> {
    const { key, ttlSeconds } = keys.evaluationDriver(id);
    return (
      (await this.store.renewLock(key, owner, ttlSeconds * 1000)) ||
      this.store.acquireLock(key, owner, ttlSeconds * 1000)
    );
  }

  async undrive(id: string, owner: string): Promise<void> {
    await this.store.releaseLock(keys.evaluationDriver(id).key, owner);
  }

  async markRunning(id: string): Promise<void> {
    await this.store.addRecord(keys.evaluationsRunning().key, id, { at: Date.now() }, 0);
  }

  async markStopped(id: string): Promise<void> {
    await this.store.removeRecord(keys.evaluationsRunning().key, id);
  }

  async running(): Promise<string[]> {
    return Object.keys(await this.store.readRecords(keys.evaluationsRunning().key));
  }
}
