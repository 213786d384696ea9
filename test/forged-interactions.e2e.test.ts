import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Leaderboard } from '../src/compare/leaderboard.js';
import type { RecordedCall } from '../src/playground/local-slack.js';
import { buttonValue } from './support/blocks.js';
import { type Bench, startBench } from './support/harness.js';

/**
 * Interactions are taken at Slack's word only where Slack vouches for them (who clicked, in which
 * channel and workspace); anything a button or a form carries is checked against that, and what
 * does not fit is refused with a note to the person, changing nothing.
 */

let bench: Bench;
let counter = 0;
const unique = (prefix: string) => `${prefix}${++counter}`;

const NOVA_MICRO = 'amazon.nova-micro-v1:0';
const NOVA_LITE = 'amazon.nova-lite-v1:0';
const SONNET = 'anthropic.claude-3-5-sonnet-20240620-v1:0';

beforeAll(async () => {
  bench = await startBench({ env: { RATE_LIMIT_USER_PER_MINUTE: '1000' } });
  bench.bedrock.script(NOVA_MICRO, { answer: 'Micro answers.' });
  bench.bedrock.script(NOVA_LITE, { answer: 'Lite answers.' });
  bench.bedrock.script(SONNET, { answer: 'Sonnet answers, at Sonnet prices.' });
});
afterAll(() => bench.stop());

const finalIn = (channel: string, marker: string) => bench.slack.updateShowing(channel, marker);

const responseAt = (responseId: string) => bench.slack.responseTo(responseId);

const postsIn = (channel: string) =>
  bench.slack.calls.filter((call) => call.method.startsWith('chat.') && call.args.channel === channel);

const wins = async (teamId: string) =>
  (await new Leaderboard(bench.app.store).standings(teamId)).reduce(
    (sum, standing) => sum + standing.wins,
    0,
  );

/** A click on `actionId` of `message`, as Slack sends it, carrying `value`. */
async function click(
  message: RecordedCall,
  actionId: string,
  value: string,
  who: { userId: string; teamId: string },
): Promise<string> {
  const responseId = unique('click');
  await bench.sender.blockAction({
    actionId,
    value,
    userId: who.userId,
    teamId: who.teamId,
    channelId: String(message.args.channel),
    messageTs: String(message.args.ts),
    responseId,
  });
  return responseId;
}

describe('votes', () => {
  it('a plain vote on a blind compare, or someone else’s verdict, counts for nothing on the leaderboard', async () => {
    const team = unique('TBLIND');
    const channel = unique('CBLIND');
    await bench.sender.command('/compare', `--blind nova-micro nova-lite Which is better?`, {
      channelId: channel,
      userId: 'UOWNER',
      teamId: team,
    });
    const final = await finalIn(channel, 'pick the best answer');
    const run = (JSON.parse(buttonValue(final.args.blocks, 'compare_blind_pick_0')) as { run: string }).run;

    // The blind message shows no vote button; a vote sent anyway, as if it did:
    const vote = await click(final, 'compare_vote_0', JSON.stringify({ run, model: 0 }), {
      userId: 'UOTHER',
      teamId: team,
    });
    expect(String((await responseAt(vote)).body.text)).toContain('A blind compare has no votes');
    const verdict = await click(final, 'compare_blind_pick_0', JSON.stringify({ run, model: 0 }), {
      userId: 'UOTHER',
      teamId: team,
    });
    expect(String((await responseAt(verdict)).body.text)).toContain('Only <@UOWNER>');

    expect(await wins(team)).toBe(0);
    // Nothing changed the compare message either: it still hides the models.
    expect(
      bench.slack
        .callsOf('chat.update')
        .filter((call) => call.args.channel === channel && call.at > final.at),
    ).toEqual([]);
  });

  it('a vote from another workspace on a run counts for nothing', async () => {
    const channel = unique('CVOTE');
    await bench.sender.command('/compare', 'nova-micro nova-lite Hello', {
      channelId: channel,
      teamId: 'THOME',
    });
    const final = await finalIn(channel, 'Summary');
    const value = buttonValue(final.args.blocks, 'compare_vote_1');
    const vote = await click(final, 'compare_vote_1', value, { userId: 'UFAR', teamId: 'TFAR' });
    expect(String((await responseAt(vote)).body.text)).toContain('too old to act on');
    expect(await wins('THOME')).toBe(0);
    expect(await wins('TFAR')).toBe(0);
  });
});

/** The /compare form's fields, filled in. */
const compareValues = (prompt: string) => ({
  models: {
    value: { type: 'multi_static_select', selected_options: [{ value: NOVA_MICRO }, { value: NOVA_LITE }] },
  },
  prompt: { value: { type: 'plain_text_input', value: prompt } },
  image: { value: { type: 'file_input', files: [] } },
  system: { value: { type: 'plain_text_input', value: null } },
  max_tokens: { value: { type: 'plain_text_input', value: null } },
  temperature: { value: { type: 'plain_text_input', value: null } },
  save: { value: { type: 'checkboxes', selected_options: [] } },
});

/** Opens a form the way a person does; returns the private_metadata the app gave it. */
async function openedMetadata(open: () => Promise<unknown>, callbackId: string): Promise<string> {
  const before = bench.slack.callsOf('views.open').length;
  await open();
  const opened = await bench.slack.waitFor(() =>
    bench.slack
      .callsOf('views.open')
      .slice(before)
      .find((call) => (call.args.view as { callback_id?: string }).callback_id === callbackId),
  );
  return (opened.args.view as { private_metadata: string }).private_metadata;
}

const REFUSED_FORM = 'This form can’t be used from here';

describe('forms', () => {
  it('a /compare form whose metadata names another channel posts nothing there and says why, inline', async () => {
    const calls = bench.bedrock.calls.length;
    const forged = await bench.sender.viewSubmission({
      callbackId: 'compare_modal',
      privateMetadata: 'CVICTIM',
      values: compareValues('Posted where I was never asked'),
    });
    expect(JSON.parse(forged.body)).toEqual({
      response_action: 'errors',
      errors: { prompt: expect.stringContaining(REFUSED_FORM) },
    });

    // The app's own metadata, from a form opened in CHOME, with the channel changed:
    const sealed = await openedMetadata(
      () => bench.sender.command('/compare', '', { channelId: 'CHOME', userId: 'U0001' }),
      'compare_modal',
    );
    const [body = '', mac] = sealed.split('.');
    const origin = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as {
      origin: { channelId: string };
    };
    origin.origin.channelId = 'CVICTIM';
    const tampered = `${Buffer.from(JSON.stringify(origin)).toString('base64url')}.${mac}`;
    const changed = await bench.sender.viewSubmission({
      callbackId: 'compare_modal',
      privateMetadata: tampered,
      values: compareValues('Posted where I was never asked'),
    });
    expect(JSON.parse(changed.body).errors.prompt).toContain(REFUSED_FORM);

    // The genuine metadata, submitted by someone other than the person who opened the form:
    const someoneElse = await bench.sender.viewSubmission({
      callbackId: 'compare_modal',
      privateMetadata: sealed,
      userId: 'UMALLORY',
      values: compareValues('Posted as someone else'),
    });
    expect(JSON.parse(someoneElse.body).errors.prompt).toContain(REFUSED_FORM);

    // Refused within the ack, before any work starts:
    expect(postsIn('CVICTIM')).toEqual([]);
    expect(postsIn('CHOME')).toEqual([]);
    expect(bench.bedrock.calls.length).toBe(calls);
  });

  it('a custom-model compare naming a foundation model as its throughput does not run it', async () => {
    const target = { throughputArn: SONNET, baseModelId: NOVA_MICRO, customName: 'my-tuned-model' };
    // A form whose metadata was written by hand:
    const forged = await bench.sender.viewSubmission({
      callbackId: 'finetune_compare_prompt',
      privateMetadata: JSON.stringify({ channelId: 'CVICTIM', target }),
      values: { prompt: { value: { type: 'plain_text_input', value: 'Hello' } } },
    });
    expect(JSON.parse(forged.body).errors.prompt).toContain(REFUSED_FORM);

    // A "Compare with base model" click carrying that target, then the form it opens:
    const channel = unique('CCUSTOM');
    const sealed = await openedMetadata(
      () =>
        bench.sender.blockAction({
          actionId: 'finetune_compare',
          value: JSON.stringify(target),
          channelId: channel,
        }),
      'finetune_compare_prompt',
    );
    const submitted = await bench.sender.viewSubmission({
      callbackId: 'finetune_compare_prompt',
      privateMetadata: sealed,
      values: { prompt: { value: { type: 'plain_text_input', value: 'Hello' } } },
    });
    expect(submitted.body).toBe('');
    const refusal = await bench.slack.waitFor(() =>
      bench.slack.callsOf('chat.postEphemeral').find((call) => call.args.channel === channel),
    );
    expect(String(refusal.args.text)).toContain('is not a provisioned throughput of this account');
    // Refused before any model is called:
    expect(bench.bedrock.calls.filter((call) => call.invokedId === SONNET)).toEqual([]);
    expect(postsIn('CVICTIM')).toEqual([]);
    expect(bench.slack.callsOf('chat.postMessage').filter((call) => call.args.channel === channel)).toEqual(
      [],
    );
  });
});
