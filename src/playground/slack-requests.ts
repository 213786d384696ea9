import { createHmac, randomBytes } from 'node:crypto';

/** Slack gives every command and interaction its own trigger_id, so no two signed bodies are alike. */
export const triggerId = () =>
  `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(8).toString('hex')}`;

/**
 * Sends requests to the app's HTTP receiver in the exact form Slack does: form-encoded slash commands
 * with a response_url, Events API envelopes (with X-Slack-Retry-Num on redelivery), interactivity
 * payloads; all signed with `v0:` HMAC-SHA256.
 */
export class SlackSender {
  constructor(
    private readonly appUrl: string,
    private readonly signingSecret: string,
    private readonly responseUrl: (id: string) => string,
  ) {}

  sign(body: string, timestamp: number, secret = this.signingSecret): string {
    return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  }

  async post(
    body: string,
    contentType: string,
    options: {
      timestamp?: number;
      secret?: string;
      signature?: string;
      headers?: Record<string, string>;
      /** Give up on an answer after this long (the app must answer long before). */
      timeoutMs?: number;
    } = {},
  ): Promise<{ status: number; body: string }> {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const response = await fetch(`${this.appUrl}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': options.signature ?? this.sign(body, timestamp, options.secret),
        ...options.headers,
      },
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    return { status: response.status, body: await response.text() };
  }

  /** A slash command's form body, exactly as Slack sends it. */
  commandBody(
    command: string,
    text: string,
    who: { userId?: string; channelId?: string; teamId?: string; responseId?: string } = {},
  ): string {
    return new URLSearchParams({
      token: 'deprecated-verification-token',
      team_id: who.teamId ?? 'T0001',
      team_domain: 'example',
      channel_id: who.channelId ?? 'C0001',
      channel_name: 'general',
      user_id: who.userId ?? 'U0001',
      user_name: 'ada',
      command,
      text,
      api_app_id: 'A0001',
      is_enterprise_install: 'false',
      response_url: this.responseUrl(who.responseId ?? 'r1'),
      trigger_id: triggerId(),
    }).toString();
  }

  command(
    command: string,
    text: string,
    who: { userId?: string; channelId?: string; teamId?: string; responseId?: string } = {},
    options: Parameters<SlackSender['post']>[2] = {},
  ) {
    return this.post(this.commandBody(command, text, who), 'application/x-www-form-urlencoded', options);
  }

  event(
    event: Record<string, unknown>,
    options: { eventId?: string; retryNum?: number; teamId?: string } = {},
  ) {
    const body = JSON.stringify({
      token: 'deprecated-verification-token',
      team_id: options.teamId ?? 'T0001',
      api_app_id: 'A0001',
      event,
      type: 'event_callback',
      event_id: options.eventId ?? `Ev${Math.random().toString(36).slice(2, 12)}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: options.teamId ?? 'T0001', user_id: 'UBOT', is_bot: true }],
    });
    const headers: Record<string, string> =
      options.retryNum === undefined
        ? {}
        : { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': 'http_timeout' };
    // Each delivery is a request of its own, signed afresh: a retry a moment later than the first.
    const timestamp = Math.floor(Date.now() / 1000) + (options.retryNum ?? 0);
    return this.post(body, 'application/json', { headers, timestamp });
  }

  action(payload: Record<string, unknown>, options: Parameters<SlackSender['post']>[2] = {}) {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.post(body, 'application/x-www-form-urlencoded', options);
  }

  /**
   * A click on a button, as Slack sends it (block_actions): on a message (its channel, ts and, unless
   * ephemeral, the message itself) or on a view (a modal or the Home tab).
   */
  blockAction(
    click: {
      actionId: string;
      value: string;
      userId?: string;
      teamId?: string;
      channelId?: string;
      messageTs?: string;
      /** The thread the clicked message is a reply in. */
      threadTs?: string;
      responseId?: string;
      ephemeral?: boolean;
      blockId?: string;
      /** The button's label, as Slack echoes it. */
      text?: string;
      /** The element clicked: a button unless said (feedback_buttons, icon_button…). */
      elementType?: string;
      /** The message clicked, as Slack sends it back (text, blocks). */
      message?: Record<string, unknown>;
      /** The view clicked in, instead of a message. */
      view?: Record<string, unknown> & { id: string };
    },
    options: Parameters<SlackSender['post']>[2] = {},
  ) {
    const teamId = click.teamId ?? 'T0001';
    const channelId = click.channelId ?? '';
    const messageTs = click.messageTs ?? '1.0';
    const where = click.view
      ? { container: { type: 'view', view_id: click.view.id }, view: click.view }
      : {
          container: {
            type: 'message',
            message_ts: messageTs,
            channel_id: channelId,
            is_ephemeral: click.ephemeral ?? false,
            ...(click.threadTs ? { thread_ts: click.threadTs } : {}),
          },
          channel: { id: channelId, name: 'general' },
          // Slack sends no message back for a click on an ephemeral one.
          ...(click.ephemeral
            ? {}
            : {
                message: {
                  type: 'message',
                  ts: messageTs,
                  text: '',
                  ...(click.threadTs ? { thread_ts: click.threadTs } : {}),
                  ...click.message,
                },
              }),
          response_url: this.responseUrl(click.responseId ?? 'click'),
        };
    return this.action(
      {
        type: 'block_actions',
        user: { id: click.userId ?? 'U0001', username: 'ada', team_id: teamId },
        api_app_id: 'A0001',
        token: 'deprecated',
        trigger_id: triggerId(),
        team: { id: teamId, domain: 'example' },
        ...where,
        actions: [
          {
            action_id: click.actionId,
            block_id: click.blockId ?? 'b',
            type: click.elementType ?? 'button',
            value: click.value,
            action_ts: `${Date.now() / 1000}`,
            text: { type: 'plain_text', text: click.text ?? 'x' },
          },
        ],
      },
      options,
    );
  }

  /** A thumb on Slack's feedback buttons (block_actions with a `feedback_buttons` action). */
  feedbackClick(click: {
    actionId: string;
    value: string;
    channelId: string;
    userId?: string;
    messageTs?: string;
    responseId?: string;
  }) {
    return this.action({
      type: 'block_actions',
      user: { id: click.userId ?? 'U0001', username: 'ada', team_id: 'T0001' },
      api_app_id: 'A0001',
      token: 'deprecated',
      container: {
        type: 'message',
        message_ts: click.messageTs ?? '1.0',
        channel_id: click.channelId,
        is_ephemeral: false,
      },
      trigger_id: triggerId(),
      team: { id: 'T0001', domain: 'example' },
      channel: { id: click.channelId, name: 'general' },
      message: { type: 'message', ts: click.messageTs ?? '1.0', text: '' },
      response_url: this.responseUrl(click.responseId ?? 'feedback'),
      actions: [
        {
          type: 'feedback_buttons',
          action_id: click.actionId,
          block_id: 'fb',
          value: click.value,
          text: { type: 'plain_text', text: '👍' },
          action_ts: '1.2',
        },
      ],
    });
  }

  /** A modal's submit button: Slack waits for the ack's body (`response_action`) in the answer. */
  viewSubmission(
    submission: {
      callbackId: string;
      privateMetadata: string;
      values: Record<string, Record<string, Record<string, unknown>>>;
      userId?: string;
      teamId?: string;
      /** The rest of the view as Slack holds it (id, title, blocks…). */
      view?: Record<string, unknown>;
    },
    options: Parameters<SlackSender['post']>[2] = {},
  ) {
    const teamId = submission.teamId ?? 'T0001';
    return this.action(
      {
        type: 'view_submission',
        team: { id: teamId, domain: 'example' },
        user: { id: submission.userId ?? 'U0001', username: 'ada', team_id: teamId },
        api_app_id: 'A0001',
        token: 'deprecated',
        trigger_id: triggerId(),
        view: {
          id: 'V0001',
          team_id: teamId,
          type: 'modal',
          hash: '1.abc',
          blocks: [],
          ...submission.view,
          callback_id: submission.callbackId,
          private_metadata: submission.privateMetadata,
          state: { values: submission.values },
        },
        response_urls: [],
      },
      options,
    );
  }
}
