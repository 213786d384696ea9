import { type Catalog, producesText } from '../bedrock/catalog.js';
import { modelCountProblem } from '../compare/model-count.js';
import { failed, ok, type Result } from '../result.js';

/** The defaults form's fields as submitted: a person's (compare set, chat model) or a channel's (and a system prompt). */
export interface DefaultsForm {
  compare_models: string[];
  chat_model?: string;
  system_prompt?: string;
}

/** Defaults as kept: catalog model IDs, each one this account can invoke and that writes text. */
export interface ModelDefaults {
  compareModels?: string[];
  chatModel?: string;
  systemPrompt?: string;
}

export type DefaultsFormErrors = Partial<Record<keyof DefaultsForm, string>>;

/** A system prompt longer than this is a document, not an instruction; it would eat every context window. */
export const SYSTEM_PROMPT_MAX = 2_000;

/** Why a model cannot be a default, or undefined when it can: known, invocable here, and writing text. */
function refusal(catalog: Catalog, id: string): string | undefined {
  const found = catalog.find(id);
  if (!found) return `\`${id}\` is not in this account’s Bedrock catalog.`;
  const { model } = found;
  if (!producesText(model)) return `${model.name} does not write text.`;
  if (!model.onDemand && !model.profileId)
    return `${model.name} cannot be invoked in this account (no on-demand access or inference profile here).`;
  return undefined;
}

/**
 * Checks submitted defaults, one message per field: every model must be one this account can invoke;
 * a compare set, when given, has 2 to `maxModels` models. Blank fields mean "no default of my own".
 */
export function checkDefaultsForm(
  form: DefaultsForm,
  catalog: Catalog,
  maxModels: number,
): Result<ModelDefaults, DefaultsFormErrors> {
  const errors: DefaultsFormErrors = {};
  const compareModels = [...new Set(form.compare_models)];
  const refusedModel = compareModels.map((id) => refusal(catalog, id)).find(Boolean);
  if (refusedModel) errors.compare_models = refusedModel;
  else if (compareModels.length > 0) {
    const count = modelCountProblem(compareModels.length, maxModels);
    if (count === 'too-few') errors.compare_models = 'Pick at least 2 models, or none to use the default.';
    if (count === 'too-many') errors.compare_models = `Pick at most ${maxModels} models.`;
  }
  const chatModel = form.chat_model?.trim() || undefined;
  const refusedChat = chatModel ? refusal(catalog, chatModel) : undefined;
  if (refusedChat) errors.chat_model = refusedChat;
  const systemPrompt = form.system_prompt?.trim() || undefined;
  if (systemPrompt && systemPrompt.length > SYSTEM_PROMPT_MAX)
    errors.system_prompt = `Keep it under ${SYSTEM_PROMPT_MAX} characters (it has ${systemPrompt.length}).`;
  if (Object.keys(errors).length > 0) return failed(errors);
  return ok({
    compareModels:
      compareModels.length > 0 ? compareModels.map((id) => catalog.find(id)!.model.modelId) : undefined,
    chatModel: chatModel ? catalog.find(chatModel)!.model.modelId : undefined,
    systemPrompt,
  });
}
