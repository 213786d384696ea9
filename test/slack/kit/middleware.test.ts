import { App, type Receiver, type ReceiverEvent } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { acknowledgeUnhandled } from '../../../src/slack/kit/middleware.js';
import { LogCapture } from '../../support/harness.js';

/** Slack's side of Bolt: hands it requests and keeps every ack each one got, as the receivers do. */
class Deliveries implements Receiver {
  private app?: App;
  init(app: App): void {
    this.app = app;
  }
  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  /** Delivers `body` and answers the acks it got, in order. */
  async deliver(body: Record<string, unknown>): Promise<unknown[]> {
    const acks: unknown[] = [];
    const event: ReceiverEvent = {
      body,
      ack: async (response?: unknown) => {
        acks.push(response ?? '');
      },
    };
    await this.app?.processEvent(event);
    return acks;
  }
}

function appWith(register: (app: App) => void) {
  const receiver = new Deliveries();
  const logs = new LogCapture();
  const logger = createLogger('debug', logs);
  const app = new App({
    token: 'xoxb-test',
    botId: 'B1',
    botUserId: 'UBOT',
    tokenVerificationEnabled: false,
    convoStore: false,
    receiver,
  });
  app.error(async () => undefined);
  acknowledgeUnhandled(app, logger);
  register(app);
  return { receiver, logs };
}

const team = { id: 'T1', domain: 'example' };
const user = { id: 'U1', username: 'ada', team_id: 'T1' };
const click = (actionId: string) => ({
  type: 'block_actions',
  team,
  user,
  api_app_id: 'A1',
  trigger_id: '1.2.3',
  container: { type: 'message', channel_id: 'C1', message_ts: '1.1' },
  channel: { id: 'C1', name: 'general' },
  actions: [{ type: 'button', action_id: actionId, block_id: 'b', value: 'v', action_ts: '1.2' }],
});

describe('acknowledging what no listener did', () => {
  it('leaves a request its listener acknowledged with that one ack, its answer untouched', async () => {
    const { receiver, logs } = appWith((app) =>
      app.action('vote', async ({ ack }) => {
        await ack();
      }),
    );
    expect(await receiver.deliver(click('vote'))).toEqual(['']);
    expect(logs.lines.join('\n')).not.toContain('could not acknowledge');
  });

  it('acknowledges once a request no listener handles', async () => {
    const { receiver, logs } = appWith(() => undefined);
    expect(await receiver.deliver(click('no_such_action'))).toEqual(['']);
    expect(logs.lines.join('\n')).toContain('acknowledged a Slack request no listener handled');
  });

  it('acknowledges once a request whose listener failed before it could', async () => {
    const { receiver } = appWith((app) =>
      app.action('vote', async () => {
        throw new Error('the store is down');
      }),
    );
    expect(await receiver.deliver(click('vote'))).toEqual(['']);
  });
});
