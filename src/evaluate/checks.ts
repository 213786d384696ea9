import { failed, ok, type Result } from '../result.js';

/**
 * What an answer must satisfy, written in a prompt set's `checks` column or for the whole set with
 * `--check`: `contains:Paris`, `not-contains:sorry`, `regex:^\d+$` (or `regex:/^yes/i`),
 * `equals:42`, `json`, `max-latency:2s` (or `1500ms`), `max-cost:0.001` (dollars). Several are
 * separated by `;` (in JSONL, an array of strings needs no separator).
 */
export type Check =
  | { readonly kind: 'contains' | 'not-contains' | 'equals'; readonly text: string }
  | { readonly kind: 'regex'; readonly source: string; readonly flags: string }
  | { readonly kind: 'json' }
  | { readonly kind: 'max-latency'; readonly ms: number }
  | { readonly kind: 'max-cost'; readonly usd: number };

/** What a check is measured against: one model's answer to one row. */
export interface CheckedAnswer {
  text: string;
  latencyMs: number;
  /** Undefined when the price is unknown: a cost limit then cannot pass. */
  costUsd?: number;
}

export interface CheckOutcome {
  /** The check as written, e.g. `contains:Paris`. */
  check: string;
  passed: boolean;
  /** Why it failed, in a few words. */
  why?: string;
}

const KINDS = ['contains', 'not-contains', 'regex', 'equals', 'json', 'max-latency', 'max-cost'];

/** One check from its text; the message says what is wrong with it (the caller adds row and column). */
function parseCheck(written: string): Result<Check, string> {
  const text = written.trim();
  const colon = text.indexOf(':');
  const kind = (colon < 0 ? text : text.slice(0, colon)).trim().toLowerCase();
  const argument = colon < 0 ? '' : text.slice(colon + 1);
  switch (kind) {
    case 'contains':
    case 'not-contains':
    case 'equals':
      if (argument.trim() === '')
        return failed(`\`${kind}\` needs a text after the colon, e.g. \`${kind}:Paris\``);
      return ok({ kind, text: argument.trim() });
    case 'regex':
      return parseRegex(argument.trim());
    case 'json':
      return ok({ kind });
    case 'max-latency': {
      const match = /^(\d+(?:\.\d+)?)\s*(ms|s)?$/i.exec(argument.trim());
      if (!match)
        return failed(
          `\`max-latency\` takes a time such as \`2s\` or \`1500ms\`, not \`${argument.trim()}\``,
        );
      const value = Number(match[1]);
      return ok({ kind, ms: match[2]?.toLowerCase() === 'ms' ? value : value * 1000 });
    }
    case 'max-cost': {
      const match = /^\$?(\d+(?:\.\d+)?)$/.exec(argument.trim());
      if (!match) return failed(`\`max-cost\` takes dollars such as \`0.001\`, not \`${argument.trim()}\``);
      return ok({ kind, usd: Number(match[1]) });
    }
    default:
      return failed(
        `\`${kind || text}\` is not a check: use one of ${KINDS.map((name) => `\`${name}\``).join(', ')}`,
      );
  }
}

function parseRegex(argument: string): Result<Check, string> {
  if (argument === '') return failed('`regex` needs a pattern after the colon, e.g. `regex:^\\d+$`');
  const slashed = /^\/(.*)\/([a-z]*)$/s.exec(argument);
  const source = slashed ? (slashed[1] ?? '') : argument;
  const flags = slashed ? (slashed[2] ?? '') : '';
  try {
    new RegExp(source, flags);
  } catch (error) {
    return failed(
      `the regex \`${argument}\` does not compile: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`,
    );
  }
  return ok({ kind: 'regex', source, flags });
}

/** Every check in a `;`-separated text (or a list of texts); the first bad one stops it. */
export function parseChecks(written: string | readonly string[]): Result<Check[], string> {
  const parts = (typeof written === 'string' ? written.split(';') : written)
    .map((part) => part.trim())
    .filter(Boolean);
  const checks: Check[] = [];
  for (const part of parts) {
    const parsed = parseCheck(part);
    if (!parsed.ok) return parsed;
    checks.push(parsed.value);
  }
  return ok(checks);
}

function describeCheck(check: Check): string {
  switch (check.kind) {
    case 'contains':
    case 'not-contains':
    case 'equals':
      return `${check.kind}:${check.text}`;
    case 'regex':
      return check.flags ? `regex:/${check.source}/${check.flags}` : `regex:${check.source}`;
    case 'json':
      return 'json';
    case 'max-latency':
      return `max-latency:${check.ms}ms`;
    case 'max-cost':
      return `max-cost:${check.usd}`;
  }
}

/** An answer often wraps JSON in a Markdown fence; the JSON inside is what was asked for. */
function unfenced(text: string): string {
  const fenced = /^\s*```[a-z]*\s*\n([\s\S]*?)\n?```\s*$/i.exec(text);
  return (fenced ? fenced[1] : text) ?? '';
}

function holds(check: Check, answer: CheckedAnswer): { passed: boolean; why?: string } {
  const text = answer.text;
  switch (check.kind) {
    // Case does not make an answer right or wrong: "paris" contains Paris.
    case 'contains':
      return text.toLowerCase().includes(check.text.toLowerCase())
        ? { passed: true }
        : { passed: false, why: `does not contain “${check.text}”` };
    case 'not-contains':
      return text.toLowerCase().includes(check.text.toLowerCase())
        ? { passed: false, why: `contains “${check.text}”` }
        : { passed: true };
    case 'equals':
      return text.trim() === check.text
        ? { passed: true }
        : { passed: false, why: `is not exactly “${check.text}”` };
    case 'regex':
      return new RegExp(check.source, check.flags).test(text)
        ? { passed: true }
        : { passed: false, why: `does not match /${check.source}/${check.flags}` };
    case 'json':
      try {
        JSON.parse(unfenced(text));
        return { passed: true };
      } catch {
        return { passed: false, why: 'is not valid JSON' };
      }
    case 'max-latency':
      return answer.latencyMs <= check.ms
        ? { passed: true }
        : { passed: false, why: `took ${Math.round(answer.latencyMs)} ms (limit ${check.ms} ms)` };
    case 'max-cost':
      if (answer.costUsd === undefined)
        return { passed: false, why: 'cost unknown, so the limit cannot be shown to hold' };
      return answer.costUsd <= check.usd
        ? { passed: true }
        : { passed: false, why: `cost $${answer.costUsd.toPrecision(2)} (limit $${check.usd})` };
  }
}

export function runChecks(checks: readonly Check[], answer: CheckedAnswer): CheckOutcome[] {
  return checks.map((check) => ({ check: describeCheck(check), ...holds(check, answer) }));
}
