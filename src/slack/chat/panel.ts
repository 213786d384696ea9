import { type App, Assistant, type RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Catalog, CatalogSource } from '../../bedrock/catalog.js';
import { readPanelIntent } from '../../chat/intent.js';
import type { ChatService } from '../../chat/service.js';
import type { Logger } from '../../logger.js';
import type { WorkTracker } from '../../ops/work-tracker.js';
import { conversationId } from '../../store/types.js';
import type { CompareFlow } from '../compare/flow.js';
import type { JobsFlow } from '../jobs/flow.js';
import { runDetached } from '../kit/detached.js';
import { clip } from '../kit/limits.js';
import { notice } from '../kit/notices.js';
import type { Reply } from '../kit/reply.js';
import type { Requester } from '../kit/requester.js';
import type { ChatEvent } from './chat-event.js';
import { type MentionRoute, toChatEvent } from './events.js';
import type { ChatFlow } from './flow.js';

export interface PanelDeps {
  client: WebClient;
  catalog: CatalogSource;
  chat: Pick<ChatFlow, 'handle'>;
  compare: Pick<CompareFlow, 'handleCommand'>;
  jobs: Pick<JobsFlow, 'handleCommand'>;
  /** What other features answer instead of the chat (an evaluation), as for a mention. */
  routes: readonly MentionRoute[];
  conversations: Pick<ChatService, 'load'>;
  /** The workspace's compare set, for the suggested compare. */
  defaultModels: string[];
  logger: Logger;
}

/** A suggested prompt as Slack shows it: a title, and the message it sends when clicked. */
interface SuggestedPrompt {
  title: string;
  message: string;
}

/** A model's name as one word (`Claude 3.5 Haiku` → `claude-3.5-haiku`), as the catalog's aliases read. */
const asWord = (name: string) => name.trim().toLowerCase().replace(/\s+/g, '-');

/** Slack shows up to four suggested prompts. */
const MAX_PROMPTS = 4;
const TITLE_CHARS = 80;

/**
 * Prompts that show what the app does, each one working as written: the compare names two models of
 * the live catalog (the workspace's compare set where it can).
 */
function suggestedPrompts(catalog: Catalog, defaultModels: string[]): SuggestedPrompt[] {
  const names = [
    ...defaultModels.map((name) => catalog.find(name)?.model.name),
    ...catalog.exampleNames(2).map((name) => catalog.find(name)?.model.name),
  ].filter((name, index, all): name is string => name !== undefined && all.indexOf(name) === index);
  const [first, second] = names;
  const pair = first && second ? { first, second } : undefined;
  const prompts: (SuggestedPrompt | undefined)[] = [
    pair && {
      title: `Compare ${pair.first} and ${pair.second}`,
      message: `Compare ${pair.first} and ${pair.second} on how to explain recursion to a ten-year-old`,
    },
    { title: 'My fine-tuning jobs', message: 'What are my running fine-tuning jobs?' },
    // Sent as is, it says how to attach the prompt set (a .csv or .jsonl file) to the message.
    pair && {
      title: 'Evaluate these prompts…',
      message: `evaluate ${asWord(pair.first)} ${asWord(pair.second)}`,
    },
    {
      title: 'Ask a model',
      message: 'Explain on-demand and provisioned throughput on Amazon Bedrock, with a table.',
    },
  ];
  return prompts.filter((prompt): prompt is SuggestedPrompt => prompt !== undefined).slice(0, MAX_PROMPTS);
}

/**
 * The assistant panel: a thread of the app's DM, so its conversation is the same thread conversation
 * as anywhere (history, switching models, files), and what slash commands would do there (a compare,
 * the jobs list) is understood in plain words and answered in the panel's thread.
 */
export class PanelFlow {
  constructor(private readonly deps: PanelDeps) {}

  /** The panel opened: prompts that show the app off. */
  async started(setPrompts: (prompts: { prompts: SuggestedPrompt[]; title: string }) => Promise<unknown>) {
    const catalog = await this.deps.catalog.load();
    await setPrompts({
      title: 'Try one of these:',
      prompts: suggestedPrompts(catalog, this.deps.defaultModels),
    });
  }

  async handle(event: ChatEvent & { threadTs: string }): Promise<void> {
    const { client, catalog } = this.deps;
    const [loaded] = await Promise.all([
      catalog.load().catch(() => undefined),
      this.titleFromFirstPrompt(event),
    ]);
    const route = this.deps.routes.find((candidate) => candidate.wants(event.text));
    if (route) return route.handle(event);
    // Without the catalog only the conversation can say what went wrong, and it does.
    const intent = loaded
      ? readPanelIntent(event.text.trim(), (word) => loaded.isModel(word))
      : { kind: 'chat' as const };
    const where: Requester = {
      teamId: event.teamId,
      userId: event.userId,
      channelId: event.channelId,
      threadTs: event.threadTs,
    };
    // The panel is the person's own: what a command would say to them alone goes in its thread.
    const inThread = { channel: event.channelId, thread_ts: event.threadTs };
    const post = ({ response_type: _, ...message }: Parameters<Reply>[0]) =>
      client.chat.postMessage({ ...inThread, ...message });
    // The jobs flow answers through Bolt's respond, only ever with messages built by slackMessage().
    const respond = ((message: Parameters<Reply>[0]) => post(message)) as unknown as RespondFn;
    if (intent.kind === 'compare') await this.deps.compare.handleCommand(intent.text, where, post);
    else if (intent.kind === 'jobs' && /^new\b/i.test(intent.text)) {
      // A form opens from a command or a button only (a message has no trigger_id).
      await post({
        response_type: 'ephemeral',
        ...notice(
          'Start a new job with `/finetune-status new` in any channel: it opens the form.',
          ':wrench:',
        ),
      });
    } else if (intent.kind === 'jobs') await this.deps.jobs.handleCommand(intent.text, where, respond, '');
    else await this.deps.chat.handle(event);
  }

  /** Names the thread after its first prompt, as the panel's history lists it. */
  private async titleFromFirstPrompt(event: ChatEvent & { threadTs: string }): Promise<void> {
    const id = conversationId(event.teamId, event.channelId, event.threadTs);
    const conversation = await this.deps.conversations.load(id).catch(() => undefined);
    if (conversation?.turns.length) return;
    const title = clip(event.text.replace(/\s+/g, ' ').trim(), TITLE_CHARS);
    if (!title) return;
    await this.deps.client.assistant.threads
      .setTitle({ channel_id: event.channelId, thread_ts: event.threadTs, title })
      .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'could not title a panel thread'));
  }
}

/** The panel's events, through Bolt's Assistant: acked by Bolt, answered detached. */
export function registerAssistantPanel(app: App, panel: PanelFlow, work: WorkTracker, logger: Logger): void {
  app.assistant(
    new Assistant({
      threadStarted: async ({ setSuggestedPrompts }) => {
        runDetached(work, logger, 'suggesting prompts in the assistant panel', undefined, () =>
          panel.started(setSuggestedPrompts),
        );
      },
      // The app keeps no per-thread context: Bolt's default would spend the one thread read a minute
      // (conversations.replies) on saving it.
      threadContextChanged: async () => {},
      userMessage: async ({ message, body, context }) => {
        const event = toChatEvent(message, body.team_id, context.botUserId, true);
        const threadTs = event?.threadTs;
        if (!event || !threadTs) return;
        runDetached(work, logger, 'answering in the assistant panel', undefined, () =>
          panel.handle({ ...event, threadTs, panel: true }),
        );
      },
    }),
  );
}
