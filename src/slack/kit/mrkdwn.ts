import { Lexer, type Token, type Tokens } from 'marked';

/**
 * A model's Markdown as Slack's mrkdwn. marked does the parsing (it is built for speed); the
 * rendering is ours because no maintained library renders mrkdwn fast enough: slackify-markdown,
 * over remark, cost about a fifth of the app's CPU while compares streamed (bench/load.ts), and
 * left Markdown's own escapes in the text (a backslash before a line break, `<!---->` between
 * two code blocks).
 *
 * What Slack cannot show is given its nearest form: headings as bold lines, tables as aligned
 * monospace, task boxes as ☐ and ☑, HTML as the text it is. `&`, `<` and `>` are escaped, so
 * nothing a model writes becomes a link of Slack's own syntax; Slack's mention forms (`<@U…>`,
 * `<!channel>`) are left for `slackMessage`, which defuses every text of a message into a readable
 * "@channel" that pings no one.
 */
export function toMrkdwn(markdown: string): string {
  if (markdown.trim() === '') return '';
  return renderBlocks(Lexer.lex(markdown, { gfm: true }), '\n\n').trimEnd();
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const escaped = (char: string) => ESCAPES[char] ?? char;

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/[&<>]/g, escaped);
}

const ESCAPED_OR_MENTION = /<([@#!][^<>\s]*)>|[&<>]/g;

/** A model's text escaped as `escapeMrkdwn` does, except for the mention forms `slackMessage` defuses. */
const escapeText = (text: string) =>
  text.replace(ESCAPED_OR_MENTION, (match, mention?: string) => (mention ? match : escaped(match)));

/** Markdown text may carry HTML entities (`&amp;`, `&#8212;`); Slack shows the characters they stand for. */
const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos|nbsp));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (entity, decimal?: string, hex?: string, name?: string) => {
    if (name) return NAMED[name] ?? entity;
    const code = decimal ? Number(decimal) : Number.parseInt(hex ?? '', 16);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  });
}

const ZERO_WIDTH_SPACE = '\u200b';
/** Slack formats `*bold*` inside a word only when something separates the marker from the letters. */
const wrap = (marker: string, inner: string) =>
  inner ? `${ZERO_WIDTH_SPACE}${marker}${inner}${marker}${ZERO_WIDTH_SPACE}` : '';

/** Where inline text is being rendered: in a bold heading a bold run adds nothing; table cells are plain. */
interface Inline {
  bold?: boolean;
  plain?: boolean;
}

/** Only web and mail links become links; anything else (`javascript:`, a relative path) stays text. */
const LINKABLE = /^(?:https?:\/\/|mailto:)/i;
/** The characters that would end a Slack link early or split it. */
const linkTarget = (href: string) => href.replace(/[ <>|]/g, (char) => encodeURIComponent(char));

function renderLink(href: string, label: string, context: Inline): string {
  if (context.plain || !LINKABLE.test(href)) return label || escapeMrkdwn(href);
  const target = linkTarget(href);
  return !label || label === escapeMrkdwn(href) ? `<${target}>` : `<${target}|${label}>`;
}

function renderInline(tokens: readonly Token[], context: Inline = {}): string {
  let out = '';
  for (const token of tokens) out += renderInlineToken(token, context);
  return out;
}

function renderInlineToken(token: Token, context: Inline): string {
  switch (token.type) {
    case 'text':
      return token.tokens ? renderInline(token.tokens, context) : escapeText(decodeEntities(token.text));
    case 'escape':
    case 'html':
      return escapeText(token.text);
    case 'codespan':
      return context.plain ? escapeMrkdwn(token.text) : `\`${escapeMrkdwn(token.text)}\``;
    case 'br':
      return context.plain ? ' ' : '\n';
    case 'strong': {
      const inner = renderInline(token.tokens ?? [], { ...context, bold: true });
      return context.bold || context.plain ? inner : wrap('*', inner);
    }
    case 'em':
      return context.plain
        ? renderInline(token.tokens ?? [])
        : wrap('_', renderInline(token.tokens ?? [], context));
    case 'del':
      return context.plain
        ? renderInline(token.tokens ?? [])
        : wrap('~', renderInline(token.tokens ?? [], context));
    case 'link':
      return renderLink(token.href, renderInline(token.tokens ?? [], context), context);
    case 'image':
      return renderLink(token.href, escapeMrkdwn(decodeEntities(token.text || token.title || '')), context);
    default:
      return 'raw' in token ? escapeMrkdwn(token.raw) : '';
  }
}

/** Lines after the first of a list item line up under its text. */
const indentRest = (text: string, indent: string) => text.replace(/\n(?=.)/g, `\n${indent}`);

function renderList(list: Tokens.List): string {
  const start = typeof list.start === 'number' ? list.start : 1;
  const items = list.items.map((item, index) => {
    const marker = list.ordered ? `${start + index}. ` : '• ';
    const box = item.task ? (item.checked ? '☑ ' : '☐ ') : '';
    const body = renderBlocks(
      item.tokens.filter((token) => token.type !== 'checkbox'),
      item.loose ? '\n\n' : '\n',
    );
    return `${marker}${box}${indentRest(body, '    ')}`;
  });
  return items.join(list.loose ? '\n\n' : '\n');
}

/** Slack has no tables: the cells go in a code block, in columns padded to line up. */
function renderTable(table: Tokens.Table): string {
  const cell = (tableCell: Tokens.TableCell) => renderInline(tableCell.tokens, { plain: true });
  const rows = [table.header.map(cell), ...table.rows.map((row) => row.map(cell))];
  const widths = table.header.map((_, column) =>
    Math.max(3, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (row: string[]) =>
    `| ${widths.map((width, column) => (row[column] ?? '').padEnd(width)).join(' | ')} |`;
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  const [header = [], ...body] = rows;
  return `\`\`\`\n${[line(header), rule, ...body.map(line)].join('\n')}\n\`\`\``;
}

function renderBlock(token: Token): string {
  switch (token.type) {
    case 'paragraph':
      return renderInline(token.tokens ?? []);
    case 'text':
      return token.tokens ? renderInline(token.tokens) : escapeText(decodeEntities(token.text));
    case 'heading': {
      const inner = renderInline(token.tokens ?? [], { bold: true });
      return inner ? `*${inner}*` : '';
    }
    case 'code':
      return `\`\`\`\n${escapeMrkdwn(token.text)}\n\`\`\``;
    case 'blockquote':
      return renderBlocks(token.tokens ?? [], '\n\n')
        .split('\n')
        .map((line) => (line ? `> ${line}` : '>'))
        .join('\n');
    case 'list':
      return renderList(token as Tokens.List);
    case 'table':
      return renderTable(token as Tokens.Table);
    case 'hr':
      return '──────────';
    case 'html':
      return escapeText(token.text.trim());
    case 'space':
    case 'def':
      return '';
    default:
      return 'raw' in token ? escapeMrkdwn(token.raw.trim()) : '';
  }
}

function renderBlocks(tokens: readonly Token[], separator: string): string {
  const rendered: string[] = [];
  for (const token of tokens) {
    const block = renderBlock(token);
    if (block) rendered.push(block);
  }
  return rendered.join(separator);
}
