import type { View } from '@slack/types';
import type { CustomCompareTarget } from '../jobs-flow.js';
import { clip } from './limits.js';

export const COMPARE_CUSTOM_VIEW = 'finetune_compare_prompt';
export const COMPARE_CUSTOM_PROMPT = 'prompt';

/** Asks for the prompt to run on a custom model and its base; the rest travels in private_metadata. */
export function compareCustomModal(target: CustomCompareTarget, channelId: string): View {
  return {
    type: 'modal',
    callback_id: COMPARE_CUSTOM_VIEW,
    private_metadata: JSON.stringify({ target, channelId }),
    title: { type: 'plain_text', text: 'Compare with base' },
    submit: { type: 'plain_text', text: 'Compare' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: clip(
            `Runs one prompt on *${target.customName}* (through its provisioned throughput) and on its base model \`${target.baseModelId}\`, side by side.`,
            3000,
          ),
        },
      },
      {
        type: 'input',
        block_id: COMPARE_CUSTOM_PROMPT,
        label: { type: 'plain_text', text: 'Prompt' },
        element: { type: 'plain_text_input', action_id: 'value', multiline: true },
      },
    ],
  };
}
