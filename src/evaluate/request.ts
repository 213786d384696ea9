import { takeValue } from '../compare/parse.js';
import { failed, ok, problem, type Result } from '../result.js';
import { type Check, parseChecks } from './checks.js';

/** What the words of `evaluate …` ask for; the models are still words, resolved against the catalog later. */
export interface EvaluateCommand {
  models: string[];
  judge?: string;
  pairwise: boolean;
  /** Overrides the default rubric for the judge. */
  rubric?: string;
  /** Checks for every row of the set, on top of each row's own. */
  checks: Check[];
  maxTokens?: number;
}

const USAGE =
  '`@Bedrock evaluate nova-micro sonnet --judge sonnet` with a `.csv` or `.jsonl` prompt set attached to the same message';

const invalid = (message: string) => failed(problem('invalid', message));

/** The words after `evaluate`: models, then options (`--judge`, `--pairwise`, `--rubric`, `--check`, `--max-tokens`). */
export function parseEvaluateText(text: string): Result<EvaluateCommand> {
  const command: EvaluateCommand = { models: [], pairwise: false, checks: [] };
  let rest = text.trim();
  while (rest !== '') {
    const word = /^\S+/.exec(rest)?.[0] ?? '';
    const after = rest.slice(word.length);
    if (word === '--pairwise') {
      command.pairwise = true;
      rest = after.trimStart();
      continue;
    }
    if (!word.startsWith('--')) {
      command.models.push(...word.split(',').filter(Boolean));
      rest = after.trimStart();
      continue;
    }
    const taken = takeValue(after);
    if (!taken || taken.value.trim() === '') return invalid(`\`${word}\` needs a value: ${USAGE}.`);
    const value = taken.value.trim();
    if (word === '--judge') command.judge = value;
    else if (word === '--rubric') command.rubric = value;
    else if (word === '--check') {
      const checks = parseChecks(value);
      if (!checks.ok) return invalid(`\`--check\`: ${checks.problem}.`);
      command.checks.push(...checks.value);
    } else if (word === '--max-tokens') {
      const number = Number(value);
      if (!Number.isInteger(number) || number < 1 || number > 64_000)
        return invalid('`--max-tokens` takes a whole number from 1 to 64000.');
      command.maxTokens = number;
    } else
      return invalid(
        `Unknown option \`${word}\`: an evaluation takes \`--judge <model>\`, \`--pairwise\`, \`--rubric "…"\`, \`--check "…"\` and \`--max-tokens <n>\`.`,
      );
    rest = taken.rest.trimStart();
  }
  if (command.models.length === 0) return invalid(`Name the models to evaluate, e.g. ${USAGE}.`);
  if (command.pairwise && !command.judge)
    return invalid('`--pairwise` needs a judge to compare the answers: add `--judge <model>`.');
  return ok(command);
}
