import type { View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { CatalogSource } from '../../bedrock/catalog.js';
import type { CompareContinuation } from '../../compare/continue.js';
import type { CompareRequests } from '../../compare/request.js';
import type { CompareRuns } from '../../compare/runs.js';
import type { Verdict } from '../../compare/types.js';
import type { CompareVotes } from '../../compare/votes.js';
import { ok, type Result } from '../../result.js';
import type { SlackMessage } from '../kit/message.js';
import { notice } from '../kit/notices.js';
import { problemNotice } from '../kit/problem.js';
import type { Reply } from '../kit/reply.js';
import type { Requester } from '../kit/requester.js';
import { arenaThanks } from './arena.js';
import type { CompareFlow } from './flow.js';
import { fullAnswerModal } from './full-answer.js';
import { blindLabel, compareMessage, isHidden } from './message.js';
import { reasoningModal } from './reasoning.js';

export interface RunActionsDeps {
  client: WebClient;
  catalog: CatalogSource;
  requests: Pick<CompareRequests, 'again'>;
  runs: Pick<CompareRuns, 'find' | 'findModel'>;
  votes: CompareVotes;
  continuation: CompareContinuation;
  /** Where "Run again" starts its new compare. */
  compare: Pick<CompareFlow, 'start'>;
}

/** Where a button was clicked: the person, the channel and the compare message. */
export type Click = Requester & { messageTs: string };

/** What the buttons on a compare message do: each a use case, its outcome shown in Slack. */
export class CompareRunActions {
  constructor(private readonly deps: RunActionsDeps) {}

  /** "Run again": the same prompt, models and options, as a new message. */
  async rerun(runId: string, requester: Requester, respond: Reply): Promise<void> {
    const previous = await this.settled(this.deps.runs.find(runId, requester.teamId), respond);
    if (!previous) return;
    const catalog = await this.deps.catalog.load();
    await this.deps.compare.start(this.deps.requests.again(previous, catalog), requester, respond);
  }

  /** "Best answer": the message shows the new tally. */
  async vote(runId: string, index: number, voter: Click, respond: Reply): Promise<void> {
    const voted = await this.settled(this.deps.votes.vote(runId, index, voter), respond);
    if (voted) await this.redraw(voter, compareMessage(voted.run, { votes: voted.tally }));
  }

  /** A blind compare's verdict: the message reveals the models and their figures. */
  async blindVerdict(runId: string, verdict: Verdict, judge: Click, respond: Reply): Promise<void> {
    const judged = await this.settled(this.deps.votes.giveVerdict(runId, verdict, judge), respond);
    if (!judged) return;
    // An arena run stays blind for the others: only the voter learns which model wrote what.
    if (judged.options.arena) await respond({ response_type: 'ephemeral', ...arenaThanks(judged, verdict) });
    else await this.redraw(judge, compareMessage(judged));
  }

  /** "Show full answer": a modal with one model's whole answer. */
  async fullAnswer(runId: string, index: number, requester: Requester): Promise<Result<View>> {
    const found = await this.deps.runs.findModel(runId, index, requester.teamId);
    return found.ok ? ok(fullAnswerModal(found.value.run, index)) : found;
  }

  /** "Show reasoning": a modal with one model's whole reasoning, apart from its answer. */
  async reasoning(runId: string, index: number, requester: Requester): Promise<Result<View>> {
    const found = await this.deps.runs.findModel(runId, index, requester.teamId);
    if (!found.ok) return found;
    const { run } = found.value;
    return ok(reasoningModal(run, index, isHidden(run) ? `Answer ${blindLabel(index)}` : undefined));
  }

  /** "Continue with <model>": the thread carries on with that model; the thread is told how. */
  async continueWith(runId: string, index: number, where: Click, respond: Reply): Promise<void> {
    const model = await this.settled(this.deps.continuation.start(runId, index, where), respond);
    if (!model) return;
    await this.deps.client.chat.postMessage({
      channel: where.channelId,
      thread_ts: where.messageTs,
      ...notice(
        `<@${where.userId}> is continuing with *${model.name}* in this thread. Mention me here to go on; I remember the prompt and its answer.`,
        ':speech_balloon:',
        [where.userId],
      ),
    });
  }

  /** A use case's value, or undefined once its problem has been told to the person who asked. */
  private async settled<T>(outcome: Promise<Result<T>>, respond: Reply): Promise<T | undefined> {
    const result = await outcome;
    if (result.ok) return result.value;
    await respond({ response_type: 'ephemeral', ...problemNotice(result.problem) });
    return undefined;
  }

  private async redraw(where: Click, message: SlackMessage): Promise<void> {
    await this.deps.client.chat.update({ channel: where.channelId, ts: where.messageTs, ...message });
  }
}
