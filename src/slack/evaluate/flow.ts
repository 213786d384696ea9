import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Arena } from '../../compare/arena.js';
import { resultsChart } from '../../evaluate/chart.js';
import type { EvaluationPlan, Evaluations } from '../../evaluate/evaluations.js';
import { answerUnit } from '../../evaluate/evaluations.js';
import type { EvaluationPlanner } from '../../evaluate/planner.js';
import { type EvaluateCommand, parseEvaluateText } from '../../evaluate/request.js';
import { judgedPairs, progressOf, resultsCsv, summarize, worstRows } from '../../evaluate/results.js';
import type { EvaluationRunner, RunEnd } from '../../evaluate/runner.js';
import type { Logger } from '../../logger.js';
import type { WorkTracker } from '../../ops/work-tracker.js';
import { problem } from '../../result.js';
import type { ChatEvent } from '../chat/chat-event.js';
import { voiceFor } from '../chat/chat-event.js';
import type { SlackFile, SlackFiles } from '../kit/files.js';
import type { FormSeal } from '../kit/form-origin.js';
import type { SlackMessage } from '../kit/message.js';
import { notice } from '../kit/notices.js';
import { problemNotice } from '../kit/problem.js';
import type { Reply } from '../kit/reply.js';
import type { Requester } from '../kit/requester.js';
import { ThrottledMessage, updatesOf } from '../kit/throttled-message.js';
import {
  answerMessage,
  endedMessage,
  estimateMessage,
  progressMessage,
  resultsMessage,
  withdrawnMessage,
} from './blocks.js';
import { evaluateModal } from './modal.js';

export interface EvaluateFlowDeps {
  client: WebClient;
  files: SlackFiles;
  planner: EvaluationPlanner;
  evaluations: Evaluations;
  runner: EvaluationRunner;
  /** Seals the channel a form was opened from into the form. */
  seal: FormSeal;
  /** Pairwise judges' verdicts join the arena's ratings (counted only when the board asks for them). */
  arena: Pick<Arena, 'recordJudged'>;
  logger: Logger;
  work: WorkTracker;
  /** How often the progress message may change: every few seconds, well within chat.update's limits. */
  progressIntervalMs?: number;
}

/** Who clicked a button, where. */
export interface EvaluateClick {
  userId: string;
  channelId: string;
}

/** A prompt set of 500 rows with long prompts fits well within this; more is not a prompt set. */
const MAX_SET_BYTES = 5 * 1024 * 1024;
const WORST_SHOWN = 5;
const MENTION_THEN_EVALUATE = /^\s*(?:<@[A-Z0-9]+>\s*)?evaluate\b/i;

/**
 * Evaluations in Slack: a mention with a prompt set gets an estimate with Start; Start runs it with
 * a progress message kept in step every few seconds (Cancel on it); the results, a chart and the CSV
 * go in the thread. Every replica joins the evaluations under way at start and then every sweep,
 * so a restart or a dead replica only pauses one.
 */
export class EvaluateFlow {
  /** Evaluations this replica is running or posting the results of: a sweep leaves them be. */
  private readonly driving = new Set<string>();

  constructor(private readonly deps: EvaluateFlowDeps) {}

  /** True when a mention asks for an evaluation (`@Bedrock evaluate …`). */
  static wants(text: string): boolean {
    return MENTION_THEN_EVALUATE.test(text);
  }

  /** `/evaluate [models and options]`: the form, with what was typed filled in; the file is attached there. */
  async handleCommand(
    text: string,
    requester: Requester,
    _respond: RespondFn,
    triggerId: string,
  ): Promise<void> {
    await this.deps.client.views.open({
      trigger_id: triggerId,
      view: evaluateModal(this.deps.seal.seal(requester), text.trim()),
    });
  }

  /** A submitted form: the estimate is posted in the channel the form was opened from, its thread the evaluation's. */
  async fromForm(
    requester: Requester,
    command: EvaluateCommand,
    file: SlackFile,
    reply: Reply,
  ): Promise<void> {
    const tell = (message: SlackMessage) => reply({ response_type: 'ephemeral', ...message });
    const text = await this.deps.files.text(file, MAX_SET_BYTES);
    if (!text.ok) return void (await tell(problemNotice(text.problem)));
    // The thread is the estimate message's own, known once it is posted.
    const planned = await this.deps.planner.prepare({ ...requester, threadTs: '' }, command, {
      name: file.name,
      text: text.value,
    });
    if (!planned.ok) return void (await tell(problemNotice(planned.problem)));
    const { plan, estimate, budget } = planned.value;
    const posted = await this.deps.client.chat.postMessage({
      channel: requester.channelId,
      ...estimateMessage(plan, estimate, budget),
    });
    await this.deps.evaluations.savePlan({ ...plan, threadTs: String(posted.ts) });
  }

  async handleMention(event: ChatEvent): Promise<void> {
    const threadTs = event.threadTs ?? event.ts;
    const voice = voiceFor(this.deps.client, event, threadTs);
    const refuse = (message: string) => voice.tell(problemNotice(problem('invalid', message)));
    const command = parseEvaluateText(event.text.replace(MENTION_THEN_EVALUATE, ''));
    if (!command.ok) return void (await voice.tell(problemNotice(command.problem)));
    const [file, ...others] = event.files;
    if (!file)
      return void (await refuse(
        'Attach the prompt set to the same message: a `.csv` file with a `prompt` column, or a `.jsonl` file with one `{"prompt": "…"}` a line.',
      ));
    if (others.length > 0) return void (await refuse('Attach one prompt set at a time.'));
    const text = await this.deps.files.text(file, MAX_SET_BYTES);
    if (!text.ok) return void (await voice.tell(problemNotice(text.problem)));
    const planned = await this.deps.planner.prepare(
      { teamId: event.teamId, userId: event.userId, channelId: event.channelId, threadTs },
      command.value,
      { name: file.name, text: text.value },
    );
    if (!planned.ok) return void (await voice.tell(problemNotice(planned.problem)));
    const { plan, estimate, budget } = planned.value;
    await voice.post(estimateMessage(plan, estimate, budget));
  }

  /** Start, by the person who asked: the estimate message becomes the progress message. */
  async start(click: EvaluateClick, id: string, messageTs: string, respond: RespondFn): Promise<void> {
    const plan = await this.deps.evaluations.plan(id);
    if (!plan) return void (await respond(ephemeral(problemNotice(gone))));
    if (plan.userId !== click.userId)
      return void (await respond(
        ephemeral(
          notice(
            `Only <@${plan.userId}>, who asked for this evaluation, can start it: it is paid from their budget.`,
            ':lock:',
            [plan.userId],
          ),
        ),
      ));
    const control = await this.deps.evaluations.control(id);
    if (control.cancelled) return void (await respond(ephemeral(notice('This evaluation was cancelled.'))));
    if (!(await this.deps.evaluations.flag(id, 'started', { by: click.userId, messageTs })))
      return void (await respond(
        ephemeral(notice('This evaluation is already running.', ':hourglass_flowing_sand:')),
      ));
    await this.deps.evaluations.markRunning(id);
    this.drive(id);
  }

  /** Cancel: before Start it withdraws the estimate; while running it stops claiming rows. */
  async cancel(click: EvaluateClick, id: string, messageTs: string, respond: RespondFn): Promise<void> {
    const plan = await this.deps.evaluations.plan(id);
    if (!plan) return void (await respond(ephemeral(problemNotice(gone))));
    if (plan.userId !== click.userId)
      return void (await respond(
        ephemeral(
          notice(`Only <@${plan.userId}>, who asked for this evaluation, can cancel it.`, ':lock:', [
            plan.userId,
          ]),
        ),
      ));
    const control = await this.deps.evaluations.control(id);
    if (control.finished)
      return void (await respond(
        ephemeral(notice('This evaluation has already finished.', ':information_source:')),
      ));
    if (!(await this.deps.evaluations.flag(id, 'cancelled', { by: click.userId }))) return;
    if (!control.started) {
      await this.deps.client.chat.update({
        channel: plan.channelId,
        ts: messageTs,
        ...withdrawnMessage(plan, click.userId),
      });
    }
    // A running evaluation's own driver sees the flag, lets the rows in flight finish and posts what was done.
  }

  /** Show: one of the worst answers in full, to the person who clicked. */
  async show(value: string, respond: RespondFn): Promise<void> {
    const target = parseShow(value);
    const plan = target ? await this.deps.evaluations.plan(target.evaluation) : undefined;
    const answer =
      plan && target
        ? (await this.deps.evaluations.results(plan.id)).get(answerUnit(target.row, target.model))
        : undefined;
    if (!plan || answer?.kind !== 'answer') return void (await respond(ephemeral(problemNotice(gone))));
    await respond(ephemeral(answerMessage(plan, answer)));
  }

  /** Shutting down: no new rows are claimed here; those in flight are recorded before the drain ends. */
  stop(): void {
    this.deps.runner.stop();
  }

  /** Joins every evaluation under way that this replica is not running yet. */
  async resumeRunning(): Promise<void> {
    const ids = await this.deps.evaluations.running();
    for (const id of ids) this.drive(id);
  }

  /** Runs the evaluation here, keeping its message in step while this replica is its driver. */
  private drive(id: string): void {
    if (this.driving.has(id)) return;
    this.driving.add(id);
    this.deps.work.run(async () => {
      try {
        await this.driveNow(id);
      } catch (error) {
        this.deps.logger.error(
          { err: error, evaluation: id },
          'an evaluation failed here; another sweep carries it on',
        );
      } finally {
        this.driving.delete(id);
      }
    });
  }

  private async driveNow(id: string): Promise<void> {
    const { evaluations, runner, client } = this.deps;
    const plan = await evaluations.plan(id);
    if (!plan) {
      await evaluations.markStopped(id);
      return;
    }
    const started = (await evaluations.control(id)).started;
    const messageTs = started?.messageTs ?? '';
    const startedAt = started?.at ?? Date.now();
    const message = new ThrottledMessage(
      updatesOf(client, plan.channelId, messageTs),
      (error) =>
        this.deps.logger.warn(
          { err: error, evaluation: id },
          'a progress update failed; the next one replaces it',
        ),
      this.deps.progressIntervalMs ?? 3000,
    );
    const end = await runner.run(id, (results) => {
      void evaluations
        .drive(id, runner.owner)
        .then((driving) => {
          if (driving)
            message.update(() => progressMessage(plan, progressOf(plan, results, startedAt, Date.now())));
        })
        .catch(() => {});
    });
    if (end === 'gone') return;
    // Shutting down: the driver's part goes to another replica now, not when its lock runs out.
    if (end === 'stopped') return void (await evaluations.undrive(id, runner.owner));
    if (!(await evaluations.drive(id, runner.owner))) return;
    if ((await evaluations.control(id)).posted) return;
    await this.finish(plan, end, message, startedAt);
  }

  /** The final state of the progress message, then the results, chart and CSV in the thread, once. */
  private async finish(
    plan: EvaluationPlan,
    end: RunEnd,
    message: ThrottledMessage,
    startedAt: number,
  ): Promise<void> {
    const { evaluations, client } = this.deps;
    const results = await evaluations.results(plan.id);
    const control = await evaluations.control(plan.id);
    const progress = progressOf(plan, results, startedAt, Date.now());
    await message.finish(
      endedMessage(
        plan,
        progress,
        end === 'finished'
          ? { kind: 'finished' }
          : { kind: 'cancelled', by: control.cancelled?.by, reason: control.cancelled?.reason },
      ),
    );
    const summary = summarize(plan, results);
    const where = { channel: plan.channelId, thread_ts: plan.threadTs };
    if (plan.pairwise) await this.deps.arena.recordJudged(plan.teamId, plan.id, judgedPairs(plan, results));
    await client.chat.postMessage({
      ...where,
      ...resultsMessage(plan, summary, worstRows(results, WORST_SHOWN)),
    });
    // Posted once: from here a failure (an upload refused) is told in the thread, never retried into a second table.
    await evaluations.flag(plan.id, 'posted');
    await evaluations.markStopped(plan.id);
    await this.upload(plan, summary, results).catch(async (error: unknown) => {
      this.deps.logger.warn(
        { err: error, evaluation: plan.id },
        'could not upload the results chart and CSV',
      );
      await client.chat.postMessage({
        ...where,
        ...notice(
          'I could not upload the chart and the CSV of the results: the app needs the `files:write` scope (reinstall it from the manifest). The table above is complete.',
        ),
      });
    });
  }

  /** The chart (PNG) and every answer (CSV), uploaded into the evaluation's thread. */
  private async upload(
    plan: EvaluationPlan,
    summary: ReturnType<typeof summarize>,
    results: Awaited<ReturnType<Evaluations['results']>>,
  ): Promise<void> {
    const base = plan.setName.replace(/\.[^.]+$/, '');
    await this.deps.client.files.uploadV2({
      channel_id: plan.channelId,
      thread_ts: plan.threadTs,
      initial_comment: 'The chart and every answer, as CSV.',
      file_uploads: [
        {
          file: await resultsChart(plan, summary, results),
          filename: `${base}-results.png`,
          title: `${plan.setName}: quality against cost, latency`,
        },
        {
          file: Buffer.from(resultsCsv(plan, results), 'utf8'),
          filename: `${base}-results.csv`,
          title: `${plan.setName}: every answer`,
        },
      ],
    });
  }
}

const gone = problem(
  'gone',
  'This evaluation is no longer kept: its results expire after CONVERSATION_TTL_DAYS. Run it again.',
);

function ephemeral(message: SlackMessage) {
  return { response_type: 'ephemeral' as const, replace_original: false, ...message };
}

function parseShow(value: string): { evaluation: string; row: number; model: number } | undefined {
  try {
    const parsed = JSON.parse(value) as { evaluation?: unknown; row?: unknown; model?: unknown };
    return typeof parsed.evaluation === 'string' &&
      typeof parsed.row === 'number' &&
      typeof parsed.model === 'number'
      ? { evaluation: parsed.evaluation, row: parsed.row, model: parsed.model }
      : undefined;
  } catch {
    return undefined;
  }
}
