import { failed, ok, problem, type Result } from '../result.js';
import type { JobStatus } from './types.js';

export type JobsCommand =
  | { kind: 'list'; status?: JobStatus; nameContains?: string }
  | { kind: 'details'; job: string }
  | { kind: 'watch'; job: string }
  | { kind: 'unwatch'; job: string }
  | { kind: 'new' }
  | { kind: 'throughput' }
  | { kind: 'deployments' }
  | { kind: 'deploy'; job: string }
  | { kind: 'help' };

const STATUS_WORDS: Record<string, JobStatus> = {
  running: 'InProgress',
  inprogress: 'InProgress',
  'in-progress': 'InProgress',
  completed: 'Completed',
  complete: 'Completed',
  failed: 'Failed',
  stopped: 'Stopped',
  stopping: 'Stopping',
};

/** The text after `/finetune-status`, read into one of its forms. */
export function parseJobsCommand(text: string): Result<JobsCommand> {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [first = '', second, ...rest] = words;
  const lower = first.toLowerCase();
  if (words.length === 0) return ok({ kind: 'list' });
  if (lower === 'help' && words.length === 1) return ok({ kind: 'help' });
  if (lower === 'new' && words.length === 1) return ok({ kind: 'new' });
  if ((lower === 'throughput' || lower === 'throughputs') && words.length === 1)
    return ok({ kind: 'throughput' });
  if ((lower === 'deployments' || lower === 'deployment') && words.length === 1)
    return ok({ kind: 'deployments' });
  if (lower === 'deploy') {
    if (!second || rest.length > 0)
      return failed(
        problem('invalid', 'Usage: `/finetune-status deploy <job name or ARN>` (a completed job).'),
      );
    return ok({ kind: 'deploy', job: second });
  }
  if (lower === 'watch' || lower === 'unwatch') {
    if (!second || rest.length > 0)
      return failed(problem('invalid', `Usage: \`/finetune-status ${lower} <job name or ARN>\`.`));
    return ok({ kind: lower, job: second });
  }
  const filter: { status?: JobStatus; nameContains?: string } = {};
  for (const word of words) {
    const status = STATUS_WORDS[word.toLowerCase()];
    const name = word.match(/^name:(.+)$/i)?.[1];
    if (status && !filter.status) filter.status = status;
    else if (name && !filter.nameContains) filter.nameContains = name;
    else if (words.length === 1) return ok({ kind: 'details', job: word });
    else {
      return failed(
        problem(
          'invalid',
          `I did not understand \`${word}\`. Filters are \`running\`, \`completed\`, \`failed\`, \`stopped\` and \`name:<part>\`; a single job name or ARN shows that job.`,
        ),
      );
    }
  }
  return ok({ kind: 'list', ...filter });
}
