import { failed, ok, problem, type Result } from '../result.js';

/**
 * Hyperparameter ranges for fine-tuning, by base model. Bedrock takes every value as a string and
 * checks it only after the job is submitted; checking here turns a failed job hours later into an
 * inline error in the form.
 * Source: Bedrock user guide, "Custom model hyperparameters" (per provider), as of 2026-11. Nova
 * lists no batch size in the API; its warm-up steps are 0–20 in the console (0–100 in the API guide),
 * and the console's narrower range is kept.
 */
interface HyperparameterRule {
  name: string;
  label: string;
  min: number;
  max: number;
  integer: boolean;
}

interface ModelRules {
  family: string;
  prefixes: string[];
  rules: HyperparameterRule[];
}

const rule = (name: string, label: string, min: number, max: number, integer = true): HyperparameterRule => ({
  name,
  label,
  min,
  max,
  integer,
});

export const HYPERPARAMETER_TABLE: ModelRules[] = [
  {
    family: 'Amazon Nova (Micro, Lite, Pro)',
    prefixes: ['amazon.nova-'],
    rules: [
      rule('epochCount', 'epochs', 1, 5),
      rule('learningRate', 'learning rate', 0.000001, 0.0001, false),
      rule('learningRateWarmupSteps', 'warm-up steps', 0, 20),
    ],
  },
  {
    family: 'Anthropic Claude 3 Haiku',
    prefixes: ['anthropic.claude-3-haiku'],
    rules: [
      rule('epochCount', 'epochs', 1, 10),
      rule('batchSize', 'batch size', 4, 256),
      rule('learningRateMultiplier', 'learning rate multiplier', 0.1, 2, false),
      rule('earlyStoppingThreshold', 'early stopping threshold', 0, 0.1, false),
      rule('earlyStoppingPatience', 'early stopping patience', 1, 10),
    ],
  },
  {
    family: 'Meta Llama 3.1',
    prefixes: ['meta.llama3-1'],
    rules: [
      rule('epochCount', 'epochs', 1, 10),
      rule('batchSize', 'batch size', 1, 1),
      rule('learningRate', 'learning rate', 0.000005, 0.1, false),
    ],
  },
];

function rulesFor(baseModelId: string): ModelRules | undefined {
  return HYPERPARAMETER_TABLE.find((entry) =>
    entry.prefixes.some((prefix) => baseModelId.startsWith(prefix)),
  );
}

/** `epochCount=2\nlearningRate=0.00001` (also with commas or spaces) → a map, or the line it could not read. */
export function parseHyperparameters(text: string): Result<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const entry of text
    .split(/[\n,;]+/)
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = entry.match(/^([A-Za-z][A-Za-z0-9]*)\s*[=:]\s*(\S+)$/);
    if (!match?.[1] || match[2] === undefined)
      return failed(
        problem('invalid', `I could not read “${entry}”: write one name=value a line, e.g. epochCount=2.`),
      );
    values[match[1]] = match[2];
  }
  return ok(values);
}

/** Checks each value against the base model's documented range; one message for everything wrong. */
export function checkHyperparameters(
  baseModelId: string,
  values: Record<string, string>,
): string | undefined {
  const model = rulesFor(baseModelId);
  if (!model) return undefined;
  const problems: string[] = [];
  for (const [name, raw] of Object.entries(values)) {
    const found = model.rules.find((entry) => entry.name === name);
    if (!found) {
      problems.push(
        `${name} is not a hyperparameter of ${model.family} (it takes ${model.rules.map((entry) => entry.name).join(', ')})`,
      );
      continue;
    }
    const value = Number(raw);
    const range = found.min === found.max ? `exactly ${found.min}` : `${found.min}–${found.max}`;
    if (!Number.isFinite(value) || (found.integer && !Number.isInteger(value))) {
      problems.push(`${name} must be ${found.integer ? 'a whole number' : 'a number'} (${range})`);
    } else if (value < found.min || value > found.max) {
      problems.push(`${name} (${found.label}) must be ${range} for ${model.family}; ${raw} is outside it`);
    }
  }
  return problems.length ? `${problems.join('; ')}.` : undefined;
}
