import type { Catalog, CatalogSource } from '../../bedrock/catalog.js';
import { type ChatCommand, parseChatCommand } from '../../chat/command.js';
import type { ModelChoice } from '../../chat/model-choice.js';
import type { ChatService } from '../../chat/service.js';
import type { ChatTurns, TurnOutcome } from '../../chat/turn.js';
import type { WorkTracker } from '../../ops/work-tracker.js';
import type { Result } from '../../result.js';
import type { ConversationTurn } from '../../store/types.js';
import type { SlackFiles } from '../kit/files.js';
import { unknownModelNotice } from '../kit/notices.js';
import { problemNotice } from '../kit/problem.js';
import type { UserNames } from '../kit/user-names.js';
import {
  answerMessages,
  chatFailureMessage,
  chatFailureNotice,
  chatHelp,
  forgottenNotice,
  stoppedMessage,
  switchedNotice,
  whichModelNotice,
} from './blocks.js';
import { type ChatEvent, type Place, placeOf, type Voice, voiceFor } from './chat-event.js';
import { LiveReply, type LiveReplyDeps } from './live-reply.js';
import { threadTurns, withoutBotMention } from './thread-history.js';

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

type Command = Exclude<ChatCommand, { kind: 'turn' }>;

/** Conversations with a model in a thread or DM: from a Slack message to a streamed reply. */
export class ChatFlow {
  constructor(private readonly deps: ChatFlowDeps) {}

  async handle(event: ChatEvent): Promise<void> {
    const place = placeOf(event);
    const voice = voiceFor(this.deps.client, event, place.threadTs);
    try {
      const text = withoutBotMention(event.text, event.botUserId);
      const command = parseChatCommand(text, event.files.length > 0);
      if (command.kind === 'turn') await this.turn(event, place, command.text, voice);
      else await this.command(command, place, voice);
    } catch (error) {
      await voice.post(this.failureNotice(error));
    }
  }

  private async command(command: Command, { at }: Place, voice: Voice): Promise<void> {
    const { models } = this.deps;
    const catalog = await this.deps.catalog.load();
    if (command.kind === 'forget') {
      await this.deps.service.forget(at.conversationId);
      // The marker in the thread outlasts the store: a rebuild from Slack starts after it.
      await voice.post(forgottenNotice(at.userId));
    } else if (command.kind === 'use') {
      const { model: wanted, asDefault } = command;
      const switched = await models.switchTo(catalog, { wanted, asDefault }, at);
      if (switched.ok) {
        await voice.post(switchedNotice(switched.value.model, switched.value.invokeId, at.userId, asDefault));
      } else if (switched.problem.kind === 'unknown-model') {
        await voice.tell(unknownModelNotice(wanted, switched.problem.suggestions));
      } else await voice.tell(problemNotice(switched.problem));
    } else {
      const current = await models.current(catalog, at);
      const name = current.ok ? current.value.model.name : 'no available model';
      await voice.post(command.kind === 'help' ? chatHelp(name) : whichModelNotice(name));
    }
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
      const { teamId, channelId, botUserId, ts: currentTs } = event;
      const threadTs = place.earlierIn;
      const earlier = threadTs
        ? threadTurns(client, limits, names, { teamId, channelId, botUserId, threadTs, currentTs }, logger)
        : undefined;
      const outcome = await this.deps.turns.take(
        catalog,
        { ...place.at, turn, attachments, earlier },
        (soFar, modelName) => reply.stream(modelName, soFar),
      );
      await this.render(outcome, problems, reply, { catalog, conversationId: place.at.conversationId });
    } finally {
      release();
    }
  }

  private async render(
    outcome: Result<TurnOutcome>,
    fileProblems: string[],
    reply: LiveReply,
    { catalog, conversationId }: { catalog: Catalog; conversationId: string },
  ) {
    if (!outcome.ok) return reply.finish(problemNotice(outcome.problem));
    if (outcome.value.kind === 'model-failed') {
      return reply.finish(chatFailureMessage(outcome.value.modelName, outcome.value.failure));
    }
    const { reply: answer, modelName, notes } = outcome.value;
    const { conversation } = answer;
    const [first, ...rest] = answerMessages(answer.text, {
      modelName,
      inputTokens: answer.inputTokens,
      outputTokens: answer.outputTokens,
      cacheReadTokens: answer.cacheReadTokens,
      cacheWriteTokens: answer.cacheWriteTokens,
      costUsd: answer.costUsd,
      conversationCostUsd: answer.conversation.costUsd,
      stopReason: answer.stopReason,
      cutOffAfterMs: answer.cutOffAfterMs,
      notes: [...fileProblems, ...notes],
      feedback: {
        conversation: conversationId,
        // Counted under the catalog's model, as compares count it, whichever profile was invoked.
        modelId: catalog.find(conversation.modelId)?.model.modelId ?? conversation.modelId,
        turn: conversation.turns.length,
      },
    });
    await reply.finish(first!);
    // Later parts are new messages: never retried blindly, since a timed-out post may have landed.
    for (const part of rest) await reply.postAfresh(part);
  }

  private failureNotice(error: unknown) {
    this.deps.logger.error({ err: error }, 'chat turn failed');
    return chatFailureNotice(error);
  }
}
