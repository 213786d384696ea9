import type { CompareRun, Verdict } from '../../compare/types.js';
import type { SlackMessage } from '../kit/message.js';
import { escapeMrkdwn } from '../kit/mrkdwn.js';
import { notice } from '../kit/notices.js';
import { blindLabel } from './message.js';

/** The voter's private thanks on an arena run: what they picked, and which model wrote each answer. */
export function arenaThanks(run: CompareRun, verdict: Verdict): SlackMessage {
  const said = verdict === 'tie' ? 'a tie' : verdict === 'bad' ? 'all bad' : `answer ${blindLabel(verdict)}`;
  const models = run.models
    .map((model, index) => `${blindLabel(index)} was *${escapeMrkdwn(model.name)}*`)
    .join(', ');
  return notice(
    `Your vote counts: ${said}. Between us: ${models}. The others still see the answers blind.`,
    ':ballot_box_with_ballot:',
  );
}
