import type { KnownBlock } from '@slack/types';
import { timedOutAfter } from '../../bedrock/answer.js';
import type { ModelFailure } from '../../bedrock/errors.js';
import { formatUsd } from '../../bedrock/pricing.js';
import type { FeedbackTarget } from '../../feedback/answers.js';
import { LockTimeoutError } from '../../store/with-lock.js';
import { catalogFailure, describeFailure } from '../kit/failures.js';
import { feedbackBlock } from '../kit/feedback.js';
import { clip, LIMITS, renderClipped, splitMrkdwn } from '../kit/limits.js';
import { type SlackMessage, slackMessage } from '../kit/message.js';
import { escapeMrkdwn, toMrkdwn } from '../kit/mrkdwn.js';
import { notice } from '../kit/notices.js';
import { StreamingMrkdwn } from '../kit/streaming-mrkdwn.js';

/**
 * Marks the bot's answers in a thread, so that when history is rebuilt from Slack only real answers
 * become assistant turns, never placeholders, errors or notices.
 */
export const ANSWER_EVENT = 'bedrock_slack_answer';

/**
 * Marks a `forget` in a thread: a history rebuilt from Slack starts after the latest one, so
 * forgotten turns never come back when the store has lost the thread.
 */
export const FORGET_EVENT = 'bedrock_slack_forget';

/**
 * Marks the placeholder posted for one message (`reply_to` is that message's ts), so that after a
 * post whose answer was lost the app can tell whether Slack took it before posting again.
 */
export const PLACEHOLDER_EVENT = 'bedrock_slack_placeholder';

/** Room per message for answer text, leaving space for the notes and the figures line. */
const PART_CHARS = LIMITS.messageText - 1_000;

export interface AnswerFooter {
  modelName: string;
  inputTokens: number;
  outputTokens: number;
  /** Prompt-cache reads and writes, apart from `inputTokens`; 0 when nothing was cached. */
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  costUsd?: number;
  conversationCostUsd: number;
  stopReason: string;
  notes: string[];
  /** Set when the answer was cut off at the time limit: it is partial and its cost an estimate. */
  cutOffAfterMs?: number;
  /** The answer its feedback buttons name; none: no buttons. */
  feedback?: FeedbackTarget;
}

const sections = (mrkdwn: string): KnownBlock[] =>
  splitMrkdwn(mrkdwn, LIMITS.sectionText).map((text) => ({
    type: 'section',
    text: { type: 'mrkdwn', text },
  }));

const contextLine = (text: string): KnownBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: clip(text, LIMITS.sectionText) }],
});

/** "1204 in (+ 3100 from cache, 850 to cache) / 96 out tokens": cache figures only when there are some. */
function tokenFigures(footer: AnswerFooter): string {
  const count = String;
  const cache = [
    footer.cacheReadTokens ? `${count(footer.cacheReadTokens)} from cache` : '',
    footer.cacheWriteTokens ? `${count(footer.cacheWriteTokens)} to cache` : '',
  ].filter(Boolean);
  const cached = cache.length ? ` (+ ${cache.join(', ')})` : '';
  return `${count(footer.inputTokens)} in${cached} / ${count(footer.outputTokens)} out tokens`;
}

export function thinkingMessage(modelName: string, replyTo: string): SlackMessage {
  const text = `${escapeMrkdwn(modelName)} is thinking…`;
  return slackMessage({
    text,
    blocks: [contextLine(`:hourglass_flowing_sand: _${text}_`)],
    metadata: { event_type: PLACEHOLDER_EVENT, event_payload: { reply_to: replyTo } },
  });
}

const stoppedWhy = (modelName: string) =>
  `stopped: the app restarted before ${escapeMrkdwn(modelName)} finished. Mention me again to ask once more.`;

/** An answer the app could not finish because it was shutting down: what arrived, and why it ends there. */
export function stoppedMessage(modelName: string, textSoFar: string): SlackMessage {
  const { text } = renderClipped(textSoFar, PART_CHARS);
  const why = stoppedWhy(modelName);
  return slackMessage({
    text: clip(`${textSoFar}\n(${why})`, LIMITS.fallbackText),
    blocks: [...(text ? sections(text) : []), stoppedNote(modelName)],
  });
}

/** Why an answer ends where it does when the app stopped first: under what already streamed. */
export function stoppedNote(modelName: string): KnownBlock {
  return contextLine(`:octagonal_sign: _${stoppedWhy(modelName)}_`);
}

/**
 * The answer so far, while it streams: as much as one message holds, with a cursor. `answer` keeps
 * what earlier updates converted, so each update converts only the new text.
 */
export function streamingMessage(
  modelName: string,
  textSoFar: string,
  answer = new StreamingMrkdwn(),
): SlackMessage {
  const { text, clipped } = answer.render(textSoFar, PART_CHARS);
  const more = clipped ? '\n_…the rest follows when the answer is complete._' : ' ▌';
  return slackMessage({
    text: clip(textSoFar, LIMITS.fallbackText),
    blocks: [...sections(`${text}${more}`), contextLine(`_${escapeMrkdwn(modelName)} is writing…_`)],
  });
}

/**
 * What closes a final answer, under its text: the notes, the figures line, the feedback buttons. The
 * one builder of an answer's closing blocks, whichever way the answer reached Slack (streamed
 * natively, where they go with chat.stopStream, or edited in place, where they end the last part).
 */
export function answerFooterBlocks(footer: AnswerFooter): KnownBlock[] {
  const cutOff = footer.cutOffAfterMs !== undefined;
  // A stream cut short never got Bedrock's token counts: the cost is estimated from the text.
  const figures = cutOff
    ? [
        `⏱ cut off: ${timedOutAfter(footer.cutOffAfterMs ?? 0)}, so this answer is partial`,
        `*${escapeMrkdwn(footer.modelName)}*`,
        formatUsd(footer.costUsd, { estimate: true }),
        `this thread so far ${formatUsd(footer.conversationCostUsd, { estimate: true })}`,
      ]
    : [
        `*${escapeMrkdwn(footer.modelName)}*`,
        tokenFigures(footer),
        formatUsd(footer.costUsd),
        `this thread so far ${formatUsd(footer.conversationCostUsd)}`,
      ];
  if (footer.stopReason === 'max_tokens') figures.push('*cut off at the max tokens limit*');
  return [
    ...footer.notes.slice(0, 5).map((note) => contextLine(`:information_source: ${note}`)),
    contextLine(figures.join(' · ')),
    ...(footer.feedback ? [feedbackBlock(footer.feedback)] : []),
  ];
}

/** Marks a message as (part of) an answer, so a rebuilt history reads it back (see ANSWER_EVENT). */
export function answerMetadata(
  part: number,
  of: number,
  footer: AnswerFooter,
): NonNullable<SlackMessage['metadata']> {
  const payload: Record<string, number> = { part, of };
  if (footer.cutOffAfterMs !== undefined) payload.partial = 1;
  return { event_type: ANSWER_EVENT, event_payload: payload };
}

/**
 * The final answer as one or more thread messages, split at paragraph or code-block boundaries; the
 * last carries the notes and the figures. Each is marked as an answer (see ANSWER_EVENT).
 */
export function answerMessages(answer: string, footer: AnswerFooter): SlackMessage[] {
  const rendered = toMrkdwn(answer) || '_(The model returned an empty answer.)_';
  const parts = splitMrkdwn(rendered, PART_CHARS);
  return parts.map((part, index) => {
    const last = index === parts.length - 1;
    return slackMessage({
      // The plain text is what a rebuilt history reads back, so it is the answer itself.
      text: part,
      blocks: [...sections(part), ...(last ? answerFooterBlocks(footer) : [])],
      metadata: answerMetadata(index + 1, parts.length, footer),
    });
  });
}

export function chatFailureMessage(modelName: string, failure: ModelFailure): SlackMessage {
  const detail = failure.detail ? `\n>${escapeMrkdwn(clip(failure.detail, 300))}` : '';
  const text = `${escapeMrkdwn(modelName)} could not answer: ${failure.message}`;
  return slackMessage({ text, blocks: sections(clip(`:warning: ${text}${detail}`, LIMITS.sectionText)) });
}

/** How to talk with a model; in the assistant panel (`panel`), with what else can be asked there. */
export function chatHelp(modelName: string, panel = false): SlackMessage {
  // In the panel everything written is for the app: no mention needed.
  const say = panel ? '' : '@Bedrock ';
  const opening = panel
    ? `*Talk with a Bedrock model here.* Write a question and I answer in this thread, remembering it. This thread uses *${escapeMrkdwn(modelName)}*.`
    : `*Talk with a Bedrock model here.* Mention me with a question and I answer in a thread; mention me again in that thread to go on. In a direct message, just write. This thread uses *${escapeMrkdwn(modelName)}*.`;
  const text = [
    opening,
    `• \`${say}use claude-3.5-haiku\` switches this thread to another model (any name \`/compare\` accepts); add \`as default\` to use it in your new conversations too`,
    `• \`${say}forget\` starts this conversation afresh`,
    `• \`${say}model\` tells which model this thread uses`,
    ...(panel
      ? [
          '• `compare nova-micro and haiku on <prompt>` runs a compare here (`compare help` for its options)',
          '• `what are my running fine-tuning jobs?` lists them (`failed`, `completed` work too)',
        ]
      : []),
    '• Attach images (PNG, JPEG, GIF, WebP) or documents (PDF, CSV, DOCX, XLSX, HTML, TXT, MD) to a message and the model reads them, where it can.',
  ].join('\n');
  return slackMessage({ text: 'How to talk with a Bedrock model here', blocks: sections(text) });
}

export function whichModelNotice(modelName: string): SlackMessage {
  return notice(
    `This thread talks with *${modelName}*. Switch with \`@Bedrock use <model>\`.`,
    ':robot_face:',
  );
}

/** `userId` switched the thread's model; `asDefault` when it is now also their model for new threads. */
export function switchedNotice(
  model: { name: string; lifecycle?: string },
  invokeId: string,
  userId: string,
  asDefault: boolean,
): SlackMessage {
  const legacy = model.lifecycle === 'LEGACY' ? ' It is a legacy model that AWS is retiring.' : '';
  const remembered = asDefault ? ` New conversations you start use it too, <@${userId}>.` : '';
  return notice(
    `This thread now talks with *${model.name}* (\`${invokeId}\`).${legacy}${remembered}`,
    ':arrows_counterclockwise:',
    [userId],
  );
}

/** Said in the thread, and marked: a rebuild from Slack starts after the latest such marker. */
export function forgottenNotice(userId: string): SlackMessage {
  return {
    ...notice('I have forgotten this conversation; the next message starts afresh.', ':broom:'),
    metadata: { event_type: FORGET_EVENT, event_payload: { forgotten_by: userId } },
  };
}

/** A turn or command that failed unexpectedly (model errors are answered in the reply itself). */
export function chatFailureNotice(error: unknown): SlackMessage {
  if (error instanceof LockTimeoutError) {
    return notice('I’m still answering an earlier message in this thread. Please try again in a moment.');
  }
  // A Bedrock error that reaches this far is the catalog's.
  return notice(
    error instanceof Error && '$metadata' in error ? catalogFailure(error) : describeFailure(error),
  );
}
