import type { View } from '@slack/types';
import { clip } from '../kit/limits.js';
import { slackView } from '../kit/message.js';

export const EVALUATE_VIEW = 'evaluate_form';
export const EVALUATE_FIELDS = { set: 'evaluate_set', words: 'evaluate_words' } as const;

/** The /evaluate form: the prompt set as a file, the models and options as `evaluate` takes them. */
export function evaluateModal(privateMetadata: string, words: string): View {
  return slackView({
    type: 'modal',
    callback_id: EVALUATE_VIEW,
    title: { type: 'plain_text', text: 'Evaluate models' },
    submit: { type: 'plain_text', text: 'Estimate' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: privateMetadata,
    blocks: [
      {
        type: 'input',
        block_id: EVALUATE_FIELDS.set,
        label: { type: 'plain_text', text: 'Prompt set' },
        hint: {
          type: 'plain_text',
          text: 'A .csv with a prompt column (and expected, system, tags, checks), or a .jsonl with one {"prompt": "…"} a line.',
        },
        element: { type: 'file_input', action_id: 'value', filetypes: ['csv', 'jsonl'], max_files: 1 },
      },
      {
        type: 'input',
        block_id: EVALUATE_FIELDS.words,
        label: { type: 'plain_text', text: 'Models and options' },
        hint: {
          type: 'plain_text',
          text: 'Up to 6 models, then --judge <model>, --pairwise, --rubric "…", --check "…", --max-tokens <n>. model@priority picks a tier; flex is the default where offered.',
        },
        element: {
          type: 'plain_text_input',
          action_id: 'value',
          ...(words ? { initial_value: clip(words, 3000) } : {}),
          placeholder: { type: 'plain_text', text: 'nova-micro claude-3.5-haiku --judge claude-3.5-sonnet' },
        },
      },
    ],
  });
}
