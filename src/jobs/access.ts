import { failed, ok, problem, type Result } from '../result.js';

/** Who asked, in which workspace and channel: what the access rules are about. */
export interface Asker {
  teamId: string;
  userId: string;
  channelId: string;
}

/** Who belongs to a user group; the chat platform answers it (Slack: usergroups.users.list). */
export interface GroupMembers {
  membersOf(teamId: string, groupId: string): Promise<readonly string[]>;
}

/** FINETUNE_ALLOWED_CHANNELS, FINETUNE_ALLOWED_USERS and FINETUNE_STOPPERS, as configured. */
export interface JobAccessRules {
  /** Channel IDs where jobs may be shown; empty means any channel. */
  allowedChannels: string[];
  /** User and user-group IDs who may list, watch and create; empty means everyone. */
  allowedUsers: string[];
  /** User and user-group IDs who may stop a job; empty means those who may act at all. */
  stoppers: string[];
}

/** Whether job details may go to a channel: any channel when the allow-list is empty. */
export function channelAllowed(allowedChannels: string[], channelId: string): boolean {
  return allowedChannels.length === 0 || allowedChannels.includes(channelId);
}

/** Who may see, watch, start and stop customization jobs, and where. */
export class JobAccess {
  constructor(
    private readonly rules: JobAccessRules,
    private readonly groups: GroupMembers,
  ) {}

  /** Admitted, or why not: the channel first, then the person. */
  async admit(who: Asker): Promise<Result<void>> {
    const { allowedChannels, allowedUsers } = this.rules;
    if (!channelAllowed(allowedChannels, who.channelId)) {
      return failed(
        problem(
          'forbidden',
          `Customization jobs can’t be shown in this channel. Use one of: ${allowedChannels.map((id) => `<#${id}>`).join(', ')}.`,
        ),
      );
    }
    if (!(await this.isListed(allowedUsers, who))) {
      return failed(
        problem(
          'forbidden',
          'You are not on the list of people who may see customization jobs. Ask whoever runs this app to add you (FINETUNE_ALLOWED_USERS).',
        ),
      );
    }
    return ok(undefined);
  }

  /** Whether this person may see jobs where only they look (App Home): no channel rule applies there. */
  mayList(teamId: string, userId: string): Promise<boolean> {
    return this.isListed(this.rules.allowedUsers, { teamId, userId, channelId: '' });
  }

  /** Whether this person may stop jobs here: a stopper who is also admitted. */
  async mayStop(who: Asker): Promise<boolean> {
    return (await this.isListed(this.rules.stoppers, who)) && (await this.admit(who)).ok;
  }

  /** On the list by user ID or through a user group (IDs starting with S); an empty list holds everyone. */
  private async isListed(list: string[], who: Asker): Promise<boolean> {
    if (list.length === 0 || list.includes(who.userId)) return true;
    for (const group of list.filter((id) => id.startsWith('S'))) {
      if ((await this.groups.membersOf(who.teamId, group)).includes(who.userId)) return true;
    }
    return false;
  }
}
