import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { triggerId } from '../src/playground/slack-requests.js';
import { type Bench, startBench } from './support/harness.js';

let bench: Bench;
beforeAll(async () => {
  bench = await startBench();
});
afterAll(() => bench.stop());

const team = { id: 'T0001', domain: 'example' };
const user = { id: 'U0001', username: 'ada', team_id: 'T0001' };
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

/** A signed JSON body, as the Events API posts one. */
const postEvent = (body: string) => bench.sender.post(body, 'application/json');
/** A signed interactivity payload (form-encoded `payload=`), as Slack posts one. */
const postPayload = (payload: Record<string, unknown>) => bench.sender.action(payload);

/** Sends requests and returns what they answered, checking that none reached Slack or Bedrock. */
async function sendWithoutEffect(send: () => Promise<{ status: number; body: string }>) {
  const slackBefore = bench.slack.calls.length;
  const responsesBefore = bench.slack.responses.length;
  const bedrockBefore = bench.bedrock.calls.length;
  const logsBefore = bench.logs.lines.length;
  const answer = await send();
  await settle();
  expect(bench.slack.calls.length).toBe(slackBefore);
  expect(bench.slack.responses.length).toBe(responsesBefore);
  expect(bench.bedrock.calls.length).toBe(bedrockBefore);
  return { ...answer, logged: bench.logs.lines.slice(logsBefore) };
}

describe('a signed request Bolt cannot use', () => {
  it.each([
    ['the body `null`', () => postEvent('null')],
    ['the body `[]`', () => postEvent('[]')],
    [
      'an event_callback whose event is null',
      () =>
        postEvent(JSON.stringify({ type: 'event_callback', team_id: 'T0001', event: null, event_id: 'Ev1' })),
    ],
    [
      'a view_submission without a view',
      () =>
        postPayload({ type: 'view_submission', team, user, api_app_id: 'A0001', trigger_id: triggerId() }),
    ],
  ])('%s is refused with 400 at once, logged, and changes nothing', async (_kind, send) => {
    const answer = await sendWithoutEffect(send);
    expect(answer.status).toBe(400);
    expect(answer.logged.some((line) => line.includes('refused a Slack request'))).toBe(true);
  });
});

describe('a signed request no listener handles', () => {
  const unknownView = {
    id: 'V0009',
    team_id: 'T0001',
    type: 'modal',
    callback_id: 'no_such_view',
    private_metadata: '',
    state: { values: {} },
    hash: '1.abc',
    blocks: [],
  };
  it.each([
    ['an empty event body', () => postEvent('{}')],
    [
      'an event_callback without an event',
      () => postEvent(JSON.stringify({ type: 'event_callback', team_id: 'T0001', event_id: 'Ev2' })),
    ],
    [
      'block_actions without actions',
      () => postPayload({ type: 'block_actions', team, user, api_app_id: 'A0001', trigger_id: triggerId() }),
    ],
    [
      'a click on an unknown action_id',
      () =>
        bench.sender.blockAction({
          actionId: 'no_such_action',
          value: 'x',
          channelId: 'C0001',
          responseId: 'u1',
        }),
    ],
    [
      'a view_submission with an unknown callback_id',
      () =>
        postPayload({
          type: 'view_submission',
          team,
          user,
          api_app_id: 'A0001',
          trigger_id: triggerId(),
          view: unknownView,
        }),
    ],
    [
      'a view_closed',
      () =>
        postPayload({
          type: 'view_closed',
          team,
          user,
          api_app_id: 'A0001',
          view: unknownView,
          is_cleared: false,
        }),
    ],
    [
      'a global shortcut',
      () =>
        postPayload({
          type: 'shortcut',
          token: 'deprecated',
          action_ts: '1.1',
          team,
          user,
          is_enterprise_install: false,
          callback_id: 'no_such_shortcut',
          trigger_id: triggerId(),
        }),
    ],
    [
      'a message shortcut',
      () =>
        postPayload({
          type: 'message_action',
          token: 'deprecated',
          action_ts: '1.1',
          team,
          user,
          channel: { id: 'C0001', name: 'general' },
          is_enterprise_install: false,
          callback_id: 'no_such_message_shortcut',
          trigger_id: triggerId(),
          response_url: bench.slack.responseUrl('ms'),
          message_ts: '1.0',
          message: { type: 'message', user: 'U0002', ts: '1.0', text: 'hello' },
        }),
    ],
    [
      'a block_suggestion',
      () =>
        postPayload({
          type: 'block_suggestion',
          user,
          container: { type: 'view', view_id: 'V0009' },
          api_app_id: 'A0001',
          token: 'deprecated',
          action_id: 'no_such_select',
          block_id: 'b',
          value: 'nov',
          team,
          view: unknownView,
        }),
    ],
  ])('%s is acknowledged with 200 at once and ignored', async (_kind, send) => {
    const answer = await sendWithoutEffect(send);
    expect(answer.status).toBe(200);
  });

  it('app_rate_limited is acknowledged and logged as a warning naming the team and minute', async () => {
    const answer = await sendWithoutEffect(() =>
      postEvent(
        JSON.stringify({
          token: 'deprecated',
          type: 'app_rate_limited',
          team_id: 'T0001',
          minute_rate_limited: 1_518_467_820,
          api_app_id: 'A0001',
        }),
      ),
    );
    expect(answer.status).toBe(200);
    const warning = answer.logged.find((line) => line.includes('rate-limiting'));
    expect(warning).toContain('"level":40');
    expect(warning).toContain('T0001');
    expect(warning).toContain('2018-02-12T20:37:00.000Z');
  });
});

describe('signature timestamps and replays', () => {
  it('refuses a request signed with a timestamp an hour in the future, and runs nothing', async () => {
    const answer = await sendWithoutEffect(() =>
      bench.sender.command(
        '/compare',
        'help',
        { responseId: 'future' },
        { timestamp: Math.floor(Date.now() / 1000) + 3600 },
      ),
    );
    expect(answer.status).toBe(401);
  });

  it('runs an identical signed slash command replayed a moment later once', async () => {
    const body = bench.sender.commandBody('/compare', 'help', { responseId: 'replayed' });
    const timestamp = Math.floor(Date.now() / 1000);
    const first = await bench.sender.post(body, 'application/x-www-form-urlencoded', { timestamp });
    const replay = await bench.sender.post(body, 'application/x-www-form-urlencoded', { timestamp });
    expect([first.status, replay.status]).toEqual([200, 200]);
    await bench.slack.waitFor(() => bench.slack.responses.some((r) => r.path.endsWith('/replayed')));
    await settle();
    expect(bench.slack.responses.filter((r) => r.path.endsWith('/replayed'))).toHaveLength(1);
    expect(bench.logs.lines.some((line) => line.includes('dropped a replay'))).toBe(true);
  });

  it('still runs the same command sent again as a new request (a fresh trigger_id)', async () => {
    for (let round = 0; round < 2; round++)
      expect((await bench.sender.command('/compare', 'help', { responseId: 'again' })).status).toBe(200);
    await bench.slack.waitFor(
      () => bench.slack.responses.filter((r) => r.path.endsWith('/again')).length === 2,
    );
  });
});
