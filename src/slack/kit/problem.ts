import type { Problem, ProblemKind } from '../../result.js';
import type { SlackMessage } from './message.js';
import { notice } from './notices.js';

const ICON: Record<ProblemKind, string> = {
  invalid: ':warning:',
  limited: ':hourglass:',
  forbidden: ':no_entry:',
  gone: ':hourglass_flowing_sand:',
  conflict: ':information_source:',
  unavailable: ':warning:',
};

/** The one place a use case's expected failure becomes what the person sees in Slack. */
export function problemNotice(problem: Problem): SlackMessage {
  return notice(problem.message, ICON[problem.kind], [...(problem.mentions ?? [])]);
}
