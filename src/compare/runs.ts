import type { Logger } from '../logger.js';
import { failed, ok, type Problem, problem, type Result } from '../result.js';
import { Documents } from '../store/documents.js';
import { keys, RUN_TTL_SECONDS } from '../store/keys.js';
import type { DocumentStore } from '../store/types.js';
import { type CompareRun, compareRunSchema, type ModelRun } from './types.js';

/** A run past its TTL, or one from another workspace: either way nothing here can act on it. */
export const EXPIRED_RUN: Problem = problem(
  'gone',
  `That compare is too old to act on (runs are kept for ${RUN_TTL_SECONDS / 86_400} days). Run it again with \`/compare\`.`,
);

/** Compare runs in the store, checked against their schema on every read. */
export class CompareRuns {
  private readonly documents: Documents<CompareRun>;

  constructor(store: DocumentStore, logger: Pick<Logger, 'warn'>) {
    this.documents = new Documents(
      store,
      { name: 'compare run', version: 1, schema: compareRunSchema },
      logger,
    );
  }

  save(run: CompareRun): Promise<void> {
    const { key, ttlSeconds } = keys.compareRun(run.id);
    return this.documents.set(key, run, ttlSeconds);
  }

  /**
   * A stored run, for someone acting on it from `teamId`: a run of another workspace is as gone as
   * an expired one, so a forged button value reveals nothing.
   */
  async find(runId: string, teamId: string): Promise<Result<CompareRun>> {
    const run = await this.documents.get(keys.compareRun(runId).key);
    return run?.teamId === teamId ? ok(run) : failed(EXPIRED_RUN);
  }

  /** One model's part of a stored run, as a per-model button names it. */
  async findModel(
    runId: string,
    index: number,
    teamId: string,
  ): Promise<Result<{ run: CompareRun; model: ModelRun }>> {
    const found = await this.find(runId, teamId);
    if (!found.ok) return found;
    const model = found.value.models[index];
    return model ? ok({ run: found.value, model }) : failed(EXPIRED_RUN);
  }
}
