import type { BlockAction, SlashCommand } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { requesterOfAction, requesterOfCommand, teamOf } from '../../../src/slack/kit/requester.js';

// Payload fields as Slack sends them; the rest of each payload does not matter here.
const click = (fields: object) =>
  ({
    type: 'block_actions',
    user: { id: 'U1', team_id: 'T1' },
    actions: [],
    ...fields,
  }) as unknown as BlockAction;

describe('who asked, and where', () => {
  it('is the workspace, person and channel of a slash command', () => {
    const command = { team_id: 'T1', user_id: 'U1', channel_id: 'C1' } as SlashCommand;
    expect(requesterOfCommand(command)).toEqual({ teamId: 'T1', userId: 'U1', channelId: 'C1' });
  });

  it('is the channel Slack names for a click, never one the button could claim', () => {
    const body = click({
      team: { id: 'T1' },
      channel: { id: 'C1' },
      container: { type: 'message', channel_id: 'C1' },
      actions: [{ action_id: 'compare_vote', value: '{"channel":"CFORGED"}' }],
    });
    expect(requesterOfAction(body)).toEqual({ teamId: 'T1', userId: 'U1', channelId: 'C1' });
  });

  it('takes the channel from the container when a click names none itself', () => {
    expect(requesterOfAction(click({ team: { id: 'T1' }, container: { channel_id: 'C2' } })).channelId).toBe(
      'C2',
    );
  });

  it('is the user’s own workspace for an app installed on an Enterprise Grid organization', () => {
    expect(teamOf({ team: null, user: { team_id: 'T9' } })).toBe('T9');
    expect(teamOf({ team: { id: 'T1' }, user: { team_id: 'T9' } })).toBe('T1');
  });
});
