import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockKitError } from '../src/playground/local-slack.js';
import { visibleText } from './support/blocks.js';
import { type Bench, startBench } from './support/harness.js';

let bench: Bench;
const CHANNEL = 'CSETTINGS';
const NOVA_LITE = 'amazon.nova-lite-v1:0';
const LLAMA = 'meta.llama3-70b-instruct-v1:0';
let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}`;

/** `/compare settings` in `channel`; returns the opened form. */
async function openSettings(channel = CHANNEL, userId = 'UMEMBER') {
  const before = bench.slack.callsOf('views.open').length;
  await bench.sender.command('/compare', 'settings', { channelId: channel, userId, responseId: unique('r') });
  const opened = await bench.slack.waitFor(() => bench.slack.callsOf('views.open')[before]);
  return opened;
}

async function submitSettings(
  fields: { compare: string[]; chat?: string; system?: string },
  privateMetadata: string,
  userId = 'UMEMBER',
) {
  const answer = await bench.sender.viewSubmission({
    callbackId: 'channel_settings_modal',
    privateMetadata,
    userId,
    values: {
      compare_models: {
        value: { type: 'multi_static_select', selected_options: fields.compare.map((value) => ({ value })) },
      },
      chat_model: {
        value: { type: 'static_select', selected_option: fields.chat ? { value: fields.chat } : null },
      },
      system_prompt: { value: { type: 'plain_text_input', value: fields.system ?? null } },
    },
  });
  expect(answer.status).toBe(200);
  return answer.body
    ? (JSON.parse(answer.body) as { response_action?: string; errors?: Record<string, string> })
    : {};
}

const metadataOf = (opened: { args: Record<string, unknown> }) =>
  (opened.args.view as { private_metadata: string }).private_metadata;

beforeAll(async () => {
  bench = await startBench({ env: { RATE_LIMIT_USER_PER_MINUTE: '1000' } });
});
afterAll(() => bench.stop());

describe('a channel’s settings', () => {
  it('opens as a form Slack takes, and refuses a model the account cannot invoke, in the form', async () => {
    const opened = await openSettings();
    expect(opened.response?.ok).toBe(true);
    expect(blockKitError(opened.args.view as Record<string, unknown>, 'modal')).toBeUndefined();

    const refused = await submitSettings(
      { compare: ['amazon.nova-micro-v1:0:128k', NOVA_LITE], chat: 'amazon.titan-embed-text-v2:0' },
      metadataOf(opened),
    );
    expect(refused.response_action).toBe('errors');
    expect(refused.errors?.compare_models).toMatch(/cannot be invoked in this account/);
    expect(refused.errors?.chat_model).toMatch(/does not write text/);
  });

  it('is used by /compare and mentions in the channel, and shown in help; a person’s own defaults win', async () => {
    const opened = await openSettings();
    const saved = await submitSettings(
      { compare: [NOVA_LITE, LLAMA], chat: NOVA_LITE, system: 'Answer like a pirate.' },
      metadataOf(opened),
    );
    expect(saved.response_action).toBeUndefined();
    const confirmed = await bench.slack.waitFor(() =>
      bench.slack
        .callsOf('chat.postEphemeral')
        .find(
          (call) =>
            call.args.user === 'UMEMBER' && visibleText(call.args.blocks).includes('Saved the defaults'),
        ),
    );
    expect(visibleText(confirmed.args.blocks)).toContain('Answer like a pirate.');

    // /compare without models, by someone with no set of their own: the channel's set and system prompt.
    await bench.sender.command('/compare', 'What is S3?', { channelId: CHANNEL, userId: 'UOTHER' });
    const compared = await bench.slack.updateShowing(CHANNEL, 'Summary');
    expect(compared.args.text).toMatch(/Compare \(nova-lite, llama3-70b[^)]*\)/);
    expect(visibleText(compared.args.blocks)).toContain('system: “Answer like a pirate.”');
    const liteCall = bench.bedrock.calls.find((call) => call.modelId === NOVA_LITE);
    expect(liteCall?.body.system?.[0]).toEqual({ text: 'Answer like a pirate.' });

    // A mention starts a conversation with the channel's chat model and system prompt.
    const before = bench.bedrock.calls.length;
    const ts = '1800000100.000100';
    const text = '<@UBOT> Hello';
    bench.slack.seedMessage(CHANNEL, { ts, user: 'UOTHER', text });
    await bench.sender.event({
      type: 'app_mention',
      user: 'UOTHER',
      text,
      ts,
      channel: CHANNEL,
      event_ts: ts,
    });
    const asked = await bench.slack.waitFor(() => bench.bedrock.calls.slice(before)[0]);
    expect(asked.modelId).toBe(NOVA_LITE);
    // (A cache point may follow it, for the models that cache.)
    expect(asked.body.system?.[0]).toEqual({ text: 'Answer like a pirate.' });

    // Help tells everyone here what the channel uses.
    const helpId = unique('help');
    await bench.sender.command('/compare', 'help', { channelId: CHANNEL, responseId: helpId });
    const help = visibleText((await bench.slack.responseTo(helpId)).body.blocks);
    expect(help).toMatch(/This channel’s settings.*Compare set: \*Nova Lite\*, \*Llama 3 70B Instruct\*/);
    expect(help).toMatch(/Chat model: \*Nova Lite\*/);
  });

  it('is not for a direct message, where the person’s own defaults apply', async () => {
    const responseId = unique('dm');
    await bench.sender.command('/compare', 'settings', { channelId: 'D0001', responseId });
    const told = await bench.slack.responseTo(responseId, 'ephemeral');
    expect(visibleText(told.body.blocks)).toContain('Channel settings are made in a channel');
  });

  it('clears when saved empty, so the workspace defaults apply again', async () => {
    const opened = await openSettings();
    expect(await submitSettings({ compare: [] }, metadataOf(opened))).toEqual({});
    const helpId = unique('help');
    await bench.sender.command('/compare', 'help', { channelId: CHANNEL, responseId: helpId });
    expect(visibleText((await bench.slack.responseTo(helpId)).body.blocks)).toContain(
      'None: the workspace defaults apply here',
    );
  });
});
