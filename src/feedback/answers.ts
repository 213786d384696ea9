import { z } from 'zod';
import type { Leaderboard, Thumb } from '../compare/leaderboard.js';
import type { CompareRuns } from '../compare/runs.js';
import { ok, type Result } from '../result.js';
import { keys, RUN_TTL_SECONDS } from '../store/keys.js';
import type { ConversationStore, DedupeStore } from '../store/types.js';

/**
 * The answer a thumb is about, as its feedback button names it: one model of a compare, or one
 * answer in a thread conversation (the conversation, the model that wrote it and how many turns the
 * conversation had then, which tells its answers apart).
 */
export const feedbackTargetSchema = z.union([
  z.object({ run: z.string().min(1), model: z.number().int().nonnegative() }),
  z.object({ conversation: z.string().min(1), modelId: z.string().min(1), turn: z.number().int() }),
]);

export type FeedbackTarget = z.infer<typeof feedbackTargetSchema>;

/** What became of a thumb: counted, already given by this person, or on an answer the app no longer keeps. */
export type FeedbackOutcome = 'counted' | 'already-given' | 'expired';

export interface FeedbackGiver {
  teamId: string;
  userId: string;
}

/**
 * Thumbs up and down on single answers: stored per model on the workspace's leaderboard, once per
 * person per answer. A signal apart from "Best answer" votes, which weigh answers against each other.
 */
export class AnswerFeedback {
  constructor(
    private readonly deps: {
      runs: Pick<CompareRuns, 'findModel'>;
      conversations: ConversationStore;
      claims: DedupeStore;
      leaderboard: Pick<Leaderboard, 'recordFeedback'>;
      conversationTtlSeconds: number;
    },
  ) {}

  async give(target: FeedbackTarget, thumb: Thumb, who: FeedbackGiver): Promise<Result<FeedbackOutcome>> {
    const answer = await this.answer(target, who.teamId);
    if (!answer) return ok('expired');
    const claim = keys.feedbackGiven(answer.key, who.userId, answer.ttlSeconds);
    if (!(await this.deps.claims.claimOnce(claim.key, claim.ttlSeconds))) return ok('already-given');
    await this.deps.leaderboard.recordFeedback(who.teamId, answer.modelId, thumb);
    return ok('counted');
  }

  /** The answer still kept, with the model that wrote it; undefined once it has expired. */
  private async answer(
    target: FeedbackTarget,
    teamId: string,
  ): Promise<{ key: string; modelId: string; ttlSeconds: number } | undefined> {
    if ('run' in target) {
      const found = await this.deps.runs.findModel(target.run, target.model, teamId);
      if (!found.ok || found.value.model.status !== 'done') return undefined;
      return {
        key: `${target.run}:${target.model}`,
        modelId: found.value.model.modelId,
        ttlSeconds: RUN_TTL_SECONDS,
      };
    }
    // A conversation of another workspace is as gone as an expired one.
    if (!target.conversation.startsWith(`${teamId}:`)) return undefined;
    const conversation = await this.deps.conversations.getConversation(target.conversation);
    if (!conversation || conversation.turns.length < target.turn) return undefined;
    return {
      key: `${target.conversation}:${target.turn}`,
      modelId: target.modelId,
      ttlSeconds: this.deps.conversationTtlSeconds,
    };
  }
}
