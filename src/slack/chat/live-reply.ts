import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../logger.js';
import type { RateLimitStore } from '../../store/types.js';
import type { SlackMessage } from '../kit/message.js';
import { type RetryTiming, retryUntil } from '../kit/retry.js';
import type { SlackBudget } from '../kit/slack-budget.js';
import { StreamingMrkdwn } from '../kit/streaming-mrkdwn.js';
import { findMarkedReply } from '../kit/thread-reader.js';
import { deliverFinal, ThrottledMessage } from '../kit/throttled-message.js';
import { isUncertainFailure } from '../kit/web-client-options.js';
import { PLACEHOLDER_EVENT, streamingMessage, thinkingMessage } from './blocks.js';

export interface LiveReplyDeps {
  client: WebClient;
  limits: RateLimitStore;
  logger: Logger;
  /** For the placeholder, whose retries may have to wait for Slack's one read a minute. */
  placeholderRetry: RetryTiming;
  /** For final updates. */
  slackRetry: RetryTiming;
  updateIntervalMs?: number;
  budget: SlackBudget;
}

/** Where a reply goes: the message it answers, in its channel and (when there is one) thread. */
export interface ReplyPlace {
  teamId: string;
  channelId: string;
  threadTs?: string;
  replyTo: string;
}

/** Raised while the app cannot yet tell whether an earlier post landed. */
class NotKnownYet extends Error {
  constructor() {
    super('cannot tell yet whether the earlier post landed');
  }
}

/**
 * Posts the "thinking…" placeholder, retrying while Slack fails. A post whose answer was lost may
 * still have landed, so before posting again the app looks for it in Slack (it is marked with the
 * message it answers) and never posts twice.
 */
function postPlaceholder(deps: LiveReplyDeps, place: ReplyPlace): Promise<string> {
  const { client, limits } = deps;
  let mayHaveLanded = false;
  return retryUntil(
    async () => {
      if (mayHaveLanded) {
        const landed = await findMarkedReply(client, limits, place, PLACEHOLDER_EVENT, place.replyTo);
        if (landed === undefined) throw new NotKnownYet();
        if (landed) return landed;
      }
      await deps.budget.beforePost(place.teamId, place.channelId);
      try {
        const posted = await client.chat.postMessage({
          channel: place.channelId,
          thread_ts: place.threadTs,
          ...thinkingMessage('Bedrock', place.replyTo),
        });
        return posted.ts ?? '';
      } catch (error) {
        if (isUncertainFailure(error)) mayHaveLanded = true;
        throw error;
      }
    },
    deps.placeholderRetry,
    (error) => error instanceof NotKnownYet || isUncertainFailure(error),
  );
}

/** A reply that starts as a placeholder, streams the answer into it, and always ends in a final state. */
export class LiveReply {
  private streamed = { modelName: 'Bedrock', text: '' };
  private readonly answer = new StreamingMrkdwn();

  private constructor(
    private readonly deps: LiveReplyDeps,
    private readonly live: ThrottledMessage,
    /** Posts a new message where the reply is (a later part of a long answer, say). */
    readonly postAfresh: (message: SlackMessage) => Promise<unknown>,
  ) {}

  static async open(
    deps: LiveReplyDeps,
    place: ReplyPlace,
    postAfresh: (message: SlackMessage) => Promise<unknown>,
  ): Promise<LiveReply> {
    const ts = await postPlaceholder(deps, place);
    const live = new ThrottledMessage(
      async (message) => {
        await deps.client.chat.update({ channel: place.channelId, ts, ...message });
      },
      (error) => deps.logger.warn({ err: error }, 'chat streaming update failed'),
      deps.updateIntervalMs,
      undefined,
      deps.budget.updates(place.teamId),
    );
    return new LiveReply(deps, live, postAfresh);
  }

  /** What the reply shows so far, for a final state written by someone else (a shutdown). */
  get shown(): { modelName: string; text: string } {
    return this.streamed;
  }

  stream(modelName: string, textSoFar: string): void {
    // The first words are what the person waits for: that update goes first.
    const first = this.streamed.text === '';
    this.streamed = { modelName, text: textSoFar };
    this.live.update(() => streamingMessage(modelName, textSoFar, this.answer), first);
  }

  /** The final state, however it got there: once only, and never overwritten. */
  stop(message: SlackMessage): Promise<void> {
    return this.live.finish(message);
  }

  /** The final state of a reply: updated in place while Slack allows, else posted afresh. */
  finish(message: SlackMessage): Promise<void> {
    return deliverFinal(this.live, message, this.postAfresh, this.deps.slackRetry, (error) =>
      this.deps.logger.warn(
        { err: error },
        'the final chat update failed until its deadline; posting it afresh',
      ),
    );
  }
}
