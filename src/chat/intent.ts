/**
 * What a message written in the assistant panel asks for: a compare, the customization jobs, or a turn
 * of the conversation. Slash commands cannot be typed in a thread, so the panel understands them
 * (and their everyday phrasing) in plain words.
 */
export type PanelIntent =
  /** `text` is what `/compare` would be given. */
  | { kind: 'compare'; text: string }
  /** `text` is what `/finetune-status` would be given. */
  | { kind: 'jobs'; text: string }
  | { kind: 'chat' };

const COMPARE = /^\s*\/?compare\b[\s:]*([\s\S]*)$/i;
/** "A and B on <prompt>", "A, B vs C: <prompt>". */
const NAMED_MODELS = /^([\s\S]+?)\s*(?:\s(?:on|about|for)\s|:\s)\s*([\s\S]+)$/i;
const NAME_SEPARATOR = /\s*(?:,|&|\band\b|\bvs\.?(?=\s)|\bversus\b|\bwith\b)\s*/i;
const COMPARE_WORDS = /^(?:help|leaderboard)?$/i;

const JOBS_COMMAND = /^\s*\/?finetune-status\b\s*([\s\S]*)$/i;
const ABOUT_JOBS =
  /\b(?:fine[- ]?tun\w*|customi[sz]ation|distillation|(?:continued )?pre-?training|training)\b[\s\S]*\bjobs?\b|\bjobs?\b[\s\S]*\b(?:fine[- ]?tun\w*|customi[sz]ation|distillation)\b/i;
const JOB_FILTERS: [RegExp, string][] = [
  [/\b(?:running|in progress|active|ongoing)\b/i, 'running'],
  [/\bfailed\b/i, 'failed'],
  [/\b(?:completed|finished|done)\b/i, 'completed'],
  [/\bstopped\b/i, 'stopped'],
];

/** A model name as one word: "Claude Sonnet 4.5" → `claude-sonnet-4.5`, as the catalog's aliases read. */
const asWord = (name: string) => name.trim().toLowerCase().replace(/\s+/g, '-');

/**
 * Reads a panel message. A compare needs at least one name the catalog knows (`isModel`), so "compare
 * Python and Java on speed" stays a question for the model.
 */
export function readPanelIntent(text: string, isModel: (word: string) => boolean): PanelIntent {
  const compare = text.match(COMPARE);
  if (compare) {
    const rest = (compare[1] ?? '').trim();
    if (COMPARE_WORDS.test(rest)) return { kind: 'compare', text: rest };
    const named = rest.match(NAMED_MODELS);
    const names = named ? (named[1] ?? '').split(NAME_SEPARATOR).filter(Boolean).map(asWord) : [];
    if (names.length >= 2 && names.some(isModel)) {
      return { kind: 'compare', text: `${names.join(' ')} ${(named?.[2] ?? '').trim()}` };
    }
    // `/compare`'s own form: model names first, then the prompt.
    const [first = ''] = rest.split(/\s+/);
    if (isModel(first)) return { kind: 'compare', text: rest };
  }
  const command = text.match(JOBS_COMMAND);
  if (command) return { kind: 'jobs', text: (command[1] ?? '').trim() };
  if (ABOUT_JOBS.test(text)) {
    const filter = JOB_FILTERS.find(([pattern]) => pattern.test(text))?.[1];
    return { kind: 'jobs', text: filter ?? '' };
  }
  return { kind: 'chat' };
}
