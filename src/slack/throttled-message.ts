import type { SlackMessage } from './blocks/compare.js';

/**
 * Keeps one Slack message in step with a changing state without passing Slack's rate limit (about
 * one update a second per message). The first change goes out at once, so the first token is seen
 * as early as Bedrock sends it; later ones are coalesced: only the newest state is sent.
 */
export class ThrottledMessage {
  private pending?: () => SlackMessage;
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private lastSentAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly send: (message: SlackMessage) => Promise<void>,
    /** A streaming update that fails is superseded by the next one, so it is only reported. */
    private readonly onUpdateError: (error: unknown) => void,
    private readonly intervalMs = 1000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Schedules an update; `render` runs when the update is sent, so it shows the latest state. */
  update(render: () => SlackMessage): void {
    this.pending = render;
    this.schedule();
  }

  /**
   * Sends `message` as the last update, after any update already under way, at most a tenth of the
   * interval after the previous one.
   * Throws when it fails, so the caller can try again (an update is idempotent).
   */
  async finish(message: SlackMessage): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    await this.inFlight;
    // The last update closes the stream: Slack tolerates one update in a short burst, and holding the
    // figures back for a full interval would make every compare look up to a second slower than it is.
    const wait = this.lastSentAt + this.intervalMs / 10 - this.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await this.deliver(message);
  }

  private schedule(): void {
    if (this.timer || this.inFlight) return;
    const wait = Math.max(0, this.lastSentAt + this.intervalMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const render = this.pending;
      this.pending = undefined;
      if (!render) return;
      this.inFlight = this.deliver(render())
        .catch(this.onUpdateError)
        .finally(() => {
          this.inFlight = undefined;
          if (this.pending) this.schedule();
        });
    }, wait);
  }

  private async deliver(message: SlackMessage): Promise<void> {
    this.lastSentAt = this.now();
    await this.send(message);
  }
}

/** Tries an idempotent Slack call (an update) up to `times`, backing off between attempts. */
export async function withRetries(attempt: () => Promise<void>, times: number): Promise<void> {
  for (let tried = 1; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      if (tried >= times) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * tried));
    }
  }
}
