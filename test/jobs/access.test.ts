import { describe, expect, it } from 'vitest';
import { type Asker, type GroupMembers, JobAccess, type JobAccessRules } from '../../src/jobs/access.js';

/** User groups as the workspace has them, counting how often they are asked about. */
class FakeGroups implements GroupMembers {
  readonly asked: string[] = [];
  constructor(private readonly groups: Record<string, string[]>) {}
  async membersOf(teamId: string, groupId: string) {
    this.asked.push(`${teamId}/${groupId}`);
    return this.groups[groupId] ?? [];
  }
}

const rules = (overrides: Partial<JobAccessRules> = {}): JobAccessRules => ({
  allowedChannels: [],
  allowedUsers: [],
  stoppers: [],
  ...overrides,
});
const asker = (userId: string, channelId = 'CJOBS'): Asker => ({ teamId: 'T1', userId, channelId });

describe('who may see customization jobs', () => {
  it('lets everyone in everywhere when no allow-list is set, and lets them stop jobs too', async () => {
    const access = new JobAccess(rules(), new FakeGroups({}));
    expect((await access.admit(asker('UANY', 'CANY'))).ok).toBe(true);
    expect(await access.mayStop(asker('UANY', 'CANY'))).toBe(true);
  });

  it('refuses a channel outside FINETUNE_ALLOWED_CHANNELS and names the channels that are allowed', async () => {
    const access = new JobAccess(rules({ allowedChannels: ['CJOBS', 'CML'] }), new FakeGroups({}));
    expect(await access.admit(asker('UADA', 'CRANDOM'))).toEqual({
      ok: false,
      problem: {
        kind: 'forbidden',
        message: 'Customization jobs can’t be shown in this channel. Use one of: <#CJOBS>, <#CML>.',
      },
    });
    expect((await access.admit(asker('UADA', 'CML'))).ok).toBe(true);
  });

  it('admits a listed user, and a member of a listed user group, and refuses anyone else', async () => {
    const groups = new FakeGroups({ SPLATFORM: ['UGRACE'] });
    const access = new JobAccess(rules({ allowedUsers: ['UADA', 'SPLATFORM'] }), groups);
    expect((await access.admit(asker('UADA'))).ok).toBe(true);
    expect(groups.asked).toEqual([]);
    expect((await access.admit(asker('UGRACE'))).ok).toBe(true);
    expect(groups.asked).toEqual(['T1/SPLATFORM']);
    const eve = await access.admit(asker('UEVE'));
    expect(eve.ok ? undefined : eve.problem).toEqual({
      kind: 'forbidden',
      message:
        'You are not on the list of people who may see customization jobs. Ask whoever runs this app to add you (FINETUNE_ALLOWED_USERS).',
    });
  });

  it('lets only FINETUNE_STOPPERS (users or group members) stop jobs, and only where they are admitted', async () => {
    const groups = new FakeGroups({ SONCALL: ['UBOB'] });
    const access = new JobAccess(
      rules({ allowedChannels: ['CJOBS'], stoppers: ['UADA', 'SONCALL'] }),
      groups,
    );
    expect(await access.mayStop(asker('UADA'))).toBe(true);
    expect(await access.mayStop(asker('UBOB'))).toBe(true);
    expect(await access.mayStop(asker('UEVE'))).toBe(false);
    expect(await access.mayStop(asker('UADA', 'CRANDOM'))).toBe(false);
  });
});
