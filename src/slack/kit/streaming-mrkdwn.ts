import { clipMrkdwn, renderClipped } from './limits.js';
import { toMrkdwn } from './mrkdwn.js';

const BLANK_LINE = /\n\n/g;
const FENCE = /```/g;
const LIST_ITEM = /^(?:[*+-]|\d{1,9}[.)])[ \t]/;
/** The line is long enough to tell whether it starts a list item (a marker is at most 11 characters), or complete. */
const DECIDABLE = /^(?:[^\n]{11}|[^\n]*\n)/;
/** A link reference definition: links anywhere in the text may use it, so the text converts whole. */
const DEFINITION = /^ {0,3}\[[^\]\n]+\]:/m;

/**
 * Whether the Markdown before a blank line converts the same alone as within the whole text: it
 * does when the next line starts a new block at its left edge (a paragraph, heading, quote, code),
 * but not when it is indented (it may continue a list item), nor when it is a list item after a
 * list (it continues that list: its numbering, its spacing).
 */
function isBoundary(previousBlock: string, next: string): boolean {
  if (!/^\S/.test(next) || !DECIDABLE.test(next)) return false;
  return !LIST_ITEM.test(next) || (/^\S/.test(previousBlock) && !LIST_ITEM.test(previousBlock));
}

const fences = (text: string) => text.match(FENCE)?.length ?? 0;

/**
 * One answer's Markdown as mrkdwn, rendered again as it grows at the cost of what arrived since the
 * last render: the text up to its last block boundary (outside a code block) is converted once and
 * kept, and each render converts only the tail after it. Once the kept part fills what can be
 * shown, nothing more is converted. The result is what `renderClipped` makes of the whole text, at
 * every step (converting Markdown costs about as much CPU per token as receiving it from Bedrock).
 */
export class StreamingMrkdwn {
  /** The Markdown converted so far; it ends at a block boundary. */
  private source = '';
  private converted = '';
  /** Code fences in `source`: an odd count means the boundary would be inside a code block. */
  private sourceFences = 0;

  constructor(private readonly convert: (markdown: string) => string = toMrkdwn) {}

  render(markdown: string, max: number): { text: string; clipped: boolean } {
    if (DEFINITION.test(markdown)) return renderClipped(markdown, max);
    if (!markdown.startsWith(this.source)) this.restart();
    if (this.converted.length <= max) this.keepUpToLastBoundary(markdown);
    if (this.converted.length > max) return clipMrkdwn(this.converted, max);
    const rest = markdown.slice(this.source.length);
    // As renderClipped: twice the room is more than enough Markdown to fill it.
    const visible = rest.length > max * 2 ? rest.slice(0, max * 2) : rest;
    const tail = this.convert(visible);
    const text = this.converted && tail ? `${this.converted}\n\n${tail}` : this.converted || tail;
    const rendered = clipMrkdwn(text, max);
    return { text: rendered.text, clipped: rendered.clipped || visible.length < rest.length };
  }

  private keepUpToLastBoundary(markdown: string): void {
    const rest = markdown.slice(this.source.length);
    let end = -1;
    let endFences = 0;
    let blockStart = 0;
    let countedFences = this.sourceFences;
    for (const blank of rest.matchAll(BLANK_LINE)) {
      countedFences += fences(rest.slice(blockStart, blank.index));
      const previousBlock = rest.slice(blockStart, blank.index);
      blockStart = blank.index + 2;
      if (countedFences % 2 === 0 && isBoundary(previousBlock, rest.slice(blockStart, blockStart + 12))) {
        end = blank.index;
        endFences = countedFences;
      }
    }
    if (end < 0) return;
    const block = this.convert(rest.slice(0, end));
    if (block) this.converted = this.converted ? `${this.converted}\n\n${block}` : block;
    this.source = markdown.slice(0, this.source.length + end + 2);
    this.sourceFences = endFences;
  }

  private restart(): void {
    this.source = '';
    this.converted = '';
    this.sourceFences = 0;
  }
}
