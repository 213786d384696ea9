import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../logger.js';
import { clip } from '../kit/limits.js';

const THINKING = 'is thinking…';
/** How much of a line of thought the status shows. */
const LINE_CHARS = 100;

/**
 * The thread's "is thinking…" status (assistant.threads.setStatus) while a model works, with the
 * latest line of a reasoning model's thought as it streams, at most one change per `intervalMs`. It
 * goes quiet once the answer starts: Slack clears the status when the app replies in the thread, and
 * a later change would bring it back. Only a courtesy: a failure is logged, never told.
 */
export class ThinkingStatus {
  private pending?: string;
  private shown?: string;
  private timer?: NodeJS.Timeout;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private answering = false;
  private sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: WebClient,
    private readonly where: { channelId: string; threadTs: string },
    private readonly logger: Pick<Logger, 'debug'>,
    private readonly intervalMs = 2000,
  ) {}

  /** "is thinking…", before anything arrives. */
  start(): Promise<void> {
    return this.set(THINKING);
  }

  /** The model's reasoning so far: its latest line joins the status. */
  reasoning(soFar: string): void {
    if (this.answering) return;
    const line = soFar.trimEnd().split('\n').at(-1)?.trim();
    if (!line) return;
    this.pending = `${THINKING} ${clip(line, LINE_CHARS)}`;
    if (this.timer) return;
    const wait = Math.max(0, this.lastSentAt + this.intervalMs - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const status = this.pending;
      this.pending = undefined;
      if (status && !this.answering && status !== this.shown) void this.set(status);
    }, wait);
  }

  /** The answer's first words arrived: the status has done its work. */
  answerStarted(): void {
    this.answering = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The reply is final: a line of thought sent as the answer began must not outlive it. */
  async end(): Promise<void> {
    this.answerStarted();
    await this.sending;
    if (this.shown && this.shown !== THINKING) await this.set('');
  }

  private set(status: string): Promise<void> {
    this.lastSentAt = performance.now();
    this.sending = this.client.assistant.threads
      .setStatus({ channel_id: this.where.channelId, thread_ts: this.where.threadTs, status })
      .then(
        () => {
          this.shown = status;
        },
        (error: unknown) => this.logger.debug({ err: error }, 'could not set the thread status'),
      );
    return this.sending;
  }
}
