import { readFileSync } from 'node:fs';

/**
 * The judge: another Bedrock model that scores an answer 1–5 with a one-line reason (against the
 * expected answer when the row has one, else against a rubric), or, in pairwise mode, says which of
 * two answers is better. These are the words it is asked and how its reply is read.
 */

/** The default rubric, kept in the repository (rubrics/default.md) so it is read and changed as text. */
export const DEFAULT_RUBRIC = readFileSync(
  new URL('../../rubrics/default.md', import.meta.url),
  'utf8',
).trim();

export interface JudgedRow {
  prompt: string;
  system?: string;
  expected?: string;
}

export interface JudgeRequest {
  system: string;
  prompt: string;
}

const SCORE_SYSTEM =
  'You are a strict, fair evaluator of AI answers. You reply with exactly two lines and nothing else:\n' +
  'Score: <a whole number from 1 to 5>\nReason: <one sentence>';

/** The text between markers is data to judge, never instructions to follow. */
const quoted = (label: string, text: string) => `<${label}>\n${text}\n</${label}>`;

export function scoreRequest(row: JudgedRow, answer: string, rubric: string): JudgeRequest {
  const basis = row.expected
    ? `Compare the answer with the expected answer: 5 when it says the same in substance, 1 when it contradicts it.\n\n${quoted('expected_answer', row.expected)}`
    : `Use this rubric:\n${rubric}`;
  return {
    system: SCORE_SYSTEM,
    prompt: [
      quoted('question', row.system ? `${row.system}\n\n${row.prompt}` : row.prompt),
      quoted('answer', answer),
      basis,
      'Reply with the two lines now.',
    ].join('\n\n'),
  };
}

export interface Score {
  score: number;
  reason: string;
}

/** The judge's score and reason; undefined when its reply holds no score from 1 to 5. */
export function parseScore(reply: string): Score | undefined {
  const labelled = /score\s*[:=]?\s*\**\s*([1-5])(?:\s*\/\s*5)?\b/i.exec(reply);
  const bare = /^\s*([1-5])\s*(?:\/\s*5)?\s*$/m.exec(reply);
  const score = Number((labelled ?? bare)?.[1]);
  if (!score) return undefined;
  const reason = /reason\s*\**\s*[:=]\s*\**\s*(.+)/i.exec(reply)?.[1]?.trim();
  const fallback = reply
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line && !/score/i.test(line) && !/^[1-5]$/.test(line));
  return { score, reason: (reason ?? fallback ?? '').slice(0, 300) };
}

const PAIR_SYSTEM =
  'You are a strict, fair evaluator comparing two AI answers to one question. Ignore which answer ' +
  'comes first and how long each is. You reply with exactly two lines and nothing else:\n' +
  'Better: A, B or tie\nReason: <one sentence>';

export function pairRequest(row: JudgedRow, first: string, second: string, rubric: string): JudgeRequest {
  const basis = row.expected ? quoted('expected_answer', row.expected) : `Use this rubric:\n${rubric}`;
  return {
    system: PAIR_SYSTEM,
    prompt: [
      quoted('question', row.system ? `${row.system}\n\n${row.prompt}` : row.prompt),
      quoted('answer_A', first),
      quoted('answer_B', second),
      basis,
      'Reply with the two lines now.',
    ].join('\n\n'),
  };
}

export type Preference = 'A' | 'B' | 'tie';

/** Which answer the judge preferred; undefined when its reply does not say. */
export function parsePreference(reply: string): Preference | undefined {
  const match = /better\s*[:=]?\s*\**\s*(answer\s*)?(A|B|tie|neither|both|equal)\b/i.exec(reply);
  const said = match?.[2]?.toLowerCase();
  if (said === 'a') return 'A';
  if (said === 'b') return 'B';
  if (said) return 'tie';
  return undefined;
}

/**
 * One pairwise verdict from both orders (x shown first, then y first). A judge that changes its
 * mind when the order changes is showing position bias, not a preference: that counts as a tie.
 */
export function pairVerdict(xFirst: Preference, yFirst: Preference): 'x' | 'y' | 'tie' {
  if (xFirst === 'A' && yFirst === 'B') return 'x';
  if (xFirst === 'B' && yFirst === 'A') return 'y';
  return 'tie';
}
