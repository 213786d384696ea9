import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../logger.js';
import type { RateLimitStore } from '../../store/types.js';
import type { SlackMessage } from '../kit/message.js';
import { type RetryTiming, retryUntil } from '../kit/retry.js';
import type { SlackBudget } from '../kit/slack-budget.js';
import { StreamingMrkdwn } from '../kit/streaming-mrkdwn.js';
import { findMarkedReply } from '../kit/thread-reader.js';
import { deliverFinal, ThrottledMessage, updatesOf } from '../kit/throttled-message.js';
import { isUncertainFailure } from '../kit/web-client-options.js';
import {
  type AnswerFooter,
  answerMessages,
  PLACEHOLDER_EVENT,
  stoppedMessage,
  streamingMessage,
  thinkingMessage,
} from './blocks.js';

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

/**
 * A reply to one message in a thread, from the answer's first words to its final state, whichever
 * way Slack lets it stream (see LiveReply and NativeReply).
 */
export interface ThreadReply {
  /** The answer so far (its text, and the model writing it), as the reply shows or will show it. */
  stream(modelName: string, textSoFar: string): void;
  /** The final answer, with its notes and figures. */
  finishAnswer(answer: string, footer: AnswerFooter): Promise<void>;
  /** A final state that is not an answer (a model's failure, a notice). */
  finish(message: SlackMessage): Promise<void>;
  /** The app is stopping first: what arrived stays, marked as stopped. Once only, never overwritten. */
  stopped(): Promise<void>;
}

/** A reply that starts as a placeholder, streams the answer into it, and always ends in a final state. */
export class LiveReply implements ThreadReply {
  private streamed = { modelName: 'Bedrock', text: '' };
  private readonly answer = new StreamingMrkdwn();

  private constructor(
    private readonly deps: LiveReplyDeps,
    private readonly live: ThrottledMessage,
    /** Posts a new message where the reply is (a later part of a long answer, say). */
    private readonly postAfresh: (message: SlackMessage) => Promise<unknown>,
  ) {}

  /** Posts the "thinking…" placeholder the reply then streams into. */
  static async open(
    deps: LiveReplyDeps,
    place: ReplyPlace,
    postAfresh: (message: SlackMessage) => Promise<unknown>,
  ): Promise<LiveReply> {
    return LiveReply.editing(deps, place, await postPlaceholder(deps, place), postAfresh);
  }

  /** A reply edited in place in a message that is there already (one whose native stream Slack ended). */
  static editing(
    deps: LiveReplyDeps,
    { teamId, channelId: channel }: Pick<ReplyPlace, 'teamId' | 'channelId'>,
    ts: string,
    postAfresh: (message: SlackMessage) => Promise<unknown>,
  ): LiveReply {
    const live = new ThrottledMessage(
      updatesOf(deps.client, channel, ts),
      (error) => deps.logger.warn({ err: error }, 'chat streaming update failed'),
      deps.updateIntervalMs,
      undefined,
      deps.budget.calls({ teamId, channelId: channel }, 'chat.update'),
    );
    return new LiveReply(deps, live, postAfresh);
  }

  stream(modelName: string, textSoFar: string): void {
    // The first words are what the person waits for: that update goes first.
    const first = this.streamed.text === '';
    this.streamed = { modelName, text: textSoFar };
    this.live.update(() => streamingMessage(modelName, textSoFar, this.answer), first);
  }

  stopped(): Promise<void> {
    return this.live.finish(stoppedMessage(this.streamed.modelName, this.streamed.text));
  }

  async finishAnswer(answer: string, footer: AnswerFooter): Promise<void> {
    const [first, ...rest] = answerMessages(answer, footer);
    await this.finish(first!);
    // Later parts are new messages: never retried blindly, since a timed-out post may have landed.
    for (const part of rest) await this.postAfresh(part);
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
