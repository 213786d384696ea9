import type { JobStatus } from './types.js';

export type FinetuneCommand =
  | { kind: 'list'; status?: JobStatus; nameContains?: string }
  | { kind: 'details'; job: string }
  | { kind: 'watch'; job: string }
  | { kind: 'unwatch'; job: string }
  | { kind: 'new' }
  | { kind: 'throughput' }
  | { kind: 'help' }
  | { kind: 'error'; message: string };

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
export function parseFinetuneText(text: string): FinetuneCommand {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [first = '', second, ...rest] = words;
  const lower = first.toLowerCase();
  if (words.length === 0) return { kind: 'list' };
  if (lower === 'help' && words.length === 1) return { kind: 'help' };
  if (lower === 'new' && words.length === 1) return { kind: 'new' };
  if ((lower === 'throughput' || lower === 'throughputs') && words.length === 1)
    return { kind: 'throughput' };
  if (lower === 'watch' || lower === 'unwatch') {
    if (!second || rest.length > 0)
      return { kind: 'error', message: `Usage: \`/finetune-status ${lower} <job name or ARN>\`.` };
    return { kind: lower, job: second };
  }
  const filter: { status?: JobStatus; nameContains?: string } = {};
  for (const word of words) {
    const status = STATUS_WORDS[word.toLowerCase()];
    const name = word.match(/^name:(.+)$/i)?.[1];
    if (status && !filter.status) filter.status = status;
    else if (name && !filter.nameContains) filter.nameContains = name;
    else if (words.length === 1) return { kind: 'details', job: word };
    else {
      return {
        kind: 'error',
        message: `I did not understand \`${word}\`. Filters are \`running\`, \`completed\`, \`failed\`, \`stopped\` and \`name:<part>\`; a single job name or ARN shows that job.`,
      };
    }
  }
  return { kind: 'list', ...filter };
}
