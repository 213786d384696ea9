import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { SlackViewAction } from '@slack/bolt';
import { z } from 'zod';
import { type Requester, teamOf } from './requester.js';

const sealedSchema = z.object({
  origin: z.object({ teamId: z.string(), userId: z.string(), channelId: z.string() }),
  data: z.unknown().optional(),
});

/**
 * A modal's submission names no channel of Slack's own, so the channel a form was opened from (a
 * slash command's or a button's, as Slack gave it) travels in the view's `private_metadata`, sealed
 * with an HMAC. Signing rather than keeping the origin in the store by view ID: it needs no store
 * round trip inside the submission's 3-second ack, survives a store outage or restart, and holds on
 * every replica. A submission is honoured only when the seal is the app's and the person submitting
 * is the person who opened the form, in the same workspace.
 */
export class FormSeal {
  private readonly key: Buffer;

  /** `secret`: the bot token, which only the app holds; the key is derived, never the token itself. */
  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, '', 'bedrock-slack form origin', 32));
  }

  seal(origin: Requester, data?: unknown): string {
    const body = Buffer.from(JSON.stringify({ origin, data })).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /**
   * A submitted form's origin and data, or undefined when the seal is not the app's or the person
   * submitting is not the one who opened it.
   */
  open(submission: SlackViewAction): { origin: Requester; data: unknown } | undefined {
    const submitter = {
      teamId: teamOf(submission),
      userId: submission.user.id,
    };
    const [body = '', mac = ''] = submission.view.private_metadata.split('.');
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let parsed: z.infer<typeof sealedSchema>;
    try {
      parsed = sealedSchema.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    } catch {
      return undefined;
    }
    const { origin } = parsed;
    if (origin.userId !== submitter.userId || origin.teamId !== submitter.teamId) return undefined;
    return { origin, data: parsed.data };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

/** What a person sees, inline in the form, when its submission cannot be honoured. */
export const UNSEALED_FORM =
  'This form can’t be used from here: it was opened by someone else or has been changed. Close it and open it again where you want the result.';
