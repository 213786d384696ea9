import type { WebClient } from '@slack/web-api';
import type { Catalog, CatalogSource, ResolvedModel } from '../bedrock/catalog.js';
import { classifyBedrockError } from '../bedrock/errors.js';
import { type CompareCommand, parseCompareText, type WordKind } from '../compare/parse.js';
import type { CompareInput, CompareService } from '../compare/service.js';
import { RUN_TTL_SECONDS } from '../compare/service.js';
import { summarize } from '../compare/summary.js';
import type { CompareRun, ModelRun } from '../compare/types.js';
import type { Logger } from '../logger.js';
import type { ConversationStore, CounterStore, DedupeStore, PreferenceStore } from '../store/types.js';
import { conversationId, StoreUnavailableError } from '../store/types.js';
import type { UsageGuard } from '../usage/guard.js';
import { compareMessage, type SlackMessage } from './blocks/compare.js';
import { compareHelp, notice, unknownModelNotice } from './blocks/notices.js';
import { ThrottledMessage, withRetries } from './throttled-message.js';

/**
 * How a flow answers the person who asked: a slash command's or button's `respond`, or, where Slack
 * gave no response_url (a modal), an ephemeral message.
 */
export type Reply = (
  message: Omit<SlackMessage, 'metadata'> & { response_type: 'ephemeral' | 'in_channel' },
) => Promise<unknown>;

export interface CompareRequester {
  teamId: string;
  userId: string;
  channelId: string;
}

export interface CompareFlowDeps {
  client: WebClient;
  catalog: CatalogSource;
  service: CompareService;
  guard: UsageGuard;
  preferences: PreferenceStore;
  /** Votes, one per person per run, and the workspace leaderboard. */
  votes: CounterStore & DedupeStore;
  conversations: ConversationStore;
  conversationTtlSeconds: number;
  defaultModels: string[];
  maxModels: number;
  logger: Logger;
  updateIntervalMs?: number;
}

// Shaped like a model name (`nova-mikro`, `anthropic.claude-x`), so a typo is reported, not sent as prose.
const MODEL_SHAPED = /^[a-z0-9]+(?:[.:_-][a-z0-9]+)+$/i;

/** Errors Slack gives when the bot may not post in a channel; the answer then goes via response_url. */
const NOT_IN_CHANNEL = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action']);

function catalogFailure(error: unknown): string {
  const { kind } = classifyBedrockError(error);
  if (kind === 'access-denied') {
    return 'I couldn’t read the Bedrock model catalog: the app’s AWS role needs bedrock:ListFoundationModels and bedrock:ListInferenceProfiles.';
  }
  return 'I couldn’t read the Bedrock model catalog: Bedrock did not answer. Please try again in a minute.';
}

export function describeFailure(error: unknown): string {
  if (error instanceof StoreUnavailableError) {
    return 'The app’s state store (Redis) is unreachable, so I can’t run this now. Please try again in a minute; if it persists, tell whoever runs this app.';
  }
  return 'Something went wrong on my side and this request did not finish. Please try again.';
}

/** /compare from a Slack command to a streamed Block Kit message. Knows Slack; the service does not. */
export class CompareFlow {
  constructor(private readonly deps: CompareFlowDeps) {}

  async handleCommand(text: string, requester: CompareRequester, respond: Reply): Promise<void> {
    const ephemeral = (message: SlackMessage) => respond({ response_type: 'ephemeral', ...message });
    let catalog: Catalog;
    try {
      catalog = await this.deps.catalog.load();
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      this.deps.logger.warn({ err: error }, 'model catalog unavailable');
      await ephemeral(notice(catalogFailure(error)));
      return;
    }
    const command = parseCompareText(text, (word) => this.classify(catalog, word));
    const resolved = await this.interpret(command, catalog, requester);
    if ('message' in resolved) {
      await ephemeral(resolved.message);
      return;
    }
    await this.admitAndStream(resolved, requester, respond);
  }

  /** "Run again": the same prompt, models and options, as a new message. */
  async rerun(runId: string, requester: CompareRequester, respond: Reply): Promise<void> {
    const previous = await this.deps.service.load(runId);
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

  /** A compare of models chosen elsewhere (a custom model and its base), with default options. */
  async runModels(
    models: ResolvedModel[],
    prompt: string,
    requester: CompareRequester,
    respond: Reply,
  ): Promise<void> {
    await this.admitAndStream({ models, prompt, options: { blind: false } }, requester, respond);
  }

  /** Counts the request against the user's limits, then plans and streams the compare. */
  private async admitAndStream(
    input: Pick<CompareInput, 'models' | 'prompt' | 'options'>,
    requester: CompareRequester,
    respond: Reply,
  ): Promise<void> {
    const decision = await this.deps.guard.admit(requester.teamId, requester.userId);
    if (!decision.allowed) {
      await respond({ response_type: 'ephemeral', ...notice(decision.reason, ':hourglass:') });
      return;
    }
    const run = this.deps.service.plan({ ...input, teamId: requester.teamId, userId: requester.userId });
    await this.stream(run, requester, respond);
  }

  /** "Best answer": one vote per person per run, counted for the run and the workspace leaderboard. */
  async vote(
    runId: string,
    index: number,
    voter: CompareRequester & { messageTs: string },
    respond: Reply,
  ): Promise<void> {
    const run = await this.deps.service.load(runId);
    const model = run?.models[index];
    if (!run || !model) {
      await respond({ response_type: 'ephemeral', ...notice(EXPIRED_RUN) });
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
    await votes.increment(`votes:${runId}`, String(index), 1);
    await votes.increment(`leaderboard:${run.teamId}:wins`, model.modelId, 1);
    const tally = await votes.readCounters(`votes:${runId}`);
    await this.deps.client.chat.update({
      channel: voter.channelId,
      ts: voter.messageTs,
      ...compareMessage(run, { votes: tally }),
    });
  }

  /** The whole answer of one model, for "Show full answer". */
  async fullAnswer(runId: string, index: number): Promise<ModelRun | undefined> {
    return (await this.deps.service.load(runId))?.models[index];
  }

  /**
   * "Continue with <model>": a conversation in the compare message's thread whose history already
   * holds the prompt and that model's answer, so mentioning the bot there carries on.
   */
  async continueWith(
    runId: string,
    index: number,
    where: CompareRequester & { messageTs: string },
  ): Promise<string | undefined> {
    const run = await this.deps.service.load(runId);
    const model = run?.models[index];
    if (!run || !model) return undefined;
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
      ),
    });
    return model.name;
  }

  private classify(catalog: Catalog, word: string): WordKind {
    if (catalog.isModel(word)) return 'model';
    return MODEL_SHAPED.test(word) && catalog.suggest(word.toLowerCase()).length > 0
      ? 'unknown-model'
      : 'text';
  }

  private async interpret(
    command: CompareCommand,
    catalog: Catalog,
    requester: CompareRequester,
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
        return { message: compareHelp(maxModels, defaultModels) };
      case 'leaderboard':
        return { message: notice(NOT_YET.leaderboard, ':construction:') };
      case 'error':
        return { message: notice(command.message) };
      case 'unknown-model':
        return { message: unknownModelNotice(command.word, catalog.suggest(command.word.toLowerCase())) };
      case 'run': {
        // Showing names in a run asked to be blind would spoil it: refuse until blind mode is built.
        if (command.options.blind) return { message: notice(NOT_YET.blind, ':construction:') };
        let names = command.models;
        if (names.length === 0) {
          const saved = (await this.deps.preferences.getPreferences(requester.teamId, requester.userId))
            .compareModels;
          names = saved?.length ? saved : defaultModels;
        }
        const models: ResolvedModel[] = [];
        for (const name of names) {
          const resolution = catalog.resolve(name);
          if (!resolution.ok) return { message: unknownModelNotice(name, resolution.suggestions) };
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
  private async stream(run: CompareRun, requester: CompareRequester, respond: Reply): Promise<void> {
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
      const final = await service.execute(run, () => {});
      await respond({ response_type: 'in_channel', ...compareMessage(final) });
      await this.deps.guard.recordSpend(run.teamId, run.userId, summarize(final).totalCostUsd);
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
    const final = await service.execute(run, (current) => live.update(() => compareMessage(current)));
    await withRetries(() => live.finish(compareMessage(final)), 3);
    await this.deps.guard.recordSpend(run.teamId, run.userId, summarize(final).totalCostUsd);
  }
}

const NOT_YET = {
  blind:
    'Blind mode is not available yet, so I did not run this compare (it would show the model names). Run it without `--blind`.',
  leaderboard:
    'The leaderboard is not available yet. Votes (“Best answer”) are already being counted for it.',
};

export const EXPIRED_RUN =
  'That compare is too old to act on (runs are kept for 7 days). Run it again with `/compare`.';
