import { randomUUID } from 'node:crypto';
import { type Answer, type AnswerDeps, streamAnswer } from '../bedrock/answer.js';
import type { Logger } from '../logger.js';
import type { ModelUse, UsageLedger } from '../usage/ledger.js';
import { AimdLimiter } from './aimd.js';
import { runChecks } from './checks.js';
import {
  type AnswerResult,
  answerUnit,
  type EvaluatedModel,
  type EvaluationPlan,
  type Evaluations,
  type PairResult,
  pairUnit,
  type UnitResult,
} from './evaluations.js';
import {
  type JudgeRequest,
  pairRequest,
  pairVerdict,
  parsePreference,
  parseScore,
  scoreRequest,
} from './judge.js';
import type { PromptRow } from './prompt-set.js';

export interface RunnerDeps {
  answers: AnswerDeps;
  evaluations: Evaluations;
  /** Every dollar Bedrock bills counts against the person's daily cap, judge included. */
  spend: { recordSpend(teamId: string, userId: string, usd: number): Promise<void> };
  /** Each call's tokens and cost, per model, in the person's usage (what App Home shows), judge included. */
  usage: Pick<UsageLedger, 'record'>;
  logger: Pick<Logger, 'warn' | 'info'>;
  /** Calls in flight per model: where AIMD starts and the most it grows to. */
  concurrency: { initial: number; max: number };
  /** This replica's name on its claims. */
  owner?: string;
  /** How long to wait before looking again when other replicas hold the remaining rows. */
  idleMs?: number;
}

/** `stopped`: this replica is shutting down; the evaluation carries on elsewhere or after the restart. */
export type RunEnd = 'finished' | 'cancelled' | 'gone' | 'stopped';

/** The judge's reply is two short lines; more would only cost. */
const JUDGE_MAX_TOKENS = 200;
/** Looking at the cancel flag before each row, at most every quarter second. */
const CONTROL_FRESH_MS = 250;
/**
 * A claim lives this long unless renewed, which its replica does every third of it while the unit
 * runs: a live replica keeps its rows, a dead one's are free again within this many seconds.
 */
const CLAIM_SECONDS = 15;
/** Answers seen, all failed, before a run stops early: enough to tell a dead model from bad luck. */
const FAILURES_BEFORE_GIVING_UP = 2;

/** What is left to run: answers not yet recorded, then judged pairs whose two answers are in. */
export function pendingUnits(
  plan: EvaluationPlan,
  results: ReadonlyMap<string, UnitResult>,
): { unit: string; row: PromptRow; models: number[] }[] {
  const pending: { unit: string; row: PromptRow; models: number[] }[] = [];
  for (const row of plan.rows) {
    for (const [model] of plan.models.entries()) {
      const unit = answerUnit(row.row, model);
      if (!results.has(unit)) pending.push({ unit, row, models: [model] });
    }
    if (!plan.judge || !plan.pairwise) continue;
    for (let x = 0; x < plan.models.length; x++)
      for (let y = x + 1; y < plan.models.length; y++) {
        const unit = pairUnit(row.row, x, y);
        const a = results.get(answerUnit(row.row, x));
        const b = results.get(answerUnit(row.row, y));
        if (!results.has(unit) && a?.kind === 'answer' && b?.kind === 'answer' && a.ok && b.ok)
          pending.push({ unit, row, models: [x, y] });
      }
  }
  return pending;
}

/** Every unit the evaluation will have once done: answers, and pairs where both answered. */
function allRecorded(plan: EvaluationPlan, results: ReadonlyMap<string, UnitResult>): boolean {
  return pendingUnits(plan, results).length === 0;
}

/** Why every model failed, when each has failed its first answers and none has answered. */
function allFailing(plan: EvaluationPlan, results: ReadonlyMap<string, UnitResult>): string | undefined {
  const answers = [...results.values()].filter((result): result is AnswerResult => result.kind === 'answer');
  if (answers.some((answer) => answer.ok)) return undefined;
  const perModel = plan.models.map((_, model) => answers.filter((answer) => answer.model === model));
  const enough = Math.min(FAILURES_BEFORE_GIVING_UP, plan.rows.length);
  if (perModel.some((failures) => failures.length < enough)) return undefined;
  return plan.models
    .map((model, index) => `${model.name}: ${perModel[index]?.[0]?.error ?? 'failed'}`)
    .join(' · ');
}

/**
 * Runs evaluations row by row: each unit (row × model, or a judged pair) is claimed in the store
 * before it is run and recorded once when done, so a restarted or second replica carries on where
 * the work stopped, never runs a unit another holds, and never pays for a recorded one again. Per
 * model, calls in flight follow AIMD: throttling halves them and frees the unit to be tried again.
 */
export class EvaluationRunner {
  readonly owner: string;
  private readonly limiters = new Map<string, AimdLimiter>();
  private readonly active = new Map<string, Promise<RunEnd>>();
  private stopping = false;

  constructor(private readonly deps: RunnerDeps) {
    this.owner = deps.owner ?? randomUUID();
  }

  /** Runs (or joins) one evaluation until it is finished or cancelled; one run per evaluation per replica. */
  run(
    id: string,
    onRecorded: (results: ReadonlyMap<string, UnitResult>) => void = () => {},
  ): Promise<RunEnd> {
    const existing = this.active.get(id);
    if (existing) return existing;
    const running = this.loop(id, onRecorded).finally(() => this.active.delete(id));
    this.active.set(id, running);
    return running;
  }

  /** Stops claiming rows: those in flight finish and are recorded, the rest wait for another replica or the restart. */
  stop(): void {
    this.stopping = true;
  }

  private limiter(modelId: string): AimdLimiter {
    let limiter = this.limiters.get(modelId);
    if (!limiter) {
      limiter = new AimdLimiter(this.deps.concurrency);
      this.limiters.set(modelId, limiter);
    }
    return limiter;
  }

  private async loop(
    id: string,
    onRecorded: (results: ReadonlyMap<string, UnitResult>) => void,
  ): Promise<RunEnd> {
    const { evaluations } = this.deps;
    const plan = await evaluations.plan(id);
    if (!plan) return 'gone';
    let cancelled = false;
    let checkedAt = 0;
    // Set as soon as the answers so far show every model failing, so no more rows are sent to them.
    let failing: string | undefined;
    const isCancelled = async () => {
      if (failing || this.stopping) return true;
      if (!cancelled && performance.now() - checkedAt > CONTROL_FRESH_MS) {
        checkedAt = performance.now();
        const control = await evaluations.control(id);
        cancelled = Boolean(control.cancelled || control.finished);
      }
      return cancelled;
    };
    for (;;) {
      if (this.stopping) return 'stopped';
      const control = await evaluations.control(id);
      if (control.cancelled) return 'cancelled';
      if (control.finished) return 'finished';
      const results = await evaluations.results(id);
      failing = allFailing(plan, results);
      if (failing) {
        await evaluations.flag(id, 'cancelled', { reason: `every model failed: ${failing}` });
        return 'cancelled';
      }
      if (allRecorded(plan, results)) {
        await evaluations.flag(id, 'finished');
        return 'finished';
      }
      const recorded = new Map(results);
      const claimed = await this.runUnits(plan, pendingUnits(plan, results), isCancelled, (unit, result) => {
        recorded.set(unit, result);
        failing ??= allFailing(plan, recorded);
        onRecorded(recorded);
      });
      // Nothing left this replica could claim: others hold it, or it is being tried again later.
      if (claimed === 0) await new Promise((resolve) => setTimeout(resolve, this.deps.idleMs ?? 1000));
    }
  }

  /** Runs every unit it can claim, each model at its own concurrency; returns how many it claimed. */
  private async runUnits(
    plan: EvaluationPlan,
    units: ReturnType<typeof pendingUnits>,
    isCancelled: () => Promise<boolean>,
    onRecorded: (unit: string, result: UnitResult) => void,
  ): Promise<number> {
    const lanes = new Map<string, typeof units>();
    for (const unit of units) {
      const model = unit.models.length === 1 ? plan.models[unit.models[0] as number] : plan.judge;
      const lane = lanes.get(model?.modelId ?? '') ?? [];
      lane.push(unit);
      lanes.set(model?.modelId ?? '', lane);
    }
    let claimed = 0;
    const work: Promise<void>[] = [];
    await Promise.all(
      [...lanes].map(async ([modelId, lane]) => {
        const limiter = this.limiter(modelId);
        for (const unit of lane) {
          const ticket = await limiter.acquire();
          if (await isCancelled()) {
            ticket.failed();
            return;
          }
          if (!(await this.deps.evaluations.claim(plan.id, unit.unit, this.owner, CLAIM_SECONDS))) {
            ticket.failed();
            continue;
          }
          claimed++;
          const heartbeat = setInterval(
            () =>
              void this.deps.evaluations
                .renewClaim(plan.id, unit.unit, this.owner, CLAIM_SECONDS)
                .catch(() => {}),
            (CLAIM_SECONDS * 1000) / 3,
          );
          work.push(
            this.runUnit(plan, unit)
              .finally(() => clearInterval(heartbeat))
              .then(async (outcome) => {
                if (outcome === 'throttled') {
                  ticket.throttled();
                  await this.deps.evaluations.release(plan.id, unit.unit, this.owner);
                  return;
                }
                ticket.succeeded();
                await this.deps.evaluations.record(plan.id, unit.unit, outcome);
                onRecorded(unit.unit, outcome);
              })
              .catch((error: unknown) => {
                ticket.failed();
                this.deps.logger.warn(
                  { err: error, evaluation: plan.id, unit: unit.unit },
                  'an evaluation row failed; it is tried again',
                );
                return this.deps.evaluations.release(plan.id, unit.unit, this.owner).catch(() => {});
              }),
          );
        }
      }),
    );
    await Promise.all(work);
    return claimed;
  }

  private async runUnit(
    plan: EvaluationPlan,
    unit: ReturnType<typeof pendingUnits>[number],
  ): Promise<UnitResult | 'throttled'> {
    const uses: ModelUse[] = [];
    const result =
      unit.models.length === 1
        ? await this.answer(plan, unit.row, unit.models[0] as number, uses)
        : await this.judgePair(plan, unit.row, unit.models[0] as number, unit.models[1] as number, uses);
    if (result === 'throttled') return result;
    const paid = (result.costUsd ?? 0) + (result.kind === 'answer' ? (result.judge?.costUsd ?? 0) : 0);
    await Promise.all([
      this.deps.spend.recordSpend(plan.teamId, plan.userId, paid),
      this.deps.usage.record(plan.teamId, plan.userId, uses),
    ]);
    return result;
  }

  /**
   * One call as the judge or a model makes it: text in, text out, with its figures. What Bedrock
   * bills for it (an answer, or what a timeout cut short) is added to `uses`.
   */
  private async call(
    model: EvaluatedModel,
    request: { system?: string; prompt: string; maxTokens: number },
    uses: ModelUse[],
  ): Promise<Answer> {
    const answer = await streamAnswer(
      this.deps.answers,
      model,
      {
        messages: [{ role: 'user', content: [{ text: request.prompt }] }],
        system: request.system,
        maxTokens: request.maxTokens,
        serviceTier: model.serviceTier,
      },
      () => {},
    );
    const billed = answer.ok ? answer : answer.partial;
    if (billed)
      uses.push({
        modelId: model.modelId,
        inputTokens: billed.inputTokens ?? 0,
        outputTokens: billed.outputTokens ?? 0,
        costUsd: answer.ok ? answer.costUsd : answer.partial?.estimatedCostUsd,
      });
    return answer;
  }

  private async answer(
    plan: EvaluationPlan,
    row: PromptRow,
    index: number,
    uses: ModelUse[],
  ): Promise<AnswerResult | 'throttled'> {
    const model = plan.models[index] as EvaluatedModel;
    const answer = await this.call(
      model,
      { system: row.system, prompt: row.prompt, maxTokens: plan.maxTokens },
      uses,
    );
    if (!answer.ok && answer.failure.kind === 'throttled') return 'throttled';
    const text = answer.ok ? answer.text : (answer.partial?.text ?? '');
    const costUsd = answer.ok ? answer.costUsd : answer.partial?.estimatedCostUsd;
    const base: AnswerResult = {
      kind: 'answer',
      row: row.row,
      model: index,
      ok: answer.ok,
      text,
      error: answer.ok ? undefined : answer.failure.message,
      latencyMs: answer.latencyMs,
      firstTokenMs: answer.ok ? answer.firstTokenMs : answer.partial?.firstTokenMs,
      inputTokens: answer.ok ? answer.inputTokens : answer.partial?.inputTokens,
      outputTokens: answer.ok ? answer.outputTokens : answer.partial?.outputTokens,
      costUsd,
      // A model that gave no answer fails every check: there is nothing that holds.
      checks: answer.ok
        ? runChecks(row.checks, { text, latencyMs: answer.latencyMs, costUsd })
        : row.checks.map(() => ({ check: 'answer', passed: false, why: 'no answer' })),
      finishedAt: Date.now(),
    };
    if (!answer.ok || !plan.judge || plan.pairwise) return base;
    return { ...base, judge: await this.score(plan, plan.judge, row, text, uses) };
  }

  private async judgeCall(judge: EvaluatedModel, request: JudgeRequest, uses: ModelUse[]) {
    const limiter = this.limiter(`${judge.modelId}#judge`);
    const ticket = await limiter.acquire();
    const reply = await this.call(judge, { ...request, maxTokens: JUDGE_MAX_TOKENS }, uses);
    if (!reply.ok && reply.failure.kind === 'throttled') ticket.throttled();
    else ticket.succeeded();
    return reply;
  }

  private async score(
    plan: EvaluationPlan,
    judge: EvaluatedModel,
    row: PromptRow,
    text: string,
    uses: ModelUse[],
  ): Promise<AnswerResult['judge']> {
    const reply = await this.judgeCall(judge, scoreRequest(row, text, plan.rubric), uses);
    if (!reply.ok)
      return {
        error: `the judge failed: ${reply.failure.message}`,
        costUsd: reply.partial?.estimatedCostUsd,
      };
    const score = parseScore(reply.text);
    if (!score) return { error: 'the judge’s reply held no score from 1 to 5', costUsd: reply.costUsd };
    return { score: score.score, reason: score.reason, costUsd: reply.costUsd };
  }

  private async judgePair(
    plan: EvaluationPlan,
    row: PromptRow,
    x: number,
    y: number,
    uses: ModelUse[],
  ): Promise<PairResult> {
    const judge = plan.judge as EvaluatedModel;
    const results = await this.deps.evaluations.results(plan.id);
    const textOf = (model: number) =>
      (results.get(answerUnit(row.row, model)) as AnswerResult | undefined)?.text ?? '';
    const [xFirst, yFirst] = await Promise.all([
      this.judgeCall(judge, pairRequest(row, textOf(x), textOf(y), plan.rubric), uses),
      this.judgeCall(judge, pairRequest(row, textOf(y), textOf(x), plan.rubric), uses),
    ]);
    const costUsd = [xFirst, yFirst].reduce<number | undefined>((sum, reply) => {
      const cost = reply.ok ? reply.costUsd : reply.partial?.estimatedCostUsd;
      return sum === undefined || cost === undefined ? undefined : sum + cost;
    }, 0);
    const base = { kind: 'pair' as const, row: row.row, x, y, costUsd, finishedAt: Date.now() };
    if (!xFirst.ok || !yFirst.ok) return { ...base, error: 'the judge failed on this pair' };
    const first = parsePreference(xFirst.text);
    const second = parsePreference(yFirst.text);
    if (!first || !second) return { ...base, error: 'the judge’s reply named neither answer' };
    return { ...base, verdict: pairVerdict(first, second) };
  }
}
