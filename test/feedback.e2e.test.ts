import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../src/playground/local-slack.js';
import { feedbackButtons, visibleText } from './support/blocks.js';
import { type Bench, startBench } from './support/harness.js';

let bench: Bench;
let compareFinal: RecordedCall;
const CHANNEL = 'CFEEDBACK';
let clicks = 0;

/** A thumb on `value`'s button; resolves to what the clicker alone was told. */
async function thumb(actionId: string, value: string, userId: string): Promise<string> {
  const responseId = `thumb-${++clicks}`;
  const answer = await bench.sender.feedbackClick({
    actionId,
    value,
    channelId: CHANNEL,
    userId,
    responseId,
  });
  expect(answer.status).toBe(200);
  const told = await bench.slack.responseTo(responseId, 'ephemeral');
  expect(told.body.replace_original).toBe(false);
  return visibleText(told.body.blocks);
}

async function leaderboard(): Promise<string> {
  const responseId = `board-${++clicks}`;
  await bench.sender.command('/compare', 'leaderboard', { channelId: CHANNEL, responseId });
  return visibleText((await bench.slack.responseTo(responseId)).body.blocks);
}

beforeAll(async () => {
  bench = await startBench({ env: { RATE_LIMIT_USER_PER_MINUTE: '1000' } });
  bench.bedrock.script('amazon.nova-micro-v1:0', { answer: 'Micro says: S3.' });
  bench.bedrock.script('amazon.nova-lite-v1:0', { answer: 'Lite says: S3.' });
  await bench.sender.command('/compare', 'nova-micro nova-lite Tell me about S3', { channelId: CHANNEL });
  compareFinal = await bench.slack.updateShowing(CHANNEL, 'Summary');
});
afterAll(() => bench.stop());

describe('feedback buttons on answers', () => {
  it('puts Slack’s feedback buttons under each finished model of a compare, in a message Slack takes', () => {
    expect(compareFinal.response?.ok).toBe(true);
    const buttons = feedbackButtons(compareFinal.args.blocks);
    expect(buttons.map((button) => button.actionId)).toEqual(['answer_feedback_0', 'answer_feedback_1']);
  });

  it('counts a thumb once per person per answer, per model, and thanks every click', async () => {
    const [micro] = feedbackButtons(compareFinal.args.blocks);
    expect(await thumb(micro!.actionId, micro!.up, 'UFIRST')).toContain('Thanks for the feedback');
    expect(await thumb(micro!.actionId, micro!.down, 'UFIRST')).toContain('already gave feedback');
    expect(await thumb(micro!.actionId, micro!.down, 'USECOND')).toContain('Thanks for the feedback');
    const board = await leaderboard();
    expect(board).toMatch(/Nova Micro\*[^\n]*feedback 👍 1 👎 1/);
    expect(board).toContain('Feedback (👍 👎) is a separate signal');
    // Thumbs are not votes: no model won anything.
    expect(board).not.toMatch(/\b1 win\b/);
  });

  it('thanks and ignores a thumb on an answer the app no longer keeps', async () => {
    const gone = JSON.stringify({ run: 'no-such-run', model: 0, thumb: 'up' });
    expect(await thumb('answer_feedback_0', gone, 'UTHIRD')).toContain('too old');
    expect(await thumb('answer_feedback', '{not json', 'UTHIRD')).toContain('too old');
    expect(await leaderboard()).toMatch(/feedback 👍 1 👎 1/);
  });

  it('puts them under a thread answer too, and counts them for the thread’s model', async () => {
    const ts = '1800000001.000100';
    const text = '<@UBOT> What is S3?';
    bench.slack.seedMessage(CHANNEL, { ts, user: 'UADA', text });
    await bench.sender.event({ type: 'app_mention', user: 'UADA', text, ts, channel: CHANNEL, event_ts: ts });
    const answer = await bench.slack.waitFor(() =>
      bench.slack.calls.find(
        (call) =>
          call.args.channel === CHANNEL &&
          (call.args.metadata as { event_type?: string } | undefined)?.event_type === 'bedrock_slack_answer',
      ),
    );
    expect(answer.response?.ok).toBe(true);
    const [buttons] = feedbackButtons(answer.args.blocks);
    expect(buttons?.actionId).toBe('answer_feedback');
    expect(await thumb(buttons!.actionId, buttons!.up, 'UADA')).toContain('Thanks for the feedback');
    expect(await leaderboard()).toMatch(/Claude 3\.5 Haiku\*[^\n]*0 runs · feedback 👍 1 👎 0/);
  });
});
