import type { Catalog, CatalogSource } from '../../bedrock/catalog.js';
import { parseChatCommand } from '../../chat/command.js';
import type { ModelChoice } from '../../chat/model-choice.js';
import type { ChatService } from '../../chat/service.js';
import type { ChatTurns, TurnOutcome } from '../../chat/turn.js';
import type { WorkTracker } from '../../ops/work-tracker.js';
import type { Result } from '../../result.js';
import type { ConversationTurn } from '../../store/types.js';
import { conversationId } from '../../store/types.js';
import { LockTimeoutError } from '../../store/with-lock.js';
import { catalogFailure, describeFailure } from '../kit/failures.js';
import type { SlackFile, SlackFiles } from '../kit/files.js';
import type { SlackMessage } from '../kit/message.js';
import { notice, unknownModelNotice } from '../kit/notices.js';
import { problemNotice } from '../kit/problem.js';
import type { UserNames } from '../kit/user-names.js';
import {
  answerMessages,
  chatFailureMessage,
  chatHelp,
  forgottenNotice,
  stoppedMessage,
  switchedNotice,
  whichModelNotice,
} from './blocks.js';
import { LiveReply, type LiveReplyDeps } from './live-reply.js';
import { threadTurns, withoutBotMention } from './thread-history.js';

/** A message that speaks to the bot: a mention in a channel, or anything in a DM with it. */
export interface ChatEvent {
  teamId: string;
  channelId: string;
  userId: string;
  text: string;
  ts: string;
  /** Set when the message is itself in a thread. */
  threadTs?: string;
  directMessage: boolean;
  files: SlackFile[];
  botUserId?: string;
}

export interface ChatFlowDeps extends LiveReplyDeps {
  files: SlackFiles;
  catalog: CatalogSource;
  service: Pick<ChatService, 'forget'>;
  turns: ChatTurns;
  models: ModelChoice;
  names: UserNames;
  /** Where a message still in progress is closed if the app stops first. */
  shutdown: Pick<WorkTracker, 'closeOnShutdown'>;
}

/** Where a message's reply goes and which conversation it belongs to. */
function placeOf(event: ChatEvent) {
  // A channel mention opens a thread on itself; a top-level DM is one running conversation.
  const threadTs = event.threadTs ?? (event.directMessage ? undefined : event.ts);
  return {
    threadTs,
    id: conversationId(event.teamId, event.channelId, threadTs ?? 'dm'),
    /** True when earlier messages may exist in Slack that the store could have lost. */
    continuesThread: event.threadTs !== undefined && event.threadTs !== event.ts,
  };
}
type Place = ReturnType<typeof placeOf>;

/** Posting where the conversation is, for all to see, or telling the person who wrote alone. */
interface Voice {
  post(message: SlackMessage): Promise<unknown>;
  tell(message: SlackMessage): Promise<unknown>;
}

/** Conversations with a model in a thread or DM: from a Slack message to a streamed reply. */
export class ChatFlow {
  constructor(private readonly deps: ChatFlowDeps) {}

  async handle(event: ChatEvent): Promise<void> {
    const place = placeOf(event);
    const voice = this.voiceFor(event, place.threadTs);
    const { models, catalog } = this.deps;
    try {
      const text = withoutBotMention(event.text, event.botUserId);
      const command = parseChatCommand(text, event.files.length > 0);
      if (command.kind === 'turn') return await this.turn(event, place, command.text, voice);
      const loaded = await catalog.load();
      const current = () => models.current(loaded, place.id, event.teamId, event.userId);
      const nameOf = (model: Awaited<ReturnType<typeof current>>) =>
        model.ok ? model.value.model.name : 'no available model';
      if (command.kind === 'help') await voice.post(chatHelp(nameOf(await current())));
      else if (command.kind === 'which-model') await voice.post(whichModelNotice(nameOf(await current())));
      else if (command.kind === 'use') {
        const { model: wanted, asDefault } = command;
        const switched = await models.switchTo(
          loaded,
          { wanted, asDefault },
          place.id,
          event.teamId,
          event.userId,
        );
        if (switched.ok) {
          const { model, invokeId } = switched.value;
          await voice.post(switchedNotice(model, invokeId, event.userId, asDefault));
        } else if (switched.problem.kind === 'unknown-model') {
          await voice.tell(unknownModelNotice(wanted, switched.problem.suggestions));
        } else await voice.tell(problemNotice(switched.problem));
      } else {
        await this.deps.service.forget(place.id);
        // The marker in the thread outlasts the store: a rebuild from Slack starts after it.
        await voice.post(forgottenNotice(event.userId));
      }
    } catch (error) {
      await voice.post(this.failureNotice(error));
    }
  }

  private voiceFor(event: ChatEvent, threadTs: string | undefined): Voice {
    const { client } = this.deps;
    const where = { channel: event.channelId, thread_ts: threadTs };
    const post = async (message: SlackMessage) =>
      (await client.chat.postMessage({ ...where, ...message })).ts;
    return {
      post,
      tell: async (message) =>
        event.directMessage
          ? post(message)
          : client.chat.postEphemeral({ ...where, user: event.userId, ...message }),
    };
  }

  /** A turn: admitted, answered into a live reply, which ends in a final state whatever happens. */
  private async turn(event: ChatEvent, place: Place, text: string, voice: Voice): Promise<void> {
    // Independent reads go out together (one Redis round trip with auto-pipelining).
    const [catalog, admitted, author] = await Promise.all([
      this.deps.catalog.load(),
      this.deps.turns.admit(event.teamId, event.userId),
      this.deps.names.nameOf(event.teamId, event.userId),
    ]);
    if (!admitted.ok) {
      await voice.tell(problemNotice(admitted.problem));
      return;
    }
    const where = { teamId: event.teamId, channelId: event.channelId, threadTs: place.threadTs };
    const reply = await LiveReply.open(this.deps, { ...where, replyTo: event.ts }, voice.post);
    try {
      await this.answer(catalog, event, place, { role: 'user', text, author, ts: event.ts }, reply);
    } catch (error) {
      await reply.finish(this.failureNotice(error));
    }
  }

  private async answer(
    catalog: Catalog,
    event: ChatEvent,
    place: Place,
    turn: ConversationTurn,
    reply: LiveReply,
  ): Promise<void> {
    const { files, names, client, limits, logger } = this.deps;
    const { attachments, problems } = await files.attachments(event.files);
    // Should the app be stopped before the answer is complete, what arrived is its final state.
    const release = this.deps.shutdown.closeOnShutdown(() =>
      reply.stop(stoppedMessage(reply.shown.modelName, reply.shown.text)),
    );
    try {
      const { teamId, userId, channelId, botUserId } = event;
      const thread = {
        teamId,
        channelId,
        botUserId,
        threadTs: place.threadTs ?? event.ts,
        currentTs: event.ts,
      };
      const outcome = await this.deps.turns.take(
        catalog,
        {
          teamId,
          userId,
          conversationId: place.id,
          turn,
          attachments,
          earlier: place.continuesThread ? threadTurns(client, limits, names, thread, logger) : undefined,
        },
        (soFar, modelName) => reply.stream(modelName, soFar),
      );
      await this.render(outcome, problems, reply);
    } finally {
      release();
    }
  }

  private async render(outcome: Result<TurnOutcome>, fileProblems: string[], reply: LiveReply) {
    if (!outcome.ok) return reply.finish(problemNotice(outcome.problem));
    if (outcome.value.kind === 'model-failed') {
      return reply.finish(chatFailureMessage(outcome.value.modelName, outcome.value.failure));
    }
    const { reply: answer, modelName, notes } = outcome.value;
    const [first, ...rest] = answerMessages(answer.text, {
      ...answer,
      modelName,
      conversationCostUsd: answer.conversation.costUsd,
      notes: [...fileProblems, ...notes],
    });
    await reply.finish(first!);
    // Later parts are new messages: never retried blindly, since a timed-out post may have landed.
    for (const part of rest) await reply.postAfresh(part);
  }

  private failureNotice(error: unknown): SlackMessage {
    this.deps.logger.error({ err: error }, 'chat turn failed');
    return notice(
      error instanceof LockTimeoutError
        ? 'I’m still answering an earlier message in this thread. Please try again in a moment.'
        : // Model errors are answered in the reply itself; a Bedrock error here is the catalog's.
          error instanceof Error && '$metadata' in error
          ? catalogFailure(error)
          : describeFailure(error),
    );
  }
}
