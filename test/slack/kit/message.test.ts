import { describe, expect, it } from 'vitest';
import type { Job } from '../../../src/jobs/types.js';
import { mentionsIn } from '../../../src/playground/local-slack.js';
import { jobDetailsMessage } from '../../../src/slack/jobs/blocks.js';
import { defuseMentions, slackMessage } from '../../../src/slack/kit/message.js';
import { notice } from '../../../src/slack/kit/notices.js';

describe('defusing mentions', () => {
  it('turns every mention Slack notifies for into plain words', () => {
    expect(
      defuseMentions('<!channel> <!here|here> <!EVERYONE> <!subteam^S0614TZR7|@admins> <@U123> <@W9|ada>'),
    ).toBe('@channel @here @EVERYONE @admins @U123 @ada');
  });

  it('keeps links, channel names, dates and the people the app itself names', () => {
    const text =
      '<https://aws.amazon.com|AWS> <#C123|general> <!date^1700000000^{date_short}|2023-11-14> <@UREQ> <@UOTHER>';
    expect(defuseMentions(text, ['UREQ'])).toBe(
      '<https://aws.amazon.com|AWS> <#C123|general> <!date^1700000000^{date_short}|2023-11-14> <@UREQ> @UOTHER',
    );
  });

  it('reaches every text of a message: fallback text, sections, fields, context and table cells', () => {
    const message = slackMessage({
      text: '<!channel>',
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: '<!here>' },
          fields: [{ type: 'mrkdwn', text: '<@U1>' }],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: '<!everyone>' }] },
        { type: 'table', rows: [[{ type: 'raw_text', text: '<!subteam^S1>' }]] },
      ],
    });
    expect(mentionsIn(message)).toEqual([]);
    expect(JSON.stringify(message)).not.toMatch(/<[!@]/);
  });

  it('lets a notice name the person it is about, and no one else', () => {
    const message = notice('<@UREQ> asked about <@UVICTIM> and <!channel>', ':wave:', ['UREQ']);
    expect(mentionsIn(message)).toEqual(['<@UREQ>', '<@UREQ>']);
  });

  it('defuses a failure message Bedrock echoes from a job’s data', () => {
    const job: Job = {
      arn: 'arn:aws:bedrock:us-east-1:123456789012:model-customization-job/abc',
      name: 'tuned',
      status: 'Failed',
      type: 'FINE_TUNING',
      baseModelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0:128k',
      createdAt: '2026-11-01T00:00:00Z',
      stages: {},
      failureMessage: 'Row 3 is not valid JSON: "<!channel> ask <@UVICTIM>"',
      detailed: true,
    };
    expect(mentionsIn(jobDetailsMessage(job, { watching: false, mayStop: false }))).toEqual([]);
  });
});
