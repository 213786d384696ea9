import type { SlackViewAction } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { FormSeal } from '../../../src/slack/kit/form-origin.js';

const seal = new FormSeal('xoxb-1111-2222-testtokenvalue');
const opener = { teamId: 'T1', userId: 'U1', channelId: 'C1' };

/** A view_submission as Slack sends it, with the fields the seal reads. */
const submission = (
  privateMetadata: string,
  user = { id: 'U1', team_id: 'T1' },
  team: { id: string } | null = { id: 'T1' },
) =>
  ({
    type: 'view_submission',
    team,
    user,
    view: { private_metadata: privateMetadata },
  }) as unknown as SlackViewAction;

describe('the channel a form was opened from', () => {
  it('comes back, with the form’s data, when the person who opened the form submits it', () => {
    const sealed = seal.seal(opener, { models: ['nova-micro'] });
    expect(seal.open(submission(sealed))).toEqual({ origin: opener, data: { models: ['nova-micro'] } });
  });

  it('is refused when someone else submits the form', () => {
    const sealed = seal.seal(opener);
    expect(seal.open(submission(sealed, { id: 'U2', team_id: 'T1' }))).toBeUndefined();
    expect(seal.open(submission(sealed, { id: 'U1', team_id: 'T2' }, { id: 'T2' }))).toBeUndefined();
  });

  it('is refused when the metadata was changed to name another channel', () => {
    const [, mac] = seal.seal(opener).split('.');
    const forged = Buffer.from(JSON.stringify({ origin: { ...opener, channelId: 'CSECRET' } })).toString(
      'base64url',
    );
    expect(seal.open(submission(`${forged}.${mac}`))).toBeUndefined();
  });

  it('is refused when another app (another secret) sealed it, or nothing did', () => {
    const foreign = new FormSeal('xoxb-9999-other-app').seal(opener);
    expect(seal.open(submission(foreign))).toBeUndefined();
    expect(seal.open(submission(''))).toBeUndefined();
  });

  it('is honoured for an org-wide install, where Slack names only the user’s team', () => {
    expect(seal.open(submission(seal.seal(opener), { id: 'U1', team_id: 'T1' }, null))?.origin).toEqual(
      opener,
    );
  });
});
