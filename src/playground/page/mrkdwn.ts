import { micromark } from 'micromark';
import { emojify } from 'node-emoji';
import { toHTML } from 'slack-markdown';
import { escapeHtml } from './html.js';

/** Who the page knows by ID, so a mention shows a name as Slack shows it. */
export interface Directory {
  userName(id: string): string;
  channelName(id: string): string;
}

/**
 * Slack's mrkdwn as HTML, through slack-markdown (bold, italic, strike, code, quotes, links,
 * mentions, emoji). Slack's own escapes (`&lt;`, `&gt;`, `&amp;`) are read as the characters they
 * stand for, as Slack shows them; slack-markdown would escape them a second time.
 */
export function mrkdwnToHtml(text: string, directory: Directory): string {
  const html = toHTML(text, {
    hrefTarget: '_blank',
    noExtraSpanTags: true,
    slackCallbacks: {
      user: ({ id, name }) => `<span class="mention">@${escapeHtml(name || directory.userName(id))}</span>`,
      channel: ({ id, name }) =>
        `<span class="mention">#${escapeHtml(name || directory.channelName(id))}</span>`,
      usergroup: ({ id, name }) => `<span class="mention">@${escapeHtml(name || id)}</span>`,
      atHere: () => '<span class="mention broadcast">@here</span>',
      atChannel: () => '<span class="mention broadcast">@channel</span>',
      atEveryone: () => '<span class="mention broadcast">@everyone</span>',
      date: ({ timestamp, fallback }) => {
        const when = new Date(Number(timestamp) * 1000);
        return escapeHtml(
          Number.isNaN(when.getTime())
            ? fallback
            : `${when.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
        );
      },
    },
  });
  return html.replace(/&amp;(lt|gt|amp);/g, '&$1;');
}

/** A plain_text object: no formatting; emoji shortcodes become emoji unless `emoji: false`. */
export function plainTextToHtml(text: string, emoji = true): string {
  return escapeHtml(emoji ? emojify(text) : text).replace(/\n/g, '<br>');
}

/** Standard markdown (markdown blocks, streamed messages), through micromark; raw HTML stays text. */
export function markdownToHtml(text: string): string {
  return micromark(emojify(text));
}
