import type { KnownBlock, View } from '@slack/types';
import type { CatalogModel } from '../../bedrock/catalog.js';
import type { CompareForm } from '../../compare/form.js';
import { slackView } from '../kit/message.js';
import { modelsField } from '../kit/model-fields.js';

export const COMPARE_VIEW = 'compare_modal';

/** Block IDs: the form's field names, so errors map onto them one to one; plus the image and save boxes. */
export const COMPARE_FIELDS = {
  models: 'models',
  prompt: 'prompt',
  system: 'system',
  maxTokens: 'max_tokens',
  temperature: 'temperature',
  think: 'think',
  effort: 'effort',
  tier: 'tier',
} as const satisfies Record<string, keyof CompareForm>;
export const COMPARE_IMAGE_FIELD = 'image';
export const COMPARE_SAVE_FIELD = 'save';

/** An optional single choice among `choices` (value, label), blank when not chosen. */
function optionalChoice(
  blockId: string,
  label: string,
  hint: string,
  choices: [string, string][],
): KnownBlock {
  return {
    type: 'input',
    block_id: blockId,
    optional: true,
    label: { type: 'plain_text', text: label },
    hint: { type: 'plain_text', text: hint },
    element: {
      type: 'static_select',
      action_id: 'value',
      placeholder: { type: 'plain_text', text: 'Default' },
      options: choices.map(([value, text]) => ({ text: { type: 'plain_text', text }, value })),
    },
  };
}

function optionalText(blockId: string, label: string, placeholder: string, multiline = false): KnownBlock {
  return {
    type: 'input',
    block_id: blockId,
    optional: true,
    label: { type: 'plain_text', text: label },
    element: {
      type: 'plain_text_input',
      action_id: 'value',
      multiline,
      placeholder: { type: 'plain_text', text: placeholder },
    },
  };
}

/**
 * `/compare` with no text: models from the live catalog (text models this account can invoke,
 * grouped by provider, with what they take in), the prompt, an image, options, and saving the set.
 */
export function compareModal(
  models: readonly CatalogModel[],
  initial: string[],
  options: { privateMetadata: string; maxModels: number; defaultMaxTokens: number },
): View {
  const blocks: KnownBlock[] = [
    modelsField(COMPARE_FIELDS.models, models, initial, {
      label: `Models (2–${options.maxModels})`,
      max: options.maxModels,
    }),
    {
      type: 'input',
      block_id: COMPARE_FIELDS.prompt,
      label: { type: 'plain_text', text: 'Prompt' },
      element: { type: 'plain_text_input', action_id: 'value', multiline: true },
    },
    {
      type: 'input',
      block_id: COMPARE_IMAGE_FIELD,
      optional: true,
      label: { type: 'plain_text', text: 'Image' },
      hint: {
        type: 'plain_text',
        text: 'Sent to the models that can see images; the others are marked as not seeing it.',
      },
      element: {
        type: 'file_input',
        action_id: 'value',
        filetypes: ['png', 'jpg', 'jpeg', 'gif', 'webp'],
        max_files: 5,
      },
    },
    optionalText(COMPARE_FIELDS.system, 'System prompt', 'Answer in one short paragraph.', true),
    optionalText(COMPARE_FIELDS.maxTokens, 'Max tokens', String(options.defaultMaxTokens)),
    optionalText(COMPARE_FIELDS.temperature, 'Temperature (0–1)', 'the model’s default'),
    {
      ...optionalText(COMPARE_FIELDS.think, 'Thinking budget (tokens)', 'off · on · 4096'),
      hint: {
        type: 'plain_text',
        text: 'Extended thinking for the models that take a budget (Claude: at least 1024). Their reasoning shows apart from the answer.',
      },
    } as KnownBlock,
    optionalChoice(
      COMPARE_FIELDS.effort,
      'Reasoning effort',
      'For the models that take an effort level (gpt-oss, Nova 2).',
      [
        ['low', 'Low'],
        ['medium', 'Medium'],
        ['high', 'High'],
      ],
    ),
    optionalChoice(
      COMPARE_FIELDS.tier,
      'Service tier',
      'Flex is discounted and may be slower; priority costs more and answers first. Not every model offers them.',
      [
        ['standard', 'Standard'],
        ['flex', 'Flex'],
        ['priority', 'Priority'],
      ],
    ),
    {
      type: 'input',
      block_id: COMPARE_SAVE_FIELD,
      optional: true,
      label: { type: 'plain_text', text: 'Default set' },
      element: {
        type: 'checkboxes',
        action_id: 'value',
        options: [
          {
            text: { type: 'plain_text', text: 'Save these models as my default set' },
            description: { type: 'plain_text', text: 'Used when you run /compare without naming models.' },
            value: 'save',
          },
        ],
      },
    },
  ];
  return slackView({
    type: 'modal',
    callback_id: COMPARE_VIEW,
    private_metadata: options.privateMetadata,
    title: { type: 'plain_text', text: 'Compare models' },
    submit: { type: 'plain_text', text: 'Compare' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  });
}
