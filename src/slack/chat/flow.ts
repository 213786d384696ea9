import type { Catalog, CatalogSource } from '../../bedrock/catalog.js';
import { type ChatCommand, parseChatCommand } from '../../chat/command.js';
import type { ModelChoice } from '../../chat/model-choice.js';
import { type ChatService, PersonStop } from '../../chat/service.js';
import type { ChatTurns, TurnOutcome } from '../../chat/turn.js';
import type { WorkTracker } from '../../ops/work-tracker.js';
import type { Result } from '../../result.js';
import type { ConversationTurn } from '../../store/types.js';
import type { SlackFiles } from '../kit/files.js';
import { unknownModelNotice } from '../kit/notices.js';
import { problemNotice } from '../kit/problem.js';
import type { UserNames } from '../kit/user-names.js';
import {
  chatFailureMessage,
  chatFailureNotice,
  chatHelp,
  forgottenNotice,
  switchedNotice,
  whichModelNotice,
} from './blocks.js';
import { type ChatEvent, type Place, placeOf, type Voice, voiceFor } from './chat-event.js';
import { LiveReply, type ThreadReply } from './live-reply.js';
import { NativeReply, type NativeReplyDeps } from './native-reply.js';
import { ThinkingStatus } from './thinking-status.js';
import { threadTurns, withoutBotMention } from './thread-history.js';

export interface ChatFlowDeps extends NativeReplyDeps {
  /** `native` streams through chat.startStream where Slack allows it; `edit` edits a placeholder. */
  streamingMode: 'native' | 'edit';
  /** Least time between two changes of a thread's "is thinking…" status. */
  statusIntervalMs?: number;
  files: SlackFiles;
  catalog: CatalogSource;
  service: Pick<ChatService, 'forget' | 'keepShown'>;
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
      else await this.command(command, place, voice, event.panel);
    } catch (error) {
      await voice.post(this.failureNotice(error));
    }
  }

  private async command(command: Command, { at }: Place, voice: Voice, panel = false): Promise<void> {
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
      await voice.post(command.kind === 'help' ? chatHelp(name, panel) : whichModelNotice(name));
    }
  }

  /** A turn: admitted, answered into a live reply, which ends in a final state whatever happens. */
  private async turn(event: ChatEvent, place: Place, text: string, voice: Voice): Promise<void> {
    // Independent reads go out together (one Redis round trip with auto-pipelining).
    const native = this.streamsNatively(event, place);
    // Where no placeholder says so, the thread's status does (Slack sets it in threads only).
    const status =
      (native || event.panel) && place.threadTs
        ? new ThinkingStatus(
            this.deps.client,
            { channelId: event.channelId, threadTs: place.threadTs },
            this.deps.logger,
            this.deps.statusIntervalMs,
          )
        : undefined;
    const [catalog, admitted, author] = await Promise.all([
      this.deps.catalog.load(),
      this.deps.turns.admit(event.teamId, event.userId),
      this.deps.names.nameOf(event.teamId, event.userId),
      status?.start(),
    ]);
    if (!admitted.ok) {
      await voice.tell(problemNotice(admitted.problem));
      return;
    }
    const where = { teamId: event.teamId, channelId: event.channelId, replyTo: event.ts };
    // Slack lets the person stop a natively streamed answer; the model then stops too.
    const stop = new PersonStop();
    const reply: ThreadReply =
      native && place.threadTs
        ? new NativeReply(
            this.deps,
            { ...where, threadTs: place.threadTs, userId: event.userId },
            voice.post,
            (shown) => stop.stop(shown),
          )
        : await LiveReply.open(this.deps, { ...where, threadTs: place.threadTs }, voice.post);
    try {
      const turn: ConversationTurn = { role: 'user', text, author, ts: event.ts };
      await this.answer(catalog, event, place, { turn, stop }, reply, status);
    } catch (error) {
      await reply.finish(this.failureNotice(error));
    } finally {
      await status?.end();
    }
  }

  private async answer(
    catalog: Catalog,
    event: ChatEvent,
    place: Place,
    { turn, stop }: { turn: ConversationTurn; stop: PersonStop },
    reply: ThreadReply,
    status: ThinkingStatus | undefined,
  ): Promise<void> {
    const { files, names, client, limits, logger } = this.deps;
    const { attachments, problems } = await files.attachments(event.files);
    // Should the app be stopped before the answer is complete, what arrived is its final state.
    const release = this.deps.shutdown.closeOnShutdown(() => reply.stopped());
    try {
      const { teamId, channelId, botUserId, ts: currentTs } = event;
      const threadTs = place.earlierIn;
      const earlier = threadTs
        ? threadTurns(client, limits, names, { teamId, channelId, botUserId, threadTs, currentTs }, logger)
        : undefined;
      const outcome = await this.deps.turns.take(
        catalog,
        { ...place.at, turn, attachments, earlier, stop },
        (soFar, modelName, reasoning) => {
          if (!soFar) {
            // Still thinking: the latest line of thought shows in the status.
            if (reasoning) status?.reasoning(reasoning);
            return;
          }
          status?.answerStarted();
          reply.stream(modelName, soFar);
        },
      );
      await this.render(outcome, problems, reply, { catalog, conversationId: place.at.conversationId });
      // The person stopped the stream only as it ended, after the model had finished: the stored turn
      // becomes what they were shown (Bedrock's whole answer stays booked: it was generated).
      const answered = outcome.ok && outcome.value.kind === 'answered' ? outcome.value.reply : undefined;
      if (stop.signal.aborted && answered && !answered.stoppedByPerson) {
        await this.deps.service.keepShown(place.at.conversationId, answered.text, stop.shown);
      }
    } finally {
      release();
    }
  }

  private async render(
    outcome: Result<TurnOutcome>,
    fileProblems: string[],
    reply: ThreadReply,
    { catalog, conversationId }: { catalog: Catalog; conversationId: string },
  ) {
    if (!outcome.ok) return reply.finish(problemNotice(outcome.problem));
    if (outcome.value.kind === 'model-failed') {
      return reply.finish(chatFailureMessage(outcome.value.modelName, outcome.value.failure));
    }
    const { reply: answer, modelName, notes } = outcome.value;
    // The person stopped it in Slack: the message stays as they left it.
    if (answer.stoppedByPerson) return;
    const { conversation } = answer;
    await reply.finishAnswer(answer.text, {
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
  }

  /**
   * Whether the answer streams natively: it must be a reply in a thread (a top-level DM conversation
   * is answered at the top level, where Slack does not stream), in a channel where Slack has not
   * refused streaming for good.
   */
  private streamsNatively(event: ChatEvent, place: Place): boolean {
    return (
      this.deps.streamingMode === 'native' &&
      place.threadTs !== undefined &&
      this.deps.streaming.allows(event.channelId)
    );
  }

  private failureNotice(error: unknown) {
    this.deps.logger.error({ err: error }, 'chat turn failed');
    return chatFailureNotice(error);
  }
}
