import type { Catalog, ResolvedModel } from '../bedrock/catalog.js';
import { offersTier, parseTier } from '../bedrock/service-tiers.js';
import { failed, ok, type Result } from '../result.js';
import { modelCountProblem } from './model-count.js';
import { applyOption, type OptionFlag } from './parse.js';
import { type CompareRequest, type RequestedModel, reasoningProblem } from './request.js';
import type { CompareOptions } from './types.js';

/** The /compare form's fields as typed; names match the form's block IDs. */
export interface CompareForm {
  models: string[];
  prompt?: string;
  system?: string;
  max_tokens?: string;
  temperature?: string;
  /** A thinking budget in tokens, or `on` for each family's default; blank is off. */
  think?: string;
  effort?: string;
  /** One service tier for every model picked: `flex`, `priority`, or blank for standard. */
  tier?: string;
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
  if (form.think?.toLowerCase() === 'on') options.think = {};
  else {
    const think = checkOption('--think', form.think, options);
    if (think) errors.think = think;
  }
  const effort = checkOption('--effort', form.effort, options);
  if (effort) errors.effort = effort;
  const tier = form.tier === undefined ? undefined : parseTier(form.tier);
  const requested: RequestedModel[] = models.map((model) =>
    tier && tier !== 'default' ? { ...model, serviceTier: tier } : model,
  );
  const refused = tier ? models.filter(({ model }) => !offersTier(model.modelId, tier)) : [];
  if (tier && refused.length > 0) {
    errors.tier = `Not offered on the ${tier} tier: ${refused.map(({ model }) => model.name).join(', ')}. Pick standard, or other models.`;
  }
  if (!errors.think && !errors.effort && !errors.max_tokens) {
    const reasoning = reasoningProblem(requested, options);
    if (reasoning) errors[options.effort && !options.think ? 'effort' : 'think'] = reasoning.message;
  }
  if (Object.keys(errors).length > 0) return failed(errors);
  return ok({ models: requested, prompt: form.prompt?.trim() ?? '', options });
}
