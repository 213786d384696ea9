import type { WebClient } from '@slack/web-api';
import type { ModelFailure } from '../../bedrock/errors.js';
import type { Attachment } from '../../bedrock/messages.js';
import type { CompareBooking } from '../../compare/booking.js';
import type { CompareRuns } from '../../compare/runs.js';
import { type CompareService, endUnfinished } from '../../compare/service.js';
import type { CompareRun } from '../../compare/types.js';
import type { Logger } from '../../logger.js';
import type { WorkTracker } from '../../ops/work-tracker.js';
import { StoreUnavailableError } from '../../store/types.js';
import { notice } from '../kit/notices.js';
import type { Reply } from '../kit/reply.js';
import type { Requester } from '../kit/requester.js';
import { type RetryTiming, retryInBackground } from '../kit/retry.js';
import type { SlackBudget } from '../kit/slack-budget.js';
import { deliverFinal, ThrottledMessage, updatesOf } from '../kit/throttled-message.js';
import { compareMessage, StreamingCompareMessage } from './message.js';

export interface LiveCompareDeps {
  client: WebClient;
  service: CompareService;
  runs: Pick<CompareRuns, 'save'>;
  booking: CompareBooking;
  logger: Logger;
  /** Where a compare still streaming is closed if the app stops first. */
  shutdown: Pick<WorkTracker, 'closeOnShutdown'>;
  /** For final updates. */
  slackRetry: RetryTiming;
  /** For storing a finished run while the store is unreachable. */
  storeRetry: RetryTiming;
  updateIntervalMs?: number;
  budget: SlackBudget;
}

/** Errors Slack gives when the bot may not post in a channel; the answer then goes via response_url. */
const NOT_IN_CHANNEL = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action']);

const STOPPED: ModelFailure = {
  kind: 'unavailable',
  message: '_stopped: the app restarted before this model finished. Use *Run again* to ask once more._',
};
const STORE_DOWN: ModelFailure = {
  kind: 'unavailable',
  message:
    '_not finished: the app’s state store (Redis) became unreachable. Try again in a minute; if it persists, tell whoever runs this app._',
};

/**
 * One compare as a Slack message from placeholders to its final state: streamed while the models
 * answer, closed when the app stops, final even when the store goes away, and booked once.
 */
export class LiveCompare {
  constructor(private readonly deps: LiveCompareDeps) {}

  /**
   * Posts placeholders, streams every model into the message, and ends with the full figures. The
   * models are called while the placeholder is posted, so the first token shows a post's time sooner
   * (Bedrock's first token takes longer than the post): updates wait for the message. When the post
   * fails, the calls are stopped before the failure goes on.
   */
  async run(run: CompareRun, requester: Requester, respond: Reply, images: Attachment[]): Promise<void> {
    const { client } = this.deps;
    const channel = requester.channelId;
    const posting = this.postPlaceholders(run, requester);
    const budget = this.deps.budget.calls(requester, 'chat.update');
    const live = new ThrottledMessage(
      async (shown) => {
        const ts = await posting;
        if (ts) await updatesOf(client, channel, ts)(shown);
      },
      (error) => this.deps.logger.warn({ err: error }, 'compare streaming update failed'),
      this.deps.updateIntervalMs,
      undefined,
      // Without a message (the bot may not post here) an update sends nothing, so it spends no budget.
      async (urgent) => ((await posting) ? budget(urgent) : 0),
    );
    const release = this.closeOnShutdown(run, live);
    const message = new StreamingCompareMessage();
    const stop = new AbortController();
    try {
      const executing = this.executeKeepingRun(run, live, message, images, stop.signal);
      const ts = await posting.catch(async (error: unknown) => {
        stop.abort();
        await executing.catch(() => undefined);
        throw error;
      });
      if (!ts) {
        await this.runWithoutMessage(executing, respond);
        return;
      }
      const final = await executing;
      await deliverFinal(
        live,
        message.render(final),
        (posted) => client.chat.postMessage({ channel, thread_ts: requester.threadTs, ...posted }),
        this.deps.slackRetry,
        (error) =>
          this.deps.logger.warn(
            { err: error },
            'the final compare update failed until its deadline; posting it afresh',
          ),
      );
      await this.book(final);
    } finally {
      release();
    }
  }

  /** The compare message's ts, or undefined when the bot may not post in the channel. */
  private async postPlaceholders(run: CompareRun, where: Requester): Promise<string | undefined> {
    const { teamId, channelId: channel, threadTs: thread_ts } = where;
    await this.deps.budget.beforePost(teamId, channel);
    try {
      return (await this.deps.client.chat.postMessage({ channel, thread_ts, ...compareMessage(run) })).ts;
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error;
      if (!code || !NOT_IN_CHANNEL.has(code)) throw error;
      return undefined;
    }
  }

  /** The bot cannot post here: answer once, through the command's response_url, when all are done. */
  private async runWithoutMessage(executing: Promise<CompareRun>, respond: Reply): Promise<void> {
    await respond({
      response_type: 'ephemeral',
      ...notice(
        'I’m not a member of this channel, so the compare will appear here when it finishes. Invite me with `/invite @Bedrock` to see answers stream in.',
        ':information_source:',
      ),
    });
    const final = await executing;
    await respond({ response_type: 'in_channel', ...compareMessage(final) });
    await this.deps.booking.of(final)();
  }

  /**
   * Should the app be stopped first, each model keeps what arrived, marked as stopped, and the run
   * is stored so "Run again" works. Returns the release for when the compare ends by itself.
   */
  private closeOnShutdown(run: CompareRun, live: ThrottledMessage): () => void {
    return this.deps.shutdown.closeOnShutdown(async () => {
      endUnfinished(run, STOPPED);
      await this.deps.runs
        .save(run)
        .catch((error: unknown) =>
          this.deps.logger.warn({ err: error }, 'could not store a stopped compare'),
        );
      await live.finish(compareMessage(run));
    });
  }

  /**
   * Runs the compare. When the store becomes unreachable the run still ends in a final state: models
   * that were never called are marked so, and a finished run is stored once the store is back (or
   * that is logged), so it never stays "waiting" for "Continue with" to find.
   */
  private async executeKeepingRun(
    run: CompareRun,
    live: ThrottledMessage,
    message: StreamingCompareMessage,
    images: Attachment[],
    stop: AbortSignal,
  ): Promise<CompareRun> {
    const { service, runs, logger } = this.deps;
    // A model's first token (or failure) is what people wait for: that update goes first.
    // This runs for every streamed event, so it allocates nothing: the service works on `run` itself.
    let started = 0;
    const render = () => message.render(run);
    const onChange = () => {
      let now = 0;
      for (const model of run.models) if (model.status !== 'waiting') now++;
      live.update(render, now > started);
      started = now;
    };
    try {
      return await service.execute(run, onChange, images, stop);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      logger.warn({ err: error }, 'the store became unreachable during a compare');
      // The service works on `run` itself, so it holds what arrived.
      endUnfinished(run, STORE_DOWN);
      retryInBackground(
        () => runs.save(run),
        this.deps.storeRetry,
        (lastError) =>
          logger.error(
            { err: lastError },
            'could not store a finished compare: the store stayed unreachable',
          ),
      );
      return run;
    }
  }

  /** The compare is shown and final; what it counts for is booked now, or once the store is back. */
  private async book(final: CompareRun): Promise<void> {
    const book = this.deps.booking.of(final);
    await book().catch((error: unknown) => {
      if (!(error instanceof StoreUnavailableError)) throw error;
      retryInBackground(book, this.deps.storeRetry, (lastError) =>
        this.deps.logger.error({ err: lastError }, 'could not book a compare: the store stayed unreachable'),
      );
    });
  }
}
