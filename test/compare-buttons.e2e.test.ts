import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockKitError, type RecordedCall } from '../src/playground/local-slack.js';
import { triggerId } from '../src/playground/slack-requests.js';
import { conversationId } from '../src/store/types.js';
import { buttonValue, visibleText } from './support/blocks.js';
import { type Bench, startBench } from './support/harness.js';

let bench: Bench;
let final: RecordedCall;
const CHANNEL = 'CBUTTONS';

/** A click on a button of the compare message, as Slack sends it. */
function click(actionId: string, userId = 'U0001', responseId = 'click') {
  const blocks = final.args.blocks;
  return bench.sender.action({
    type: 'block_actions',
    user: { id: userId, username: 'ada', team_id: 'T0001' },
    api_app_id: 'A0001',
    token: 'deprecated',
    container: { type: 'message', message_ts: final.args.ts, channel_id: CHANNEL, is_ephemeral: false },
    trigger_id: triggerId(),
    team: { id: 'T0001', domain: 'example' },
    channel: { id: CHANNEL, name: 'general' },
    message: { type: 'message', ts: final.args.ts, text: final.args.text, blocks },
    response_url: bench.slack.responseUrl(responseId),
    actions: [
      {
        action_id: actionId,
        block_id: 'b',
        type: 'button',
        value: buttonValue(blocks, actionId),
        action_ts: '1.2',
        text: { type: 'plain_text', text: 'x' },
      },
    ],
  });
}

beforeAll(async () => {
  bench = await startBench();
  bench.bedrock.script('amazon.nova-micro-v1:0', {
    answer: `Nova says:\n\n${'A long paragraph about S3 buckets. '.repeat(150)}`,
  });
  bench.bedrock.script('amazon.nova-lite-v1:0', { answer: 'Lite says: S3.' });
  await bench.sender.command('/compare', 'nova-micro nova-lite Tell me about S3', { channelId: CHANNEL });
  final = await bench.slack.waitFor(() =>
    bench.slack
      .callsOf('chat.update')
      .find((call) => call.args.channel === CHANNEL && visibleText(call.args.blocks).includes('Summary')),
  );
});
afterAll(() => bench.stop());

describe('the compare message’s buttons', () => {
  it('“Show full answer” opens a modal with the whole answer', async () => {
    expect((await click('compare_show_full_0')).status).toBe(200);
    const opened = await bench.slack.waitFor(() => bench.slack.callsOf('views.open')[0]);
    expect(opened.response?.ok).toBe(true);
    const view = opened.args.view as { blocks: { text?: { text: string } }[] };
    expect(blockKitError({ blocks: view.blocks }, 'modal')).toBeUndefined();
    const shown = view.blocks
      .map((block) => block.text?.text ?? '')
      .join(' ')
      .replace(/\s+/g, ' ');
    expect(shown.match(/A long paragraph about S3 buckets\./g)?.length).toBe(150);
  });

  it('“Best answer” counts one vote per person and shows the tally', async () => {
    await click('compare_vote_1', 'UVOTER1');
    await click('compare_vote_1', 'UVOTER2');
    await click('compare_vote_1', 'UVOTER1', 'again');
    const refused = await bench.slack.waitFor(() =>
      bench.slack.responses.find((response) => response.path.endsWith('/again')),
    );
    expect(String(refused.body.text)).toContain('already voted');
    expect(refused.body.replace_original).toBe(false);
    const tallied = await bench.slack.waitFor(() =>
      bench.slack
        .callsOf('chat.update')
        .find((call) => visibleText(call.args.blocks).includes('Best answer (2)')),
    );
    expect(tallied.response?.ok).toBe(true);
    expect(await bench.app.store.readCounters('leaderboard:T0001:wins')).toEqual({
      'amazon.nova-lite-v1:0': 2,
    });
  });

  it('“Continue with” seeds the thread’s conversation with the prompt and that answer', async () => {
    await click('compare_continue_1');
    const reply = await bench.slack.waitFor(() =>
      bench.slack.callsOf('chat.postMessage').find((call) => call.args.thread_ts === final.args.ts),
    );
    expect(String(reply.args.text)).toContain('continuing with *Nova Lite*');
    const conversation = await bench.app.store.getConversation(
      conversationId('T0001', CHANNEL, String(final.args.ts)),
    );
    expect(conversation?.modelId).toBe('amazon.nova-lite-v1:0');
    expect(conversation?.turns).toEqual([
      { role: 'user', text: 'Tell me about S3' },
      { role: 'assistant', text: 'Lite says: S3.' },
    ]);

    // Mentioning the bot in that thread carries on with Nova Lite, from the compare's prompt and answer.
    const mentionTs = '1800000999.000100';
    await bench.sender.event({
      type: 'app_mention',
      user: 'U0001',
      text: '<@UBOT> And Glacier?',
      ts: mentionTs,
      thread_ts: final.args.ts,
      channel: CHANNEL,
    });
    await bench.slack.waitFor(() =>
      bench.bedrock
        .callsFor('amazon.nova-lite-v1:0')
        .find((call) => JSON.stringify(call.body).includes('Glacier')),
    );
    expect(
      bench.bedrock
        .callsFor('amazon.nova-lite-v1:0')
        .at(-1)
        ?.body.messages.map((message) => message.content[0]?.text),
    ).toEqual(['Tell me about S3', 'Lite says: S3.', 'And Glacier?']);
  });

  it('“Run again” posts a new compare with the same prompt and models', async () => {
    const before = bench.slack
      .callsOf('chat.postMessage')
      .filter((call) => call.args.channel === CHANNEL && !call.args.thread_ts).length;
    const liteCalls = bench.bedrock.callsFor('amazon.nova-lite-v1:0').length;
    await click('compare_run_again');
    await bench.slack.waitFor(
      () =>
        bench.slack
          .callsOf('chat.postMessage')
          .filter((call) => call.args.channel === CHANNEL && !call.args.thread_ts).length > before,
    );
    await bench.slack.waitFor(() => bench.bedrock.callsFor('amazon.nova-lite-v1:0').length === liteCalls + 1);
    expect(bench.bedrock.callsFor('amazon.nova-lite-v1:0').at(-1)?.body.messages[0]?.content[0]).toEqual({
      text: 'Tell me about S3',
    });
  });
});
