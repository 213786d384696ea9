import type { WebClient } from '@slack/web-api';
import type { Catalog, CatalogSource, ResolvedModel } from '../../bedrock/catalog.js';
import type { Attachment } from '../../bedrock/messages.js';
import type { Arena } from '../../compare/arena.js';
import { type CompareForm, type CompareFormErrors, checkCompareForm } from '../../compare/form.js';
import type { Leaderboard } from '../../compare/leaderboard.js';
import { parseCompareText } from '../../compare/parse.js';
import { type CompareRequest, type CompareRequests, classifyWord } from '../../compare/request.js';
import type { CompareService } from '../../compare/service.js';
import type { Result } from '../../result.js';
import { StoreUnavailableError } from '../../store/types.js';
import type { UsageGuard } from '../../usage/guard.js';
import { catalogFailure } from '../kit/failures.js';
import type { SlackFile, SlackFiles } from '../kit/files.js';
import type { FormSeal } from '../kit/form-origin.js';
import type { SlackMessage } from '../kit/message.js';
import { notice } from '../kit/notices.js';
import { problemNotice } from '../kit/problem.js';
import type { Reply } from '../kit/reply.js';
import type { Requester } from '../kit/requester.js';
import type { ChannelSettingsFlow } from '../settings/flow.js';
import { compareHelp } from './help.js';
import { leaderboardMessage } from './leaderboard.js';
import type { LiveCompare } from './live-compare.js';
import { compareModal } from './modal.js';
import { requestNotice } from './notices.js';

export interface CompareFlowDeps {
  client: WebClient;
  catalog: CatalogSource;
  guard: UsageGuard;
  requests: CompareRequests;
  service: CompareService;
  live: LiveCompare;
  leaderboard: Leaderboard;
  arena: Arena;
  files: SlackFiles;
  defaultMaxTokens: number;
  defaultModels: string[];
  maxModels: number;
  /** Seals where the /compare form was opened, so its submission posts there and nowhere else. */
  seal: FormSeal;
  /** `/compare settings`: the channel's defaults. */
  settings: ChannelSettingsFlow;
}

/** Slack's IDs for a direct message start with D. */
const isDirectMessage = (channelId: string) => channelId.startsWith('D');

/** /compare from a Slack command, form or button to a use case, and its outcome to Block Kit. */
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
    const command = parseCompareText(text, (word) => classifyWord(catalog, word));
    if (command.kind === 'modal' && triggerId) {
      await this.openForm(catalog, requester, triggerId);
      return;
    }
    switch (command.kind) {
      case 'help':
      case 'modal': {
        const channel = await this.deps.settings.describe(catalog, requester.teamId, requester.channelId);
        await ephemeral(compareHelp(catalog, this.deps.maxModels, this.deps.defaultModels, channel));
        return;
      }
      case 'settings':
        // A direct message is a place of the person's own: their defaults (App Home) are what apply there.
        if (isDirectMessage(requester.channelId) || !triggerId) {
          await ephemeral(
            notice(
              'Channel settings are made in a channel: run `/compare settings` there. Your own defaults are on the app’s Home tab.',
              ':information_source:',
            ),
          );
          return;
        }
        await this.deps.client.views.open({
          trigger_id: triggerId,
          view: await this.deps.settings.form(requester),
        });
        return;
      case 'leaderboard': {
        const [standings, board] = await Promise.all([
          this.deps.leaderboard.standings(requester.teamId),
          this.deps.arena.board(requester.teamId, { tag: command.tag, includeJudge: command.includeJudge }),
        ]);
        await ephemeral(leaderboardMessage(standings, (id) => catalog.find(id)?.model.name ?? id, board));
        return;
      }
      default: {
        const request = await this.deps.requests.interpret(command, catalog, requester);
        if (request.ok) await this.start(request.value, requester, respond);
        else await ephemeral(requestNotice(request.problem));
      }
    }
  }

  /** The /compare form, its models picked from the live catalog, the user's set (or the default) ticked. */
  private async openForm(catalog: Catalog, requester: Requester, triggerId: string): Promise<void> {
    const initial = (await this.deps.requests.savedSet(requester))
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
  async checkForm(form: CompareForm): Promise<Result<CompareRequest, CompareFormErrors>> {
    return checkCompareForm(form, await this.deps.catalog.load(), this.deps.maxModels);
  }

  /** Runs a checked form: saves the set when asked, fetches the images, then compares. */
  async runForm(
    request: CompareRequest,
    extras: { save: boolean; files: SlackFile[] },
    requester: Requester,
    respond: Reply,
  ): Promise<void> {
    if (extras.save) {
      await this.deps.requests.saveSet(requester, request.models);
      const names = request.models.map(({ model }) => `*${model.name}*`).join(', ');
      await respond({
        response_type: 'ephemeral',
        ...notice(
          `Saved as your default set: ${names}. \`/compare <prompt>\` now uses them.`,
          ':floppy_disk:',
        ),
      });
    }
    const { attachments, problems } = await this.deps.files.attachments(extras.files);
    const images = attachments.filter((file) => file.kind === 'image');
    if (problems.length > 0) await respond({ response_type: 'ephemeral', ...notice(problems.join('\n')) });
    await this.start(
      await this.deps.requests.withChannelSystem(request, requester),
      requester,
      respond,
      images,
    );
  }

  /** A compare of models chosen elsewhere (a custom model and its base), with default options. */
  async runModels(
    models: ResolvedModel[],
    prompt: string,
    requester: Requester,
    respond: Reply,
  ): Promise<void> {
    await this.start({ models, prompt, options: { blind: false } }, requester, respond);
  }

  /** Counts the request against the user's limits, then plans and streams the compare. */
  async start(
    request: CompareRequest,
    requester: Requester,
    respond: Reply,
    images: Attachment[] = [],
  ): Promise<void> {
    const decision = await this.deps.guard.admit(requester.teamId, requester.userId);
    if (!decision.ok) {
      await respond({ response_type: 'ephemeral', ...problemNotice(decision.problem) });
      return;
    }
    const { teamId, userId } = requester;
    const run = this.deps.service.plan({ ...request, teamId, userId, imageCount: images.length });
    await this.deps.live.run(run, requester, respond, images);
  }
}
