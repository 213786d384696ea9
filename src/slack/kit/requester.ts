import type { BlockAction, SlashCommand } from '@slack/bolt';

/** Who asked, in which workspace and channel: what every flow needs to answer and to check access. */
export interface Requester {
  teamId: string;
  userId: string;
  channelId: string;
  /** Set when the request came from a thread (the assistant panel's): what it starts goes there. */
  threadTs?: string;
}

/**
 * The workspace of an interaction. Slack names it in `team.id`, except for an app installed at the
 * level of an Enterprise Grid organization, where `team` may be null and only the user's team is given.
 */
export function teamOf(body: { team?: { id: string } | null; user: { team_id?: string } }): string {
  return body.team?.id ?? body.user.team_id ?? '';
}

export function requesterOfCommand(command: SlashCommand): Requester {
  return { teamId: command.team_id, userId: command.user_id, channelId: command.channel_id };
}

/** Who clicked, where: the channel is Slack's own field of the click, never anything the button carries. */
export function requesterOfAction(body: BlockAction): Requester {
  return {
    teamId: teamOf(body),
    userId: body.user.id,
    channelId: body.channel?.id ?? body.container?.channel_id ?? '',
  };
}
