import type { Button } from '@slack/types';
import { toMrkdwn } from './mrkdwn.js';

/**
 * Slack's Block Kit limits, in one place. A message past any of them is rejected (`invalid_blocks`,
 * `msg_blocks_too_long`), so every builder goes through these helpers.
 */
export const LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  /** A table block: 100 rows of at most 20 cells, and one table per message. */
  tableRows: 100,
  tableCells: 20,
  /** Slack answers msg_blocks_too_long past about 13,200 characters of block text; keep a margin. */
  messageText: 12_000,
  /** The notification `text` beside blocks. */
  fallbackText: 3000,
  modalTitle: 24,
  modalBlocks: 100,
  optionText: 75,
  staticOptions: 100,
} as const;

const ELLIPSIS = '…';

/** Cuts plain text to `max` characters, marking the cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - ELLIPSIS.length)).trimEnd()}${ELLIPSIS}`;
}

/**
 * `toMrkdwn` then `clipMrkdwn`, converting only the part of a long answer that can be shown: a
 * streaming update re-renders every answer, and converting 20,000 characters to show 1,500 is waste.
 */
export function renderClipped(markdown: string, max: number): { text: string; clipped: boolean } {
  const visible = markdown.length > max * 2 ? markdown.slice(0, max * 2) : markdown;
  const rendered = clipMrkdwn(toMrkdwn(visible), max);
  return { text: rendered.text, clipped: rendered.clipped || visible.length < markdown.length };
}

/**
 * Cuts mrkdwn to `max` characters at a line break where it can, and closes a code block left open
 * so the rest of the message does not render as code. Returns whether anything was cut.
 */
export function clipMrkdwn(text: string, max: number): { text: string; clipped: boolean } {
  if (text.length <= max) return { text, clipped: false };
  const room = Math.max(0, max - 8);
  let cut = text.slice(0, room);
  const lineBreak = cut.lastIndexOf('\n');
  if (lineBreak > room * 0.6) cut = cut.slice(0, lineBreak);
  const fences = cut.match(/```/g)?.length ?? 0;
  cut = fences % 2 === 1 ? `${cut.trimEnd()}\n${ELLIPSIS}\n\`\`\`` : `${cut.trimEnd()} ${ELLIPSIS}`;
  return { text: cut, clipped: true };
}

/** Splits long mrkdwn into pieces of at most `max`, at paragraph or line breaks, never inside a code block. */
export function splitMrkdwn(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    let cut = -1;
    for (const separator of ['\n\n', '\n', ' ']) {
      let at = window.lastIndexOf(separator);
      while (at > 0 && (window.slice(0, at).match(/```/g)?.length ?? 0) % 2 === 1) {
        at = window.lastIndexOf(separator, at - 1);
      }
      if (at > max * 0.3) {
        cut = at;
        break;
      }
    }
    if (cut < 0) {
      // No safe break: cut hard, closing and reopening a code block that spans the cut.
      const open = (window.match(/```/g)?.length ?? 0) % 2 === 1;
      const hard = max - 4;
      pieces.push(open ? `${rest.slice(0, hard)}\n\`\`\`` : rest.slice(0, max));
      rest = open ? `\`\`\`\n${rest.slice(hard)}` : rest.slice(max);
      continue;
    }
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\n+/, '');
  }
  if (rest.trim()) pieces.push(rest);
  return pieces;
}

/** A button whose label and value are cut to Slack's limits. */
export function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): Button {
  return {
    type: 'button',
    text: { type: 'plain_text', text: clip(text, LIMITS.buttonText), emoji: true },
    action_id: actionId,
    value: clip(value, LIMITS.buttonValue),
    ...(style ? { style } : {}),
  };
}
