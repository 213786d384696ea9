import type { View } from '@slack/types';
import type { CustomCompareTarget } from '../../jobs/types.js';
import { clip } from '../kit/limits.js';
import { slackView } from '../kit/message.js';
import { escapeMrkdwn } from '../kit/mrkdwn.js';

export const COMPARE_CUSTOM_VIEW = 'finetune_compare_prompt';
export const COMPARE_CUSTOM_PROMPT = 'prompt';

/**
 * Asks for the prompt to run on a custom model and its base; the target and the channel travel in
 * `privateMetadata`, sealed (see FormSeal).
 */
export function compareCustomModal(target: CustomCompareTarget, privateMetadata: string): View {
  return slackView({
    type: 'modal',
    callback_id: COMPARE_CUSTOM_VIEW,
    private_metadata: privateMetadata,
    title: { type: 'plain_text', text: 'Compare with base' },
    submit: { type: 'plain_text', text: 'Compare' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: clip(
            `Runs one prompt on *${escapeMrkdwn(target.customName)}* (through its ${target.deploymentArn ? 'on-demand deployment' : 'provisioned throughput'}) and on its base model \`${target.baseModelId}\`, side by side.`,
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
  });
}
