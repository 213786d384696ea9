import type { WebClient } from '@slack/web-api';
import { callWithJson } from './json-call.js';
import type { SlackMessage } from './message.js';
import { type RetryTiming, retryUntil } from './retry.js';
import { type Permit, whenPermitted } from './slack-budget.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Keeps one Slack message in step with a changing state without passing Slack's rate limits: at
 * most one update a second per message, and each update within the workspace's budget (`permit`,
 * shared by every replica). The first change goes out at once, so the first token is seen as early
 * as Bedrock sends it and the budget allows; later ones are coalesced: only the newest state is
 * sent. An update marked urgent (a model's first token) and the final state may use the part of the
 * budget ordinary updates leave. Once a final state is asked for, no streaming update goes out any
 * more, and once one is delivered nothing overwrites it: the first final state to land is the one
 * people see.
 */
export class ThrottledMessage {
  private pending?: () => SlackMessage;
  /** The pending state shows something people wait for (a model's first token). */
  private urgent = false;
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  /** A final state was asked for: streaming updates stop. */
  private closing = false;
  /** A final state was delivered. */
  private closed = false;
  /** Final states go out one after the other, so two never race. */
  private finals: Promise<void> = Promise.resolve();
  /** What Slack shows now, as sent: a final state equal to it need not be sent again. */
  private shown?: SlackMessage;

  constructor(
    private readonly send: (message: SlackMessage) => Promise<void>,
    /** A streaming update that fails is superseded by the next one, so it is only reported. */
    private readonly onUpdateError: (error: unknown) => void,
    private readonly intervalMs = 1000,
    private readonly now: () => number = () => performance.now(),
    private readonly permit: Permit = async () => 0,
  ) {}

  /** True once a final state has been delivered. */
  get isFinal(): boolean {
    return this.closed;
  }

  /** Schedules an update; `render` runs when the update is sent, so it shows the latest state. */
  update(render: () => SlackMessage, urgent = false): void {
    if (this.closing) return;
    this.pending = render;
    this.urgent ||= urgent;
    this.schedule();
  }

  /**
   * Sends `message` as the final state, after any update already under way, an interval after the
   * previous one and within the budget; does nothing once a final state was delivered.
   * Throws when it fails, so the caller can try again (an update is idempotent).
   */
  finish(message: SlackMessage): Promise<void> {
    this.closing = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    const attempt = this.finals
      .catch(() => undefined)
      .then(async () => {
        if (this.closed) return;
        await this.inFlight;
        // A streaming update rendered after the last change may already show the final state;
        // sending it twice would spend an update of the workspace's budget on nothing.
        if (this.shown && JSON.stringify(this.shown) === JSON.stringify(message)) {
          this.closed = true;
          return;
        }
        const wait = this.lastSentAt + this.intervalMs - this.now();
        if (wait > 0) await sleep(wait);
        await whenPermitted(this.permit, true);
        await this.deliver(message);
        this.closed = true;
      });
    this.finals = attempt;
    return attempt;
  }

  private schedule(): void {
    if (this.timer || this.inFlight) return;
    const wait = Math.max(0, this.lastSentAt + this.intervalMs - this.now());
    this.timer = setTimeout(() => void this.sendPending(), wait);
  }

  /** Sends the newest state once the budget allows; until then the timer stays set, so states coalesce. */
  private async sendPending(): Promise<void> {
    if (!this.pending || this.closing) {
      this.timer = undefined;
      return;
    }
    const later = await this.permit(this.urgent).catch(() => 0);
    if (this.closing) return;
    if (later > 0) {
      // Spread out, so the messages waiting on one budget do not all ask again at the same moment.
      this.timer = setTimeout(() => void this.sendPending(), later + Math.random() * later);
      return;
    }
    this.timer = undefined;
    const render = this.pending;
    this.pending = undefined;
    this.urgent = false;
    if (!render) return;
    this.inFlight = this.deliver(render())
      .catch(this.onUpdateError)
      .finally(() => {
        this.inFlight = undefined;
        if (this.pending) this.schedule();
      });
  }

  private async deliver(message: SlackMessage): Promise<void> {
    this.lastSentAt = this.now();
    this.shown = undefined;
    await this.send(message);
    this.shown = message;
  }
}

/**
 * Brings a live message to its final state: the update is retried up to the deadline; when Slack
 * still refuses it, the final state is posted as a new message (`postAfresh`), so it is never lost.
 */
export async function deliverFinal(
  live: ThrottledMessage,
  message: SlackMessage,
  postAfresh: (message: SlackMessage) => Promise<unknown>,
  timing: RetryTiming,
  onGiveUp: (error: unknown) => void,
): Promise<void> {
  try {
    await retryUntil(() => live.finish(message), timing);
  } catch (error) {
    onGiveUp(error);
    await postAfresh(message);
  }
}

/**
 * A live message's `send`: chat.update, as JSON sent by the app itself (json-call.ts): a live
 * message is updated every second, and its blocks are most of what the app sends (bench/load.ts).
 */
export function updatesOf(
  client: WebClient,
  channel: string,
  ts: string,
): (message: SlackMessage) => Promise<void> {
  return async ({ text, blocks, metadata }) => {
    await callWithJson(client, 'chat.update', {
      channel,
      ts,
      text,
      blocks,
      ...(metadata ? { metadata } : {}),
    });
  };
}
