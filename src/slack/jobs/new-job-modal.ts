import type { KnownBlock, PlainTextOption, View } from '@slack/types';
import type { CatalogModel } from '../../bedrock/catalog.js';
import { HYPERPARAMETER_TABLE } from '../../jobs/hyperparameters.js';
import type { NewJobForm } from '../../jobs/new-job.js';
import { clip, LIMITS } from '../kit/limits.js';
import { slackView } from '../kit/message.js';
import { typeLabel } from './blocks.js';

export const NEW_JOB_VIEW = 'finetune_new';

/** Block IDs of the form: the service's field names, so its errors map onto them one to one. */
export const NEW_JOB_FIELDS = {
  type: 'type',
  base: 'base',
  customName: 'custom_name',
  jobName: 'job_name',
  training: 'training',
  validation: 'validation',
  output: 'output',
  role: 'role',
  hyperparameters: 'hyperparameters',
  teacher: 'teacher',
} as const satisfies Record<string, keyof NewJobForm>;

const TYPES = ['FINE_TUNING', 'CONTINUED_PRE_TRAINING', 'DISTILLATION'];

const option = (text: string, value: string): PlainTextOption => ({
  text: { type: 'plain_text', text: clip(text, LIMITS.optionText) },
  value,
});

function textInput(
  blockId: string,
  label: string,
  options: { placeholder?: string; optional?: boolean; multiline?: boolean; hint?: string } = {},
): KnownBlock {
  return {
    type: 'input',
    block_id: blockId,
    optional: options.optional ?? false,
    label: { type: 'plain_text', text: label },
    ...(options.hint ? { hint: { type: 'plain_text', text: clip(options.hint, 2000) } } : {}),
    element: {
      type: 'plain_text_input',
      action_id: 'value',
      multiline: options.multiline ?? false,
      ...(options.placeholder
        ? { placeholder: { type: 'plain_text', text: clip(options.placeholder, 150) } }
        : {}),
    },
  };
}

/** The seeds' "create a fine-tuning job" steps as one form. `channelId` is where the job is posted. */
export function newJobModal(baseModels: CatalogModel[], privateMetadata: string): View {
  const byProvider = new Map<string, CatalogModel[]>();
  for (const model of baseModels)
    byProvider.set(model.provider, [...(byProvider.get(model.provider) ?? []), model]);
  const ranges = HYPERPARAMETER_TABLE.map(
    (entry) =>
      `${entry.family}: ${entry.rules.map((rule) => `${rule.name} ${rule.min}–${rule.max}`).join(', ')}`,
  ).join(' · ');
  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: NEW_JOB_FIELDS.type,
      label: { type: 'plain_text', text: 'Customization type' },
      element: {
        type: 'static_select',
        action_id: 'value',
        initial_option: option(typeLabel('FINE_TUNING'), 'FINE_TUNING'),
        options: TYPES.map((type) => option(typeLabel(type), type)),
      },
    },
    {
      type: 'input',
      block_id: NEW_JOB_FIELDS.base,
      label: { type: 'plain_text', text: 'Base model' },
      hint: {
        type: 'plain_text',
        text: 'Only models this account can customize; each lists the types it supports.',
      },
      element: {
        type: 'static_select',
        action_id: 'value',
        placeholder: { type: 'plain_text', text: 'Choose a base model' },
        option_groups: [...byProvider.entries()].slice(0, 100).map(([provider, models]) => ({
          label: { type: 'plain_text', text: clip(provider, 75) },
          options: models
            .slice(0, 100)
            .map((model) =>
              option(`${model.name} (${model.customizations.map(typeLabel).join(', ')})`, model.modelId),
            ),
        })),
      },
    },
    textInput(NEW_JOB_FIELDS.customName, 'Custom model name', { placeholder: 'support-answers-v1' }),
    textInput(NEW_JOB_FIELDS.jobName, 'Job name', { placeholder: 'support-answers-v1-job' }),
    textInput(NEW_JOB_FIELDS.training, 'Training data (S3 URI)', {
      placeholder: 's3://my-bucket/train.jsonl',
    }),
    textInput(NEW_JOB_FIELDS.validation, 'Validation data (S3 URI)', {
      placeholder: 's3://my-bucket/validation.jsonl',
      optional: true,
    }),
    textInput(NEW_JOB_FIELDS.output, 'Output location (S3 URI)', { placeholder: 's3://my-bucket/output/' }),
    textInput(NEW_JOB_FIELDS.role, 'Service role ARN', {
      placeholder: 'arn:aws:iam::123456789012:role/BedrockCustomization',
      hint: 'A role Bedrock can assume, that may read the data and write the output.',
    }),
    textInput(NEW_JOB_FIELDS.hyperparameters, 'Hyperparameters', {
      optional: true,
      multiline: true,
      placeholder: 'epochCount=2\nlearningRate=0.00001',
      hint: `One name=value a line; left out, Bedrock's defaults apply. ${ranges}`,
    }),
    textInput(NEW_JOB_FIELDS.teacher, 'Teacher model (distillation only)', {
      optional: true,
      placeholder: 'us.amazon.nova-pro-v1:0',
    }),
  ];
  return slackView({
    type: 'modal',
    callback_id: NEW_JOB_VIEW,
    private_metadata: privateMetadata,
    title: { type: 'plain_text', text: 'New customization job' },
    submit: { type: 'plain_text', text: 'Start job' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  });
}
