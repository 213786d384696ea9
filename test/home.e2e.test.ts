import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobTimeline } from '../src/playground/bedrock-simulator.js';
import { blockKitError, type RecordedCall } from '../src/playground/local-slack.js';
import { triggerId } from '../src/playground/slack-requests.js';
import { feedbackButtons, visibleText } from './support/blocks.js';
import { type Bench, startBench } from './support/harness.js';

let bench: Bench;
const CHANNEL = 'CHOME';
const NOVA_MICRO = 'amazon.nova-micro-v1:0';
const NOVA_LITE = 'amazon.nova-lite-v1:0';
const NOVA_BASE = 'amazon.nova-micro-v1:0:128k';

/** Home opened by `userId` (the Home tab, unless said otherwise), as Slack sends it. */
async function openHome(userId: string, tab: 'home' | 'messages' = 'home') {
  const answer = await bench.sender.event({
    type: 'app_home_opened',
    user: userId,
    channel: `D${userId}`,
    tab,
    event_ts: `${Date.now() / 1000}`,
  });
  expect(answer.status).toBe(200);
}

const publishesTo = (userId: string): RecordedCall[] =>
  bench.slack.callsOf('views.publish').filter((call) => call.args.user_id === userId);

/** The `count`-th publish of `userId`'s Home (1 = first), once it has come; its visible text. */
async function published(userId: string, count: number): Promise<string> {
  const call = await bench.slack.waitFor(() => publishesTo(userId)[count - 1]);
  expect(call.response?.ok).toBe(true);
  const view = call.args.view as Record<string, unknown>;
  expect(blockKitError(view, 'home')).toBeUndefined();
  return visibleText(view.blocks);
}

/** Lets the app act on what it was sent (a publish it should not make has had time to come). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

function click(actionId: string, userId: string) {
  return bench.sender.action({
    type: 'block_actions',
    user: { id: userId, username: 'ada', team_id: 'T0001' },
    api_app_id: 'A0001',
    token: 'deprecated',
    container: { type: 'view', view_id: 'VH1' },
    trigger_id: triggerId(),
    team: { id: 'T0001', domain: 'example' },
    view: { id: 'VH1', type: 'home', team_id: 'T0001' },
    actions: [{ action_id: actionId, block_id: 'b', type: 'button', value: 'x', action_ts: '1.2' }],
  });
}

beforeAll(async () => {
  const folder = mkdtempSync(join(tmpdir(), 'home-prices-'));
  const prices = join(folder, 'prices.json');
  writeFileSync(
    prices,
    JSON.stringify({
      // The base model's no-commitment price of one model unit an hour.
      [NOVA_BASE]: { inputPerMillionUsd: 0.035, outputPerMillionUsd: 0.14, provisionedPerHourUsd: 21.18 },
    }),
  );
  bench = await startBench({
    env: { ADMIN_USERS: 'UADMIN', PRICES_FILE: prices, RATE_LIMIT_USER_PER_MINUTE: '1000' },
  });
  bench.bedrock.script(NOVA_MICRO, { answer: 'Micro says: S3.' });
  bench.bedrock.script(NOVA_LITE, { answer: 'Lite says: S3.' });
  for (const [name, base] of [
    ['tuned-pt', NOVA_BASE],
    ['other-pt', 'anthropic.claude-3-haiku-20240307-v1:0'],
  ])
    bench.bedrock.throughputs.push({
      name: name!,
      modelArn: `arn:aws:bedrock:us-east-1:123456789012:custom-model/${base}/tuned`,
      foundationModelArn: `arn:aws:bedrock:us-east-1::foundation-model/${base}`,
      modelUnits: 2,
      status: 'InService',
    });
  bench.slack.channelMembers.set(CHANNEL, ['UADA', 'UOTHER']);
});
afterAll(() => bench.stop());

describe('App Home', () => {
  it('welcomes someone with no usage instead of showing zeros, with every other section', async () => {
    const jobArn = bench.bedrock.addJob({
      name: 'support-bot-nova',
      baseModelId: NOVA_BASE,
      customModelName: 'support-bot-v1',
      timeline: jobTimeline('Completed'),
    });
    await bench.app.store.addWatch({
      jobArn,
      teamId: 'T0001',
      channelId: 'CJOBS',
      threadTs: '1.0',
      userId: 'UNEW',
    });
    // Someone else's watch is theirs alone.
    await bench.app.store.addWatch({
      jobArn,
      teamId: 'T0001',
      channelId: 'CELSE',
      threadTs: '2.0',
      userId: 'USOMEONE',
    });
    await openHome('UNEW');
    const home = await published('UNEW', 1);
    expect(home).toContain('Welcome!');
    expect(home).not.toMatch(/0 requests|\$0\b/);
    expect(home).toContain('Your daily budget: $5.00');
    expect(home).toMatch(/Compare set: \*Nova Micro\*, \*Claude 3\.5 Haiku\* _\(the workspace’s/);
    expect(home).toContain('No compares yet');
    expect(home).toMatch(/Jobs you watch\*\\n• \*support-bot-nova\* in <#CJOBS>: InProgress"/);
    expect(home).toMatch(/\*tuned-pt\* · [^·]+ · 2 model units · InService · \$42\.36 an hour/);
    expect(home).toMatch(/\*other-pt\*[^\n]*cost per hour unknown/);
    expect(home).not.toContain('Workspace (admins)');
  });

  it('publishes nothing when opened again unchanged, nor for the Messages tab', async () => {
    await openHome('UNEW');
    await openHome('UNEW', 'messages');
    await settle();
    expect(publishesTo('UNEW')).toHaveLength(1);
  });

  it('publishes once per person when many open it at once, and not again when they come back', async () => {
    const people = Array.from({ length: 15 }, (_, index) => `UMANY${index}`);
    await Promise.all(people.map((person) => openHome(person)));
    await bench.slack.waitFor(() => people.every((person) => publishesTo(person).length === 1));
    await Promise.all(people.map((person) => openHome(person)));
    await settle();
    expect(people.map((person) => publishesTo(person).length)).toEqual(people.map(() => 1));
  });

  it('is refreshed with usage per model, budget left and the leaderboard’s feedback after a compare', async () => {
    await openHome('UADA');
    await published('UADA', 1);
    await bench.sender.command('/compare', 'nova-micro nova-lite Tell me about S3', {
      channelId: CHANNEL,
      userId: 'UADA',
    });
    const final = await bench.slack.updateShowing(CHANNEL, 'Summary');
    const home = await published('UADA', 2);
    const cost = String.raw`(?:\$0\.\d+|< \$0\.000001)`;
    expect(home).toMatch(new RegExp(String.raw`\*Today\*: 2 requests · \d+ in / \d+ out tokens · ${cost}`));
    expect(home).toMatch(
      new RegExp(String.raw`• \*Nova Micro\*: 1 request · \d+ in / \d+ out tokens · ${cost}`),
    );
    expect(home).toMatch(/\*This month\*: 2 requests/);
    expect(home).toMatch(/Daily budget: \$0\.\d+ of \$5\.00 used today, \*\$[\d.]+ left\*/);
    expect(home).not.toContain('Welcome!');

    const [micro] = feedbackButtons(final.args.blocks);
    await bench.sender.feedbackClick({
      actionId: micro!.actionId,
      value: micro!.up,
      channelId: CHANNEL,
      userId: 'UADA',
    });
    expect(await published('UADA', 3)).toMatch(/\*Nova Micro\*[^\n]*feedback 👍 1 👎 0/);
  });

  it('shows the workspace’s totals to the people in ADMIN_USERS only', async () => {
    await openHome('UADMIN');
    const home = await published('UADMIN', 1);
    expect(home).toContain('Workspace (admins)');
    expect(home).toMatch(/Workspace \(admins\).*\*Today\*: 2 requests/);
  });

  it('edits the person’s own defaults from a form, refused inline for a model the account cannot invoke', async () => {
    const opened = bench.slack.callsOf('views.open').length;
    expect((await click('home_edit_defaults', 'UADA')).status).toBe(200);
    const form = await bench.slack.waitFor(() => bench.slack.callsOf('views.open')[opened]);
    expect(form.response?.ok).toBe(true);
    const privateMetadata = (form.args.view as { private_metadata: string }).private_metadata;
    const submit = (compare: string[]) =>
      bench.sender.viewSubmission({
        callbackId: 'home_defaults_modal',
        privateMetadata,
        userId: 'UADA',
        values: {
          compare_models: {
            value: { type: 'multi_static_select', selected_options: compare.map((value) => ({ value })) },
          },
          chat_model: { value: { type: 'static_select', selected_option: { value: NOVA_LITE } } },
        },
      });
    const refused = await submit([NOVA_BASE, NOVA_LITE]);
    expect(JSON.parse(refused.body).errors.compare_models).toMatch(/cannot be invoked/);
    expect((await submit([NOVA_LITE, NOVA_MICRO])).body).toBe('');
    const home = await published('UADA', 4);
    expect(home).toMatch(/Compare set: \*Nova Lite\*, \*Nova Micro\*\\n/);
    expect(home).toMatch(/Chat model: \*Nova Lite\*"/);
  });

  it('opens a channel’s settings for its members only, from a channel picker', async () => {
    const opened = bench.slack.callsOf('views.open').length;
    await click('home_channel_settings', 'UADA');
    await bench.slack.waitFor(() => bench.slack.callsOf('views.open')[opened]);
    const pick = (userId: string, channel: string) =>
      bench.sender.action({
        type: 'view_submission',
        team: { id: 'T0001', domain: 'example' },
        user: { id: userId, username: 'ada', team_id: 'T0001' },
        api_app_id: 'A0001',
        token: 'deprecated',
        trigger_id: triggerId(),
        view: {
          id: 'V0002',
          team_id: 'T0001',
          type: 'modal',
          callback_id: 'channel_settings_pick',
          private_metadata: '',
          state: {
            values: { channel: { value: { type: 'conversations_select', selected_conversation: channel } } },
          },
          hash: '1.abc',
          blocks: [],
        },
      });
    const stranger = JSON.parse((await pick('USTRANGER', CHANNEL)).body);
    expect(stranger.errors.channel).toContain('Only members of a channel set its defaults');
    const unseen = JSON.parse((await pick('UADA', 'CPRIVATE')).body);
    expect(unseen.errors.channel).toContain('invite @Bedrock');
    const member = JSON.parse((await pick('UADA', CHANNEL)).body);
    expect(member.response_action).toBe('update');
    expect(member.view.callback_id).toBe('channel_settings_modal');
    expect(blockKitError(member.view, 'modal')).toBeUndefined();
  });

  it('is not remembered as shown when Slack refuses it, so the next open publishes it', async () => {
    bench.slack.homeTabEnabled = false;
    await openHome('UOFF');
    const refused = await bench.slack.waitFor(() => publishesTo('UOFF')[0]);
    expect(refused.response?.error).toBe('not_enabled');
    bench.slack.homeTabEnabled = true;
    await openHome('UOFF');
    expect(await published('UOFF', 2)).toContain('Welcome!');
  });
});
