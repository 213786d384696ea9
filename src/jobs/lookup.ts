import { classifyBedrockError, isOutage } from '../bedrock/errors.js';
import { failed, ok, type Problem, problem, type Result } from '../result.js';
import type { JobsClient } from './client.js';
import type { Job } from './types.js';

/** What a person is told when Bedrock would not show or act on the job called `job`. */
export function jobProblem(error: unknown, job: string): Problem {
  const { kind, message } = classifyBedrockError(error);
  if (kind === 'not-found' || kind === 'validation') {
    return problem(
      'invalid',
      `I can’t find a customization job called \`${job}\` in this account and region. \`/finetune-status\` lists recent jobs.`,
    );
  }
  if (kind === 'access-denied') {
    return problem(
      'unavailable',
      'The app’s AWS role may not read customization jobs: it needs bedrock:ListModelCustomizationJobs and bedrock:GetModelCustomizationJob (see the README).',
    );
  }
  return isOutage(kind)
    ? problem('unavailable', `Bedrock did not answer: ${message}`)
    : problem('invalid', message);
}

/** The job by name or ARN, or why it cannot be shown. */
export async function findJob(jobs: JobsClient, job: string): Promise<Result<Job>> {
  try {
    return ok(await jobs.get(job));
  } catch (error) {
    return failed(jobProblem(error, job));
  }
}
