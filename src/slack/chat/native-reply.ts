import type { Logger } from '../../logger.js';
import { defuseMentions, type SlackMessage } from '../kit/message.js';
import { type Permit, whenPermitted } from '../kit/slack-budget.js';
import {
  type AnswerFooter,
  answerFooterBlocks,
  answerMessages,
  answerMetadata,
  stoppedMessage,
  stoppedNote,
} from './blocks.js';
import { LiveReply, type LiveReplyDeps, type ReplyPlace, type ThreadReply } from './live-reply.js';

export interface NativeReplyDeps extends LiveReplyDeps {
  streaming: StreamingRefusals;
}

/** Where a natively streamed reply goes: always a thread, shown to the person who asked. */
export interface StreamPlace extends ReplyPlace {
  threadTs: string;
  userId: string;
}

/** Slack's limit on `markdown_text` in one call, and what one streamed message is given at most. */
const STREAM_CHARS = 12_000;
/** A `<` this close to the end may open a mention still arriving: held back until it closes. */
const OPEN_MENTION_CHARS = 200;
/**
 * A stream that has shown nothing new for this many intervals goes before the streams that just
 * did: its next append may use the part of the workspace's budget ordinary appends leave.
 */
const STARVED_INTERVALS = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const errorCode = (error: unknown) => (error as { data?: { error?: string } }).data?.error;

/** Slack's answer to a call on a stream the person it was shown to stopped (chat.appendStream's reference). */
const stoppedByPerson = (error: unknown) => errorCode(error) === 'stopped_by_user';

/**
 * Channels where Slack refused to start a stream for a reason that will not change by the next
 * message (a channel type it does not stream in, a scope the app lacks): their replies are edited in
 * place from the start, instead of trying and falling back every time. Per process.
 */
export class StreamingRefusals {
  private static readonly LASTING = new Set([
    'channel_type_not_supported',
    'missing_scope',
    'not_allowed_token_type',
    'unknown_method',
    'method_deprecated',
    'enterprise_is_restricted',
  ]);
  private readonly channels = new Set<string>();

  allows(channelId: string): boolean {
    return !this.channels.has(channelId);
  }

  refused(channelId: string, error: unknown): void {
    const code = errorCode(error);
    if (code && StreamingRefusals.LASTING.has(code)) this.channels.add(channelId);
  }
}

/**
 * A reply streamed natively: `chat.startStream` with the first words, `chat.appendStream` with what
 * follows, `chat.stopStream` with the notes and figures. Each call goes within the workspace's
 * budget for its method (SlackBudget, shared by every replica); the start and the appends go at most
 * one per interval for the message, gathering the text that arrived meanwhile. The start and the
 * stop are urgent (the first words, the final state); a stream kept waiting goes before those just
 * served; a reply whose stream could not start within an interval (the workspace's few starts a
 * minute are spent) is edited in place instead. A 429 from Slack is waited out and the same call
 * sent again by the Web API client. When Slack refuses to stream, before the first words or at any
 * point after, the reply carries on as a LiveReply edited in place, in the streamed message where
 * there is one, with all the text so far: nothing that arrived is lost, and nothing is posted twice.
 * A stream the person stopped in Slack (Slack then answers `stopped_by_user`) is left as they stopped
 * it: nothing more is sent, and `onPersonStop` hears what they were shown.
 */
export class NativeReply implements ThreadReply {
  private latest = { modelName: 'Bedrock', text: '' };
  /** The streamed message, once Slack started it. */
  private ts?: string;
  /** How much of `latest.text` Slack has. */
  private sent = 0;
  /** Where the streamed message ends, once the answer outgrows one message; the rest follows it. */
  private cap?: number;
  private lastCallAt = Number.NEGATIVE_INFINITY;
  private timer?: NodeJS.Timeout;
  /** A streaming call is queued or under way: the next one is scheduled once it is done. */
  private calling = false;
  /** Slack calls go one after the other, so appends never overtake each other or the stop. */
  private queue: Promise<void> = Promise.resolve();
  /** Set once Slack refused to stream: the reply is edited in place from then on. */
  private fallback?: LiveReply;
  /** A final state was asked for: no more appends. */
  private closing = false;
  /** A final state was delivered: nothing overwrites it. */
  private closed = false;
  /** The person stopped the stream in Slack: the message stays as they stopped it. */
  private stoppedByPerson = false;
  /** The workspace's budgets for the three calls of a stream. */
  private readonly permits: Record<'start' | 'append' | 'stop', Permit>;

  constructor(
    private readonly deps: NativeReplyDeps,
    private readonly place: StreamPlace,
    private readonly postAfresh: (message: SlackMessage) => Promise<unknown>,
    /** Told the start of the answer the person was shown, once they stop the stream. */
    private readonly onPersonStop: (shown: string) => void,
  ) {
    const { budget } = deps;
    this.permits = {
      start: budget.calls(place, 'chat.startStream'),
      append: budget.calls(place, 'chat.appendStream'),
      stop: budget.calls(place, 'chat.stopStream'),
    };
  }

  /** At most one call per interval for this message. */
  private get intervalMs(): number {
    return this.deps.updateIntervalMs ?? 1000;
  }

  private get logger(): Logger {
    return this.deps.logger;
  }

  stream(modelName: string, textSoFar: string): void {
    this.latest = { modelName, text: textSoFar };
    if (this.fallback) this.fallback.stream(modelName, textSoFar);
    else if (!this.closing) this.schedule();
  }

  finishAnswer(answer: string, footer: AnswerFooter): Promise<void> {
    this.latest = { ...this.latest, text: answer };
    return this.close(async () => {
      if (this.fallback) return this.fallback.finishAnswer(answer, footer);
      const streamed = this.streamable(true);
      if (!this.ts && !streamed.trim()) {
        // Nothing to stream (an empty answer): it is said in one message.
        for (const part of answerMessages(answer, footer)) await this.postAfresh(part);
        return;
      }
      const overflow = answer.slice(streamed.length);
      const rest = overflow ? answerMessages(overflow, footer) : [];
      const stopped = await this.stop(streamed, {
        // The notes and figures close the answer: under the streamed text, or under its last part.
        blocks: rest.length ? [] : answerFooterBlocks(footer),
        metadata: answerMetadata(1, 1 + rest.length, footer),
      });
      if (!stopped) return this.fallback!.finishAnswer(answer, footer);
      // A stream the person stopped ends there: the rest of the answer is not theirs to see.
      if (this.stoppedByPerson) return;
      for (const part of rest) await this.postAfresh(part);
    });
  }

  finish(message: SlackMessage): Promise<void> {
    return this.close(async () => {
      if (this.fallback) return this.fallback.finish(message);
      if (!this.ts) {
        await this.postAfresh(message);
        return;
      }
      // What streamed stays; the failure or notice follows it.
      if (!(await this.stop(this.streamable(true), { blocks: message.blocks }))) {
        await this.fallback!.finish(message);
      }
    });
  }

  stopped(): Promise<void> {
    return this.close(async () => {
      if (this.fallback) return this.fallback.stopped();
      const { modelName, text } = this.latest;
      if (!this.ts) {
        await this.postAfresh(stoppedMessage(modelName, text));
        return;
      }
      if (!(await this.stop(this.streamable(true), { blocks: [stoppedNote(modelName)] }))) {
        await this.fallback!.stopped();
      }
    });
  }

  /** Runs a final state once: the first one delivered wins, and a failed one can be tried again. */
  private close(deliver: () => Promise<void>): Promise<void> {
    this.closing = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const attempt = this.queue.then(async () => {
      if (this.closed || this.stoppedByPerson) return;
      await deliver();
      this.closed = true;
    });
    this.queue = attempt.catch(() => undefined);
    return attempt;
  }

  private schedule(): void {
    if (this.timer || this.calling) return;
    const wait = Math.max(0, this.lastCallAt + this.intervalMs - performance.now());
    this.timer = setTimeout(() => void this.whenDue(), wait);
  }

  /**
   * The message's next call is due: it goes once the workspace's budget allows; until then the timer
   * stays set, so the text that arrives meanwhile is gathered into it. A stream that cannot start
   * soon is not started: the reply is edited in place instead.
   */
  private async whenDue(): Promise<void> {
    if (this.closing || this.fallback) return;
    if (this.streamable(false).length <= this.sent) {
      // Nothing to send yet (a mention still arriving is held back): no call, no budget spent.
      this.timer = undefined;
      return;
    }
    if (this.ts === undefined) {
      const mayStart = await this.startPermitted();
      if (this.closing || this.fallback) return;
      this.timer = undefined;
      this.enqueue(mayStart ? () => this.append() : () => this.fallBack());
      return;
    }
    const starved = performance.now() - this.lastCallAt > STARVED_INTERVALS * this.intervalMs;
    // A store that cannot say (an outage) holds nothing back: the budget is a courtesy.
    const later = await this.permits.append(starved).catch(() => 0);
    if (this.closing || this.fallback) return;
    if (later > 0) {
      // Spread out, so the streams waiting on one budget do not all ask again at the same moment.
      this.timer = setTimeout(() => void this.whenDue(), later + Math.random() * later);
      return;
    }
    this.timer = undefined;
    this.enqueue(() => this.append());
  }

  /** Runs a streaming call after those before it; once done, the next is scheduled if more text came. */
  private enqueue(call: () => Promise<void>): void {
    this.calling = true;
    this.queue = this.queue
      .then(call)
      .catch((error: unknown) => {
        this.logger.warn({ err: error }, 'could not go on with a streamed reply');
      })
      .finally(() => {
        this.calling = false;
        if (!this.closing && !this.fallback && this.streamable(false).length > this.sent) this.schedule();
      });
  }

  /**
   * Takes a stream's start from the workspace's budget (Slack's Tier 2: about 20 a minute, and each
   * started stream needs a stop from a budget as small), waiting up to one interval for it. False
   * when it would take longer: the reply is then edited in place, which Slack allows more of, rather
   * than keep the person waiting for its first words.
   */
  private async startPermitted(): Promise<boolean> {
    for (;;) {
      const later = await this.permits.start(true).catch(() => 0);
      if (later === 0) return true;
      if (later > this.intervalMs) return false;
      await sleep(later);
    }
  }

  /** Sends what arrived since the last call. */
  private async append(): Promise<void> {
    if (this.closing || this.fallback) return;
    await this.send(this.streamable(false));
  }

  /**
   * Sends `target` past what Slack has: the stream's start, or an append to it. Returns false when
   * Slack refused, after which the reply is edited in place (`fallback`).
   */
  private async send(target: string): Promise<boolean> {
    const delta = target.slice(this.sent);
    if (!delta) return true;
    this.lastCallAt = performance.now();
    const { client } = this.deps;
    const { channelId: channel, threadTs, teamId, userId } = this.place;
    try {
      if (this.ts) {
        await client.chat.appendStream({ channel, ts: this.ts, markdown_text: defuseMentions(delta) });
      } else {
        const started = await client.chat.startStream({
          channel,
          thread_ts: threadTs,
          // Outside a DM Slack streams to one person: the one who asked.
          recipient_user_id: userId,
          recipient_team_id: teamId,
          markdown_text: defuseMentions(delta),
        });
        this.ts = started.ts;
      }
      this.sent = target.length;
      return true;
    } catch (error) {
      if (stoppedByPerson(error)) this.stoppedInSlack();
      else await this.fallBack(error);
      return false;
    } finally {
      // Slack may have taken it as late as its answer (after a 429 waited out): the next call is an
      // interval after that.
      this.lastCallAt = performance.now();
    }
  }

  /**
   * Ends the stream with the text not yet sent and `extra` (blocks, metadata) after it. Returns
   * false when Slack refused, after which the reply is edited in place (`fallback`); true when it
   * ended, by this call or by the person who stopped it first.
   */
  private async stop(
    streamed: string,
    extra: { blocks: SlackMessage['blocks']; metadata?: SlackMessage['metadata'] },
  ): Promise<boolean> {
    if (!this.ts) {
      // The whole answer came before the first call went out: the stream starts with all of it.
      if (!(await this.startPermitted())) {
        await this.fallBack();
        return false;
      }
      if (!(await this.send(streamed))) return false;
    }
    const { client } = this.deps;
    const { channelId: channel } = this.place;
    const delta = streamed.slice(this.sent);
    // The final state goes as soon as the workspace's budget allows: Slack sets no pace per stream
    // (its SDK's streamer appends every 256 characters), only per workspace.
    await whenPermitted(this.permits.stop, true);
    try {
      await client.chat.stopStream({
        channel,
        ts: this.ts!,
        ...(delta ? { markdown_text: defuseMentions(delta) } : {}),
        ...(extra.blocks.length ? { blocks: extra.blocks } : {}),
        ...(extra.metadata ? { metadata: extra.metadata } : {}),
      });
      this.sent = streamed.length;
      return true;
    } catch (error) {
      if (!stoppedByPerson(error)) {
        await this.fallBack(error);
        return false;
      }
      this.stoppedInSlack();
      return true;
    }
  }

  /**
   * The person stopped the stream in Slack: it stays as they stopped it, nothing more goes to it, and
   * they were shown the answer as far as Slack had it.
   */
  private stoppedInSlack(): void {
    this.stoppedByPerson = true;
    this.closing = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.logger.info({ channel: this.place.channelId, ts: this.ts }, 'the person stopped a streamed reply');
    this.onPersonStop(this.latest.text.slice(0, this.sent));
  }

  /**
   * Slack refused to stream (or to go on streaming): from here the reply is edited in place, in the
   * streamed message when there is one (taken out of its streaming state first, so an update is
   * accepted), else in a placeholder posted now. Its first update shows all the text so far.
   */
  private async fallBack(error?: unknown): Promise<void> {
    const channel = this.place.channelId;
    if (error === undefined) {
      this.logger.info(
        { channel, team: this.place.teamId },
        'the workspace’s budget for starting streams is spent; editing a reply in place instead',
      );
    } else {
      const code = errorCode(error);
      this.logger.warn(
        { err: error, code, channel, started: Boolean(this.ts) },
        'Slack refused to stream a reply; editing it in place instead',
      );
      this.deps.streaming.refused(channel, error);
    }
    const { client } = this.deps;
    if (this.ts) {
      await whenPermitted(this.permits.stop, true);
      await client.chat.stopStream({ channel: this.place.channelId, ts: this.ts }).catch(() => undefined);
      this.fallback = LiveReply.editing(this.deps, this.place, this.ts, this.postAfresh);
    } else {
      this.fallback = await LiveReply.open(this.deps, this.place, this.postAfresh);
    }
    if (this.latest.text) this.fallback.stream(this.latest.modelName, this.latest.text);
  }

  /**
   * The part of the answer that goes into the streamed message: all of it up to STREAM_CHARS (cut at
   * a line break when it outgrows that), less, while the answer is still coming, a trailing `<…` that
   * may be a mention still arriving, which is defused only once it is whole.
   */
  private streamable(final: boolean): string {
    const { text } = this.latest;
    if (this.cap === undefined && text.length > STREAM_CHARS) {
      const lineBreak = text.lastIndexOf('\n', STREAM_CHARS);
      this.cap = Math.max(this.sent, lineBreak > STREAM_CHARS / 2 ? lineBreak : STREAM_CHARS);
    }
    const capped = text.slice(0, this.cap ?? text.length);
    if (final) return capped;
    const open = capped.lastIndexOf('<');
    const holdBack =
      open >= this.sent && !capped.includes('>', open) && capped.length - open < OPEN_MENTION_CHARS;
    return holdBack ? capped.slice(0, open) : capped;
  }
}
