import type { RequestProblem } from '../../compare/request.js';
import { clip } from '../kit/limits.js';
import type { SlackMessage } from '../kit/message.js';
import { notice, unknownModelNotice } from '../kit/notices.js';
import { problemNotice } from '../kit/problem.js';

const OUTPUT_WORDS: Record<string, string> = { EMBEDDING: 'embeddings', IMAGE: 'images', VIDEO: 'videos' };

/** A model the catalog knows but which answers with no text, so it cannot take part in a compare. */
function noTextNotice(name: string, outputModalities: string[]): SlackMessage {
  const makes = outputModalities.map((modality) => OUTPUT_WORDS[modality] ?? modality.toLowerCase());
  return notice(
    `${clip(name, 100)} makes ${makes.join(' and ') || 'no text'}, not text, so it can’t answer a prompt here.`,
  );
}

/** What a person is told when a request names a model that cannot take part. */
export function requestNotice(problem: RequestProblem): SlackMessage {
  switch (problem.kind) {
    case 'unknown-model':
      return unknownModelNotice(problem.word, problem.suggestions, problem.known);
    case 'no-text':
      return noTextNotice(problem.name, problem.outputModalities);
    default:
      return problemNotice(problem);
  }
}
