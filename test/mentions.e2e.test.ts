import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visibleText } from './support/blocks.js';
import { type Bench, startBench } from './support/harness.js';

/**
 * Text from people and models never notifies anyone: whatever mentions a prompt, a model's answer or
 * a file name carries, the only notifications a whole compare or chat turn causes are the app's own
 * (the requester of a compare).
 */

let bench: Bench;
let counter = 0;
const unique = (prefix: string) => `${prefix}${++counter}`;

const NOVA_MICRO = 'amazon.nova-micro-v1:0';
const NOVA_LITE = 'amazon.nova-lite-v1:0';
const REQUESTER = 'UREQ';

/** Every kind of mention Slack notifies for, as a person or a model might write them. */
const HOSTILE =
  'Hey <!channel> <!here> <!everyone>, ask <@UVICTIM> or <@WVICTIM|victim> and <!subteam^SADMINS|@admins> about it.';

/** The notifications the app's messages in `channel` would have caused. */
const pingsIn = (channel: string) =>
  bench.slack.pings.filter((ping) => ping.channel === channel).map((ping) => ping.mention);

/** Streaming: the answer arrives in several frames, so several updates go out before the final one. */
const streamed = { answer: `${HOSTILE} ${'More words follow here. '.repeat(8)}`, tokensPerSecond: 60 };

beforeAll(async () => {
  bench = await startBench({
    // Nova Micro cannot see images, so an attached image's file name is echoed in a note.
    env: { CHAT_DEFAULT_MODEL: 'nova-micro', RATE_LIMIT_USER_PER_MINUTE: '1000' },
  });
  bench.bedrock.script(NOVA_MICRO, streamed);
  bench.bedrock.script(NOVA_LITE, streamed);
});
afterAll(() => bench.stop());

const compareDone = (channel: string) =>
  bench.slack.waitFor(() =>
    bench.slack
      .callsOf('chat.update')
      .find((call) => call.args.channel === channel && visibleText(call.args.blocks).includes('Summary')),
  );

describe('mentions from people and models', () => {
  it('a /compare form whose prompt and answers mention everyone pings only the requester, streaming and final', async () => {
    const channel = unique('CMENTIONFORM');
    await bench.sender.command('/compare', '', { channelId: channel, userId: REQUESTER });
    const opened = await bench.slack.waitFor(() => bench.slack.callsOf('views.open')[0]);
    const submitted = await bench.sender.viewSubmission({
      callbackId: 'compare_modal',
      privateMetadata: (opened.args.view as { private_metadata: string }).private_metadata,
      userId: REQUESTER,
      values: {
        models: {
          value: {
            type: 'multi_static_select',
            selected_options: [{ value: NOVA_MICRO }, { value: NOVA_LITE }],
          },
        },
        prompt: { value: { type: 'plain_text_input', value: `${HOSTILE} What is S3?` } },
        image: { value: { type: 'file_input', files: [] } },
        system: { value: { type: 'plain_text_input', value: null } },
        max_tokens: { value: { type: 'plain_text_input', value: null } },
        temperature: { value: { type: 'plain_text_input', value: null } },
        save: { value: { type: 'checkboxes', selected_options: [] } },
      },
    });
    expect(submitted.body).toBe('');
    const final = await compareDone(channel);

    const streamingUpdates = bench.slack
      .callsOf('chat.update')
      .filter((call) => call.args.channel === channel && visibleText(call.args.blocks).includes('▌'));
    expect(streamingUpdates.length).toBeGreaterThan(0);
    expect(new Set(pingsIn(channel))).toEqual(new Set([`<@${REQUESTER}>`]));
    // What was written still shows, as plain words.
    expect(String(final.args.text)).toContain('Hey @channel @here @everyone, ask @UVICTIM or @victim');
    expect(visibleText(final.args.blocks)).toContain('@admins');
  });

  it('a /compare command whose prompt and answers mention people pings only the requester', async () => {
    const channel = unique('CMENTIONCMD');
    await bench.sender.command('/compare', `nova-micro nova-lite ${HOSTILE}`, {
      channelId: channel,
      userId: REQUESTER,
    });
    await compareDone(channel);
    expect(new Set(pingsIn(channel))).toEqual(new Set([`<@${REQUESTER}>`]));
  });

  it('a chat turn whose message, image name and answer mention everyone pings no one, streaming and final', async () => {
    const channel = unique('CMENTIONCHAT');
    const ts = '1700000100.000100';
    const image = bench.slack.addFile('<!channel>.png', 'image/png', Buffer.from('89504e470d0a1a0a', 'hex'));
    const text = `<@UBOT> ${HOSTILE} What is S3?`;
    bench.slack.seedMessage(channel, { ts, user: 'UADA', text });
    await bench.sender.event({
      type: 'app_mention',
      user: 'UADA',
      text,
      ts,
      channel,
      event_ts: ts,
      files: [image],
    });
    const answer = await bench.slack.waitFor(() =>
      bench.slack.calls.find(
        (call) =>
          call.args.channel === channel &&
          (call.args.metadata as { event_type?: string } | undefined)?.event_type === 'bedrock_slack_answer',
      ),
    );
    const streamingUpdates = bench.slack
      .callsOf('chat.update')
      .filter((call) => call.args.channel === channel && visibleText(call.args.blocks).includes('▌'));
    expect(streamingUpdates.length).toBeGreaterThan(0);
    expect(pingsIn(channel)).toEqual([]);
    expect(visibleText(answer.args.blocks)).toContain('did not see @channel.png');
    expect(String(answer.args.text)).toContain('Hey @channel @here @everyone');
  });
});
