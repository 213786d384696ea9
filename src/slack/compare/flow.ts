import type { WebClient } from '@slack/web-api';
import { type Catalog, type CatalogSource, producesText, type ResolvedModel } from '../../bedrock/catalog.js';
import type { ModelFailure } from '../../bedrock/errors.js';
import type { Attachment } from '../../bedrock/messages.js';
import { type CompareForm, checkCompareForm } from '../../compare/form.js';
import type { Leaderboard } from '../../compare/leaderboard.js';
import { type CompareCommand, parseCompareText, type WordKind } from '../../compare/parse.js';
import type { CompareInput, CompareService } from '../../compare/service.js';
import { RUN_TTL_SECONDS } from '../../compare/service.js';
import { summarize } from '../../compare/summary.js';
import type { CompareRun, ModelRun, Verdict } from '../../compare/types.js';
import type { Logger } from '../../logger.js';
import type { WorkTracker } from '../../ops/work-tracker.js';
import type { ConversationStore, CounterStore, DedupeStore, PreferenceStore } from '../../store/types.js';
import { conversationId, StoreUnavailableError } from '../../store/types.js';
import type { UsageGuard } from '../../usage/guard.js';
import { catalogFailure, EXPIRED_RUN } from '../kit/failures.js';
import type { SlackFile, SlackFiles } from '../kit/files.js';
import type { FormSeal } from '../kit/form-origin.js';
import type { SlackMessage } from '../kit/message.js';
import {
  compareHelp,
  type ModelNameExamples,
  noTextNotice,
  notice,
  unknownModelNotice,
} from '../kit/notices.js';
import type { Reply } from '../kit/reply.js';
import type { Requester } from '../kit/requester.js';

import { type RetryTiming, retryInBackground } from '../kit/retry.js';

import { deliverFinal, ThrottledMessage } from '../kit/throttled-message.js';

import { leaderboardMessage } from './leaderboard.js';

import { blindLabel, compareMessage, isHidden } from './message.js';

import { compareModal } from './modal.js';

export interface CompareFlowDeps {
  client: WebClient;
  catalog: CatalogSource;
  service: CompareService;
  guard: UsageGuard;
  preferences: PreferenceStore;
  /** Votes, one per person per run. */
  votes: CounterStore & DedupeStore;
  leaderboard: Leaderboard;
  conversations: ConversationStore;
  conversationTtlSeconds: number;
  files: SlackFiles;
  defaultMaxTokens: number;
  defaultModels: string[];
  maxModels: number;
  /** Seals where the /compare form was opened, so its submission posts there and nowhere else. */
  seal: FormSeal;
  logger: Logger;
  /** Where a compare still streaming is closed if the app stops first. */
  shutdown: Pick<WorkTracker, 'closeOnShutdown'>;
  /** For final updates. */
  slackRetry: RetryTiming;
  /** For storing a finished run while the store is unreachable. */
  storeRetry: RetryTiming;
  updateIntervalMs?: number;
}

// Shaped like a model name (`nova-mikro`, `anthropic.claude-x`), so a typo is reported, not sent as prose.
const MODEL_SHAPED = /^[a-z0-9]+(?:[.:_-][a-z0-9]+)+$/i;
// Only a model ID looks like this: a Bedrock provider's prefix, or a version suffix (`-v2`, `-v1:0`).
// Other dotted words (`node.js`, `3.5`) stay prose.
const MODEL_ID_SHAPED =
  /^(?:(?:us|eu|apac|global)\.)?(?:amazon|anthropic|meta|mistral|cohere|ai21|deepseek|openai|qwen|writer|stability|luma|twelvelabs)\.|-v\d+(?::\d+)*$/i;

/** Help's examples, from the live catalog: three short names, a model ID and a profile ID that resolve. */
function helpExamples(catalog: Catalog): ModelNameExamples {
  const names = catalog.exampleNames(3);
  const first = names[0] ? catalog.find(names[0])?.model : undefined;
  const profiled = catalog.invocableTextModels().find((model) => model.profileIds.length > 0);
  return { names, modelId: first?.modelId, profileId: profiled?.profileIds[0] };
}

/** Errors Slack gives when the bot may not post in a channel; the answer then goes via response_url. */
const NOT_IN_CHANNEL = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action']);

/** /compare from a Slack command to a streamed Block Kit message. Knows Slack; the service does not. */
export class CompareFlow {
  constructor(private readonly deps: CompareFlowDeps) {}

  async handleCommand(text: string, requester: Requester, respond: Reply, triggerId?: string): Promise<void> {
    const ephemeral = (message: SlackMessage) => respond({ response_type: 'ephemeral', ...message });
    let catalog: Catalog;
    try {
      catalog = await this.deps.catalog.load();
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      // Already logged, with its status and request id, by the Bedrock clients' failure log.
      await ephemeral(notice(catalogFailure(error)));
      return;
    }
    const command = parseCompareText(text, (word) => this.classify(catalog, word));
    if (command.kind === 'modal' && triggerId) {
      await this.openForm(catalog, requester, triggerId);
      return;
    }
    const resolved = await this.interpret(command, catalog, requester);
    if ('message' in resolved) {
      await ephemeral(resolved.message);
      return;
    }
    await this.admitAndStream(resolved, requester, respond);
  }

  /** "Run again": the same prompt, models and options, as a new message. */
  async rerun(runId: string, requester: Requester, respond: Reply): Promise<void> {
    const previous = await this.runOf(runId, requester);
    if (!previous) {
      await respond({ response_type: 'ephemeral', ...notice(EXPIRED_RUN) });
      return;
    }
    const catalog = await this.deps.catalog.load();
    const models: ResolvedModel[] = [];
    for (const model of previous.models) {
      const resolution = catalog.resolve(model.invokeId);
      if (resolution.ok) models.push(resolution.resolved);
    }
    await this.admitAndStream(
      { models, prompt: previous.prompt, options: previous.options },
      requester,
      respond,
    );
  }

  /** The /compare form, its models picked from the live catalog, the user's set (or the default) ticked. */
  private async openForm(catalog: Catalog, requester: Requester, triggerId: string): Promise<void> {
    const saved = (await this.deps.preferences.getPreferences(requester.teamId, requester.userId))
      .compareModels;
    const initial = (saved?.length ? saved : this.deps.defaultModels)
      .map((name) => catalog.find(name)?.model.modelId)
      .filter((id): id is string => id !== undefined);
    await this.deps.client.views.open({
      trigger_id: triggerId,
      view: compareModal(catalog.invocableTextModels(), initial, {
        privateMetadata: this.deps.seal.seal(requester),
        maxModels: this.deps.maxModels,
        defaultMaxTokens: this.deps.defaultMaxTokens,
      }),
    });
  }

  /** Checks a submitted form, fast enough for the submission's 3-second ack. */
  async checkForm(form: CompareForm): Promise<ReturnType<typeof checkCompareForm>> {
    return checkCompareForm(form, await this.deps.catalog.load(), this.deps.maxModels);
  }

  /** Runs a checked form: saves the set when asked, fetches the images, then compares. */
  async runForm(
    input: Exclude<ReturnType<typeof checkCompareForm>, { errors: unknown }>,
    extras: { save: boolean; files: SlackFile[] },
    requester: Requester,
    respond: Reply,
  ): Promise<void> {
    if (extras.save) {
      await this.deps.preferences.setPreferences(requester.teamId, requester.userId, {
        compareModels: input.models.map(({ model }) => model.modelId),
      });
      await respond({
        response_type: 'ephemeral',
        ...notice(
          `Saved as your default set: ${input.models.map(({ model }) => `*${model.name}*`).join(', ')}. \`/compare <prompt>\` now uses them.`,
          ':floppy_disk:',
        ),
      });
    }
    const { attachments, problems } = await this.deps.files.attachments(extras.files);
    const images = attachments.filter((file) => file.kind === 'image');
    if (problems.length > 0) await respond({ response_type: 'ephemeral', ...notice(problems.join('\n')) });
    await this.admitAndStream(input, requester, respond, images);
  }

  /** A compare of models chosen elsewhere (a custom model and its base), with default options. */
  async runModels(
    models: ResolvedModel[],
    prompt: string,
    requester: Requester,
    respond: Reply,
  ): Promise<void> {
    await this.admitAndStream({ models, prompt, options: { blind: false } }, requester, respond);
  }

  /** Counts the request against the user's limits, then plans and streams the compare. */
  private async admitAndStream(
    input: Pick<CompareInput, 'models' | 'prompt' | 'options'>,
    requester: Requester,
    respond: Reply,
    images: Attachment[] = [],
  ): Promise<void> {
    const decision = await this.deps.guard.admit(requester.teamId, requester.userId);
    if (!decision.ok) {
      await respond({ response_type: 'ephemeral', ...notice(decision.problem.message, ':hourglass:') });
      return;
    }
    const run = this.deps.service.plan({
      ...input,
      teamId: requester.teamId,
      userId: requester.userId,
      imageCount: images.length,
    });
    await this.stream(run, requester, respond, images);
  }

  /** "Best answer": one vote per person per run, counted for the run and the workspace leaderboard. */
  async vote(
    runId: string,
    index: number,
    voter: Requester & { messageTs: string },
    respond: Reply,
  ): Promise<void> {
    const run = await this.runOf(runId, voter);
    const model = run?.models[index];
    if (!run || !model) {
      await respond({ response_type: 'ephemeral', ...notice(EXPIRED_RUN) });
      return;
    }
    if (run.options.blind) {
      // A blind compare is judged once, by its requester's verdict; a vote would count it again.
      await respond({
        response_type: 'ephemeral',
        ...notice(
          `A blind compare has no votes: <@${run.userId}>, who ran it, picks the best answer.`,
          ':see_no_evil:',
          [run.userId],
        ),
      });
      return;
    }
    const { votes } = this.deps;
    if (!(await votes.claimOnce(`vote:${runId}:${voter.userId}`, RUN_TTL_SECONDS))) {
      await respond({
        response_type: 'ephemeral',
        ...notice('You have already voted on this compare.', ':ballot_box_with_ballot:'),
      });
      return;
    }
    await Promise.all([
      votes.increment(`votes:${runId}`, String(index), 1),
      this.deps.leaderboard.recordVerdict(run, index),
    ]);
    const tally = await votes.readCounters(`votes:${runId}`);
    await this.deps.client.chat.update({
      channel: voter.channelId,
      ts: voter.messageTs,
      ...compareMessage(run, { votes: tally }),
    });
  }

  /**
   * A blind compare's verdict, by the person who ran it: reveals the models and figures and counts
   * for the leaderboard, once.
   */
  async blindVerdict(
    runId: string,
    verdict: Verdict,
    voter: Requester & { messageTs: string },
    respond: Reply,
  ): Promise<void> {
    const run = await this.runOf(runId, voter);
    if (!run?.options.blind || (typeof verdict === 'number' && !run.models[verdict])) {
      await respond({ response_type: 'ephemeral', ...notice(EXPIRED_RUN) });
      return;
    }
    if (voter.userId !== run.userId) {
      await respond({
        response_type: 'ephemeral',
        ...notice(
          `Only <@${run.userId}>, who ran this blind compare, gives its verdict; the models show once they do.`,
          ':see_no_evil:',
          [run.userId],
        ),
      });
      return;
    }
    if (!(await this.deps.votes.claimOnce(`verdict:${runId}`, RUN_TTL_SECONDS))) {
      await respond({
        response_type: 'ephemeral',
        ...notice('This blind compare already has its verdict.', ':ballot_box_with_ballot:'),
      });
      return;
    }
    run.verdict = { by: voter.userId, verdict };
    await Promise.all([this.deps.service.save(run), this.deps.leaderboard.recordVerdict(run, verdict)]);
    await this.deps.client.chat.update({
      channel: voter.channelId,
      ts: voter.messageTs,
      ...compareMessage(run),
    });
  }

  /**
   * The whole answer of one model, for "Show full answer"; while a blind compare hides its models,
   * under its letter (`hiddenAs`) only.
   */
  async fullAnswer(
    runId: string,
    index: number,
    requester: Requester,
  ): Promise<{ model: ModelRun; hiddenAs?: string } | undefined> {
    const run = await this.runOf(runId, requester);
    const model = run?.models[index];
    if (!run || !model) return undefined;
    return isHidden(run) ? { model, hiddenAs: `Answer ${blindLabel(index)}` } : { model };
  }

  /** A stored run, when it belongs to the workspace of the person acting on it. */
  private async runOf(runId: string, requester: Requester): Promise<CompareRun | undefined> {
    const run = await this.deps.service.load(runId);
    return run?.teamId === requester.teamId ? run : undefined;
  }

  /**
   * "Continue with <model>": a conversation in the compare message's thread whose history already
   * holds the prompt and that model's answer, so mentioning the bot there carries on.
   */
  async continueWith(
    runId: string,
    index: number,
    where: Requester & { messageTs: string },
    respond: Reply,
  ): Promise<string | undefined> {
    const run = await this.runOf(runId, where);
    const model = run?.models[index];
    if (!run || !model) {
      await respond({ response_type: 'ephemeral', ...notice(EXPIRED_RUN) });
      return undefined;
    }
    // Only a finished answer can be carried on; an unfinished one would start the thread empty.
    if (model.status !== 'done') {
      await respond({
        response_type: 'ephemeral',
        ...notice(`${model.name} has no finished answer in this compare to continue with.`),
      });
      return undefined;
    }
    await this.deps.conversations.saveConversation(
      conversationId(where.teamId, where.channelId, where.messageTs),
      {
        modelId: model.invokeId,
        systemPrompt: run.options.system,
        turns: [
          { role: 'user', text: run.prompt },
          { role: 'assistant', text: model.text },
        ],
        inputTokens: model.inputTokens ?? 0,
        outputTokens: model.outputTokens ?? 0,
        costUsd: model.costUsd ?? 0,
      },
      this.deps.conversationTtlSeconds,
    );
    await this.deps.client.chat.postMessage({
      channel: where.channelId,
      thread_ts: where.messageTs,
      ...notice(
        `<@${where.userId}> is continuing with *${model.name}* in this thread. Mention me here to go on; I remember the prompt and its answer.`,
        ':speech_balloon:',
        [where.userId],
      ),
    });
    return model.name;
  }

  private unknownModel(catalog: Catalog, word: string, suggestions: string[]) {
    return unknownModelNotice(word, suggestions, suggestions.length ? [] : catalog.exampleNames(4));
  }

  private classify(catalog: Catalog, word: string): WordKind {
    if (catalog.isModel(word)) return 'model';
    if (!MODEL_SHAPED.test(word)) return 'text';
    return MODEL_ID_SHAPED.test(word) || catalog.suggest(word.toLowerCase()).length > 0
      ? 'unknown-model'
      : 'text';
  }

  private async interpret(
    command: CompareCommand,
    catalog: Catalog,
    requester: Requester,
  ): Promise<
    | { message: SlackMessage }
    | {
        models: ResolvedModel[];
        prompt: string;
        options: Extract<CompareCommand, { kind: 'run' }>['options'];
      }
  > {
    const { maxModels, defaultModels } = this.deps;
    switch (command.kind) {
      case 'help':
      case 'modal':
        return { message: compareHelp(maxModels, defaultModels, helpExamples(catalog)) };
      case 'leaderboard': {
        const standings = await this.deps.leaderboard.standings(requester.teamId);
        const nameOf = (modelId: string) => catalog.find(modelId)?.model.name ?? modelId;
        return { message: leaderboardMessage(standings, nameOf) };
      }
      case 'error':
        return { message: notice(command.message) };
      case 'unknown-model':
        return {
          message: this.unknownModel(catalog, command.word, catalog.suggest(command.word.toLowerCase())),
        };
      case 'run': {
        let names = command.models;
        if (names.length === 0) {
          const saved = (await this.deps.preferences.getPreferences(requester.teamId, requester.userId))
            .compareModels;
          names = saved?.length ? saved : defaultModels;
        }
        const models: ResolvedModel[] = [];
        for (const name of names) {
          const resolution = catalog.resolve(name);
          if (!resolution.ok) return { message: this.unknownModel(catalog, name, resolution.suggestions) };
          const named = resolution.resolved.model;
          if (!producesText(named)) return { message: noTextNotice(named.name, named.outputModalities) };
          if (!models.some((model) => model.invokeId === resolution.resolved.invokeId))
            models.push(resolution.resolved);
        }
        if (models.length < 2) {
          return {
            message: notice(
              `A compare needs at least 2 different models; ${models.length === 1 ? `only \`${names[0]}\` was named` : 'none were named'}. Example: \`/compare nova-micro sonnet ${command.prompt.slice(0, 60)}\``,
            ),
          };
        }
        if (models.length > maxModels) {
          return {
            message: notice(
              `That’s ${models.length} models; a compare takes at most ${maxModels} so the answers stay readable side by side.`,
            ),
          };
        }
        return { models, prompt: command.prompt, options: command.options };
      }
    }
  }

  /** Posts placeholders, streams every model into the message, and ends with the full figures. */
  private async stream(
    run: CompareRun,
    requester: Requester,
    respond: Reply,
    images: Attachment[],
  ): Promise<void> {
    const { client, service } = this.deps;
    let ts: string | undefined;
    try {
      const posted = await client.chat.postMessage({ channel: requester.channelId, ...compareMessage(run) });
      ts = posted.ts;
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error;
      if (!code || !NOT_IN_CHANNEL.has(code)) throw error;
    }
    if (!ts) {
      // The bot cannot post here: answer once, through the command's response_url, when all are done.
      await respond({
        response_type: 'ephemeral',
        ...notice(
          'I’m not a member of this channel, so the compare will appear here when it finishes. Invite me with `/invite @Bedrock` to see answers stream in.',
          ':information_source:',
        ),
      });
      const final = await service.execute(run, () => {}, images);
      await respond({ response_type: 'in_channel', ...compareMessage(final) });
      await this.booking(final)();
      return;
    }
    const channel = requester.channelId;
    const messageTs = ts;
    const live = new ThrottledMessage(
      async (message) => {
        await client.chat.update({ channel, ts: messageTs, ...message });
      },
      (error) => this.deps.logger.warn({ err: error }, 'compare streaming update failed'),
      this.deps.updateIntervalMs,
    );
    const finalize = (finished: CompareRun) =>
      deliverFinal(
        live,
        compareMessage(finished),
        (message) => client.chat.postMessage({ channel, ...message }),
        this.deps.slackRetry,
        (error) =>
          this.deps.logger.warn(
            { err: error },
            'the final compare update failed until its deadline; posting it afresh',
          ),
      );
    // Should the app be stopped first, each model keeps what arrived, marked as stopped, and the run
    // is stored so "Run again" works.
    const release = this.deps.shutdown.closeOnShutdown(async () => {
      endUnfinished(run, STOPPED);
      await service
        .save(run)
        .catch((error: unknown) =>
          this.deps.logger.warn({ err: error }, 'could not store a stopped compare'),
        );
      await live.finish(compareMessage(run));
    });
    try {
      const final = await this.executeKeepingRun(run, live, images);
      await finalize(final);
      const book = this.booking(final);
      await book().catch((error: unknown) => {
        if (!(error instanceof StoreUnavailableError)) throw error;
        // The compare is shown and final; what it counts for is booked once the store is back.
        retryInBackground(book, this.deps.storeRetry, (lastError) =>
          this.deps.logger.error(
            { err: lastError },
            'could not book a compare: the store stayed unreachable',
          ),
        );
      });
    } finally {
      release();
    }
  }

  /**
   * Runs the compare. When the store becomes unreachable the run still ends in a final state: models
   * that were never called are marked so, and a finished run is stored once the store is back (or
   * that is logged), so it never stays "waiting" for "Continue with" to find.
   */
  private async executeKeepingRun(
    run: CompareRun,
    live: ThrottledMessage,
    images: Attachment[],
  ): Promise<CompareRun> {
    const { service, logger } = this.deps;
    try {
      return await service.execute(run, (current) => live.update(() => compareMessage(current)), images);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      logger.warn({ err: error }, 'the store became unreachable during a compare');
      // The service works on `run` itself, so it holds what arrived.
      endUnfinished(run, STORE_DOWN);
      retryInBackground(
        () => service.save(run),
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

  /**
   * What a finished compare counts for: the user's spend and the leaderboard's medians. Each step
   * is done once, so trying again after a half-done try never counts anything twice.
   */
  private booking(run: CompareRun): () => Promise<void> {
    const steps = [
      () => this.deps.guard.recordSpend(run.teamId, run.userId, summarize(run).totalCostUsd),
      () => this.deps.leaderboard.recordRun(run),
    ];
    const done = new Set<number>();
    return async () => {
      await Promise.all(
        steps.map(async (step, index) => {
          if (done.has(index)) return;
          await step();
          done.add(index);
        }),
      );
    };
  }
}

const STOPPED: ModelFailure = {
  kind: 'unavailable',
  message: '_stopped: the app restarted before this model finished. Use *Run again* to ask once more._',
};
const STORE_DOWN: ModelFailure = {
  kind: 'unavailable',
  message:
    '_not finished: the app’s state store (Redis) became unreachable. Try again in a minute; if it persists, tell whoever runs this app._',
};

/** Ends every model still waiting or streaming with `failure`, keeping the text that arrived. */
function endUnfinished(run: CompareRun, failure: ModelFailure): void {
  const now = Date.now();
  for (const model of run.models) {
    if (model.status !== 'waiting' && model.status !== 'streaming') continue;
    model.status = 'failed';
    model.failure = failure;
    model.latencyMs ??= now - run.startedAt;
  }
  run.finishedAt ??= now;
}
