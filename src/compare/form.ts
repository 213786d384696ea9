import type { Catalog, ResolvedModel } from '../bedrock/catalog.js';
import { failed, ok, type Result } from '../result.js';
import { modelCountProblem } from './model-count.js';
import { applyOption, type OptionFlag } from './parse.js';
import type { CompareRequest } from './request.js';
import type { CompareOptions } from './types.js';

/** The /compare form's fields as typed; names match the form's block IDs. */
export interface CompareForm {
  models: string[];
  prompt?: string;
  system?: string;
  max_tokens?: string;
  temperature?: string;
}

export type CompareFormErrors = Partial<Record<keyof CompareForm, string>>;

/** The option checks of the command line, worded for a form field. */
function checkOption(
  flag: OptionFlag,
  value: string | undefined,
  options: CompareOptions,
): string | undefined {
  if (value === undefined) return undefined;
  return applyOption(flag, value, options)?.replace(/^--[a-z-]+ takes /, 'Give ');
}

/** Checks a submitted form with the same rules as the command line, one message per field. */
export function checkCompareForm(
  form: CompareForm,
  catalog: Catalog,
  maxModels: number,
): Result<CompareRequest, CompareFormErrors> {
  const errors: CompareFormErrors = {};
  const models = form.models
    .map((id) => catalog.find(id))
    .filter((model): model is ResolvedModel => model !== undefined);
  const count = modelCountProblem(models.length, maxModels);
  if (count === 'too-few') errors.models = 'Pick at least 2 models.';
  if (count === 'too-many')
    errors.models = `Pick at most ${maxModels} models, so the answers stay readable side by side.`;
  if (!form.prompt?.trim()) errors.prompt = 'Write the prompt every model answers.';
  const options: CompareOptions = { blind: false };
  const maxTokens = checkOption('--max-tokens', form.max_tokens, options);
  if (maxTokens) errors.max_tokens = maxTokens;
  const temperature = checkOption('--temperature', form.temperature, options);
  if (temperature) errors.temperature = temperature;
  if (form.system?.trim()) options.system = form.system.trim();
  if (Object.keys(errors).length > 0) return failed(errors);
  return ok({ models, prompt: form.prompt?.trim() ?? '', options });
}
