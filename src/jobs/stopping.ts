import { classifyBedrockError } from '../bedrock/errors.js';
import { failed, ok, type Problem, problem, type Result } from '../result.js';
import type { Asker, JobAccess } from './access.js';
import type { JobsClient } from './client.js';
import { jobProblem } from './lookup.js';
import { FINISHED } from './types.js';

/** Asks Bedrock to stop a job, for a person FINETUNE_STOPPERS allows. */
export class JobStopping {
  constructor(
    private readonly jobs: JobsClient,
    private readonly access: JobAccess,
  ) {}

  async stop(jobArn: string, who: Asker): Promise<Result<void>> {
    if (!(await this.access.mayStop(who))) {
      return failed(
        problem(
          'forbidden',
          'You may not stop customization jobs. Ask whoever runs this app (FINETUNE_STOPPERS).',
        ),
      );
    }
    try {
      await this.jobs.stop(jobArn);
      return ok(undefined);
    } catch (error) {
      return failed(await this.whyNot(error, jobArn));
    }
  }

  /**
   * Bedrock refuses to stop a job that has ended (the API reference lists ConflictException; the sibling
   * batch-job API answers ValidationException), so the job's own status says whether there was simply
   * nothing left to stop.
   */
  private async whyNot(error: unknown, jobArn: string): Promise<Problem> {
    const { kind } = classifyBedrockError(error);
    if (kind === 'validation' || kind === 'conflict' || kind === 'not-found') {
      const job = await this.jobs.get(jobArn).catch(() => undefined);
      if (job && FINISHED.has(job.status)) {
        return problem(
          'conflict',
          `*${job.name}* already finished (${job.status}): there is nothing to stop.`,
        );
      }
      if (job?.status === 'Stopping') return problem('conflict', `*${job.name}* is already stopping.`);
    }
    return jobProblem(error, jobArn);
  }
}
