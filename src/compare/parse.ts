import { EFFORTS, type Effort, MIN_THINKING_BUDGET } from '../bedrock/reasoning.js';
import type { CompareOptions } from './types.js';

/** What the text after `/compare` asks for. Pure: the catalog is consulted through `classify`. */
export type CompareCommand =
  | { kind: 'help' }
  | { kind: 'modal' }
  /** `leaderboard [#tag] [--judge]`: the board, for one tag, with pairwise judges' verdicts or not. */
  | { kind: 'leaderboard'; tag?: string; includeJudge: boolean }
  | { kind: 'settings' }
  | { kind: 'error'; message: string }
  | { kind: 'unknown-model'; word: string }
  | { kind: 'run'; models: string[]; prompt: string; options: CompareOptions };

/** How a leading word reads: a model the catalog knows, something shaped like a model name, or prose. */
export type WordKind = 'model' | 'unknown-model' | 'text';

// Words prompts often open with. One of these before a model name is prose ("explain nova-lite
// pricing"), while any other plain lowercase word there is taken as a model the user misspelt.
const PROSE_WORDS = new Set(
  (
    'a an the this that these those what which who whom whose why how when where whether is are was were ' +
    'do does did can could should would will shall may might must has have had be please i we you my our ' +
    'your it its if in on of for to from with about between versus vs and or not no yes so then than ' +
    'explain describe summarize summarise write draft list give tell show compare translate rewrite ' +
    'create make generate suggest find name define outline answer classify extract fix review improve ' +
    'convert count calculate solve plan design build help say use'
  ).split(' '),
);

/** Lowercase, without sentence punctuation and not common prose: a word that could be a model name. */
function couldBeModelName(word: string): boolean {
  return /^[a-z0-9][a-z0-9.:_@-]*$/.test(word) && !PROSE_WORDS.has(word);
}

// Slack turns straight quotes into curly ones on some clients; both delimit a quoted option value.
const QUOTES: Record<string, string> = { '"': '"', '“': '”', '”': '”', "'": "'", '‘': '’' };

/** The next value of an option: a quoted text, or one word. The command words of evaluations share it. */
export function takeValue(text: string): { value: string; rest: string } | undefined {
  const trimmed = text.trimStart();
  const open = trimmed[0];
  const close = open ? QUOTES[open] : undefined;
  if (open && close) {
    const end = trimmed.indexOf(close, 1);
    if (end < 0) return undefined;
    return { value: trimmed.slice(1, end), rest: trimmed.slice(end + 1) };
  }
  const match = trimmed.match(/^(\S+)([\s\S]*)$/);
  return match ? { value: match[1] ?? '', rest: match[2] ?? '' } : undefined;
}

function parseDuration(value: string): number | undefined {
  const match = value.match(/^(\d+(?:\.\d+)?)(ms|s)?$/);
  if (!match) return undefined;
  const amount = Number(match[1]);
  return match[2] === 'ms' ? amount : amount * 1000;
}

const OPTIONS: Record<string, (value: string, options: CompareOptions) => string | undefined> = {
  '--max-tokens': (value, options) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < 1 || number > 64_000)
      return '--max-tokens takes a whole number from 1 to 64000';
    options.maxTokens = number;
    options.maxTokensGiven = true;
  },
  '--temperature': (value, options) => {
    const number = Number(value);
    if (!Number.isFinite(number) || number < 0 || number > 1)
      return '--temperature takes a number from 0 to 1';
    options.temperature = number;
  },
  '--system': (value, options) => {
    if (!value.trim()) return '--system takes a prompt in quotes, e.g. --system "Answer in one sentence"';
    options.system = value.trim();
  },
  '--max-latency': (value, options) => {
    const ms = parseDuration(value);
    if (ms === undefined || ms <= 0) return '--max-latency takes a duration such as 2s or 800ms';
    options.maxLatencyMs = ms;
  },
  '--think': (value, options) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < MIN_THINKING_BUDGET || number > 64_000)
      return `--think takes a thinking budget in tokens from ${MIN_THINKING_BUDGET} to 64000, or nothing for the default`;
    options.think = { budget: number };
  },
  '--effort': (value, options) => {
    if (!EFFORTS.includes(value as Effort)) return `--effort takes ${EFFORTS.join(', ')}`;
    options.effort = value as Effort;
  },
  '--max-cost': (value, options) => {
    const number = Number(value.replace(/^\$/, ''));
    if (!Number.isFinite(number) || number <= 0) return '--max-cost takes a dollar amount such as 0.01';
    options.maxCostUsd = number;
  },
};

export type OptionFlag = keyof typeof OPTIONS;

/** Checks one option's value and sets it; returns what is wrong with it, if anything. */
export function applyOption(flag: OptionFlag, value: string, options: CompareOptions): string | undefined {
  return OPTIONS[flag]?.(value, options);
}

export function parseCompareText(text: string, classify: (word: string) => WordKind): CompareCommand {
  let rest = text.trim();
  if (rest === '') return { kind: 'modal' };
  if (/^(help|-h|--help|\?)$/i.test(rest)) return { kind: 'help' };
  const board = /^leaderboard((?:\s+(?:#[a-z0-9][a-z0-9_-]*|--judge))*)\s*$/i.exec(rest);
  if (board) {
    const words = (board[1] ?? '').trim().split(/\s+/);
    const tag = words
      .find((word) => word.startsWith('#'))
      ?.slice(1)
      .toLowerCase();
    return { kind: 'leaderboard', ...(tag ? { tag } : {}), includeJudge: words.includes('--judge') };
  }
  if (/^settings$/i.test(rest)) return { kind: 'settings' };

  const options: CompareOptions = { blind: false };
  const models: string[] = [];
  while (rest !== '') {
    const word = rest.match(/^\S+/)?.[0] ?? '';
    const afterWord = rest.slice(word.length);
    if (word === '--blind' || word === '--arena') {
      options.blind = true;
      // An arena run is blind and takes everyone's vote, once each, for the ratings.
      if (word === '--arena') options.arena = true;
      rest = afterWord.trimStart();
      continue;
    }
    // `--think` alone turns thinking on at each family's default budget; a number after it is the budget.
    if (word === '--think' && !/^\s*\d/.test(afterWord)) {
      options.think = {};
      rest = afterWord.trimStart();
      continue;
    }
    if (word.startsWith('--')) {
      const apply = OPTIONS[word];
      if (!apply) return { kind: 'error', message: `Unknown option \`${word}\`. See \`/compare help\`.` };
      const taken = takeValue(afterWord);
      if (!taken) return { kind: 'error', message: `${word} needs a value. See \`/compare help\`.` };
      const problem = apply(taken.value, options);
      if (problem) return { kind: 'error', message: problem };
      rest = taken.rest.trimStart();
      continue;
    }
    // A comma-joined list is always models; a single word is one only when the catalog says so.
    const parts = word.split(',').filter(Boolean);
    const kinds = parts.map(classify);
    const isList = parts.length > 1 || word.endsWith(',');
    // A name-like word right before a known model sits among the models (`nosuchmodel nova-lite hi`).
    const nextWord = afterWord.trimStart().match(/^[^\s,]+/)?.[0];
    const beforeModel = nextWord !== undefined && couldBeModelName(word) && classify(nextWord) === 'model';
    if (isList || kinds[0] !== 'text' || beforeModel) {
      const unknown = parts.find((_, index) => kinds[index] !== 'model');
      if (unknown) return { kind: 'unknown-model', word: unknown };
      models.push(...parts);
      rest = afterWord.replace(/^\s*,?\s*/, '');
      continue;
    }
    break;
  }
  const prompt = rest.trim();
  if (prompt === '') {
    return {
      kind: 'error',
      message:
        'Add a prompt after the models, e.g. `/compare nova-micro sonnet What are the top AWS services?`',
    };
  }
  return { kind: 'run', models, prompt, options };
}
