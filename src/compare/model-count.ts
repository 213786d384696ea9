/** Fewer than two is no comparison. */
const MIN_MODELS = 2;

/** What is wrong with the number of models a compare names, if anything. */
export type ModelCountProblem = 'too-few' | 'too-many';

/**
 * The one rule for how many models a compare takes, on the command line and in the form alike: at
 * least two different ones, and at most `maxModels`, so the answers stay readable side by side.
 */
export function modelCountProblem(count: number, maxModels: number): ModelCountProblem | undefined {
  if (count < MIN_MODELS) return 'too-few';
  if (count > maxModels) return 'too-many';
  return undefined;
}
