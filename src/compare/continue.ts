import { failed, ok, problem, type Result } from '../result.js';
import { type Conversation, type ConversationStore, conversationId } from '../store/types.js';
import type { CompareRuns } from './runs.js';
import type { CompareRun, ModelRun } from './types.js';

/** The thread a compare message opens: its workspace, channel and the message's timestamp. */
export interface CompareThread {
  teamId: string;
  channelId: string;
  messageTs: string;
}

/**
 * The chat conversation "Continue with" starts from one model's part of a compare: the prompt and
 * that model's answer are its history, with what they cost, so the thread goes on where it left off.
 */
function conversationFromCompare(run: CompareRun, model: ModelRun): Conversation {
  const settings = {
    ...(model.modelFields ? { fields: model.modelFields } : {}),
    ...(model.serviceTier && model.serviceTier !== 'default' ? { serviceTier: model.serviceTier } : {}),
    ...(model.maxTokens ? { maxTokens: model.maxTokens } : {}),
  };
  return {
    modelId: model.invokeId,
    systemPrompt: run.options.system,
    // The thread calls the model as the compare did: thinking, effort and tier go on.
    ...(Object.keys(settings).length > 0 ? { modelSettings: { invokeId: model.invokeId, ...settings } } : {}),
    turns: [
      { role: 'user', text: run.prompt },
      { role: 'assistant', text: model.text },
    ],
    inputTokens: model.inputTokens ?? 0,
    outputTokens: model.outputTokens ?? 0,
    costUsd: model.costUsd ?? 0,
  };
}

/** "Continue with <model>": a conversation in the compare message's thread, carried on by mentions there. */
export class CompareContinuation {
  constructor(
    private readonly deps: {
      runs: Pick<CompareRuns, 'findModel'>;
      conversations: Pick<ConversationStore, 'saveConversation'>;
      conversationTtlSeconds: number;
    },
  ) {}

  /** Starts the thread's conversation with the model at `index`; returns that model. */
  async start(runId: string, index: number, thread: CompareThread): Promise<Result<ModelRun>> {
    const found = await this.deps.runs.findModel(runId, index, thread.teamId);
    if (!found.ok) return found;
    const { run, model } = found.value;
    // Only a finished answer can be carried on; an unfinished one would start the thread empty.
    if (model.status !== 'done') {
      return failed(
        problem('conflict', `${model.name} has no finished answer in this compare to continue with.`),
      );
    }
    await this.deps.conversations.saveConversation(
      conversationId(thread.teamId, thread.channelId, thread.messageTs),
      conversationFromCompare(run, model),
      this.deps.conversationTtlSeconds,
    );
    return ok(model);
  }
}
