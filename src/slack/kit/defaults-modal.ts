import type { KnownBlock, View } from '@slack/types';
import type { CatalogModel } from '../../bedrock/catalog.js';
import { type DefaultsForm, type ModelDefaults, SYSTEM_PROMPT_MAX } from '../../defaults/form.js';
import { clip, LIMITS } from './limits.js';
import { slackView } from './message.js';
import { modelField, modelsField } from './model-fields.js';
import { field, selected, type ViewValues } from './view-state.js';

/** Block IDs: the form's field names, so the check's errors map onto them one to one. */
const FIELDS = {
  compareModels: 'compare_models',
  chatModel: 'chat_model',
  systemPrompt: 'system_prompt',
} as const satisfies Record<string, keyof DefaultsForm>;

export interface DefaultsModalOptions {
  callbackId: string;
  title: string;
  submit: string;
  /** What these defaults are for and who they apply to. */
  intro: string;
  models: readonly CatalogModel[];
  initial: ModelDefaults;
  maxModels: number;
  /** A channel's defaults have a system prompt too; a person's do not. */
  withSystemPrompt: boolean;
  privateMetadata: string;
}

/** A form for model defaults (a person's or a channel's): the compare set, the chat model, a system prompt. */
export function defaultsModal(options: DefaultsModalOptions): View {
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: clip(options.intro, LIMITS.sectionText) } },
    modelsField(FIELDS.compareModels, options.models, options.initial.compareModels ?? [], {
      label: `Compare set (2–${options.maxModels} models)`,
      max: options.maxModels,
      optional: true,
      hint: 'Used by /compare when no models are named. Leave empty for the default.',
    }),
    modelField(FIELDS.chatModel, options.models, options.initial.chatModel, {
      label: 'Chat model',
      optional: true,
      hint: 'The model of new thread conversations. Leave empty for the default.',
    }),
  ];
  if (options.withSystemPrompt) {
    blocks.push({
      type: 'input',
      block_id: FIELDS.systemPrompt,
      optional: true,
      label: { type: 'plain_text', text: 'System prompt' },
      hint: {
        type: 'plain_text',
        text: 'Given to every compare (without --system) and new thread conversation here.',
      },
      element: {
        type: 'plain_text_input',
        action_id: 'value',
        multiline: true,
        max_length: SYSTEM_PROMPT_MAX,
        ...(options.initial.systemPrompt ? { initial_value: options.initial.systemPrompt } : {}),
      },
    });
  }
  return slackView({
    type: 'modal',
    callback_id: options.callbackId,
    private_metadata: options.privateMetadata,
    title: { type: 'plain_text', text: clip(options.title, LIMITS.modalTitle) },
    submit: { type: 'plain_text', text: options.submit },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  });
}

/** The defaults form as submitted. */
export function readDefaultsForm(values: ViewValues): DefaultsForm {
  return {
    compare_models: selected(values, FIELDS.compareModels),
    chat_model: field(values, FIELDS.chatModel),
    system_prompt: field(values, FIELDS.systemPrompt),
  };
}
