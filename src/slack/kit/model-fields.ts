import type { InputBlock, PlainTextOption } from '@slack/types';
import type { CatalogModel } from '../../bedrock/catalog.js';
import { clip, LIMITS } from './limits.js';

const modalities = (model: CatalogModel) =>
  model.inputModalities.map((kind) => kind.toLowerCase()).join(', ');

function modelOption(model: CatalogModel): PlainTextOption {
  return {
    text: { type: 'plain_text', text: clip(`${model.name} · ${modalities(model)}`, LIMITS.optionText) },
    value: model.modelId,
  };
}

/** Models grouped by provider, within Slack's 100 options of a select. */
function grouped(models: readonly CatalogModel[]) {
  const shown = models.slice(0, LIMITS.staticOptions);
  const groups = new Map<string, CatalogModel[]>();
  for (const model of shown) groups.set(model.provider, [...(groups.get(model.provider) ?? []), model]);
  return {
    shown,
    option_groups: [...groups.entries()].map(([provider, entries]) => ({
      label: { type: 'plain_text' as const, text: clip(provider, LIMITS.optionText) },
      options: entries.map(modelOption),
    })),
  };
}

interface FieldOptions {
  label: string;
  optional?: boolean;
  hint?: string;
}

const framing = (blockId: string, options: FieldOptions) => ({
  type: 'input' as const,
  block_id: blockId,
  ...(options.optional ? { optional: true } : {}),
  label: { type: 'plain_text' as const, text: options.label },
  ...(options.hint ? { hint: { type: 'plain_text' as const, text: clip(options.hint, 2000) } } : {}),
});

/** A pick of several models from the live catalog (text models this account can invoke), by provider. */
export function modelsField(
  blockId: string,
  models: readonly CatalogModel[],
  initial: string[],
  options: FieldOptions & { max: number },
): InputBlock {
  const { shown, option_groups } = grouped(models);
  const initialOptions = shown.filter((model) => initial.includes(model.modelId)).map(modelOption);
  return {
    ...framing(blockId, options),
    element: {
      type: 'multi_static_select',
      action_id: 'value',
      placeholder: { type: 'plain_text', text: 'Choose models' },
      max_selected_items: options.max,
      option_groups,
      ...(initialOptions.length > 0 ? { initial_options: initialOptions } : {}),
    },
  };
}

/** A pick of one model from the live catalog. */
export function modelField(
  blockId: string,
  models: readonly CatalogModel[],
  initial: string | undefined,
  options: FieldOptions,
): InputBlock {
  const { shown, option_groups } = grouped(models);
  const picked = shown.find((model) => model.modelId === initial);
  return {
    ...framing(blockId, options),
    element: {
      type: 'static_select',
      action_id: 'value',
      placeholder: { type: 'plain_text', text: 'Choose a model' },
      option_groups,
      ...(picked ? { initial_option: modelOption(picked) } : {}),
    },
  };
}
