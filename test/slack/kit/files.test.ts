import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalSlack } from '../../../src/playground/local-slack.js';
import { SlackFiles } from '../../../src/slack/kit/files.js';

const BOT_TOKEN = 'xoxb-1111-2222-testtokenvalue';
const slack = new LocalSlack();
beforeAll(async () => {
  slack.botToken = BOT_TOKEN;
  await slack.start();
});
afterAll(() => slack.stop());

const PNG = Buffer.from('89504e470d0a1a0a', 'hex');

describe('files people attach in Slack', () => {
  it('become Bedrock attachments when Slack serves them to the bot token', async () => {
    const file = slack.addFile('chart.png', 'image/png', PNG);
    const result = await new SlackFiles(BOT_TOKEN, slack.apiUrl).attachments([file]);
    expect(result).toEqual({
      attachments: [{ kind: 'image', format: 'png', name: 'chart.png', bytes: new Uint8Array(PNG) }],
      problems: [],
    });
  });

  it('are left out with the missing scope named when Slack answers with its sign-in page', async () => {
    const file = slack.addFile('chart.png', 'image/png', PNG);
    const result = await new SlackFiles('xoxb-without-files-read', slack.apiUrl).attachments([file]);
    expect(result.attachments).toEqual([]);
    expect(result.problems).toEqual([
      'I could not download *chart.png*: the app may be missing the `files:read` scope (reinstall it from the manifest).',
    ]);
  });

  it('are not fetched, and the token not sent, from a host that is not Slack', async () => {
    const elsewhere = {
      id: 'F9',
      name: 'chart.png',
      mimetype: 'image/png',
      size: PNG.length,
      url_private: 'http://127.0.0.1:9/chart.png',
    };
    const result = await new SlackFiles(BOT_TOKEN, slack.apiUrl).attachments([elsewhere]);
    expect(result).toEqual({
      attachments: [],
      problems: ['*chart.png* is not hosted by Slack, so I did not fetch it.'],
    });
  });

  it('that Slack no longer has are left out, and the others still attached', async () => {
    const served = slack.addFile('notes.txt', 'text/plain', Buffer.from('hello'));
    const deleted = { ...slack.addFile('chart.png', 'image/png', PNG) };
    deleted.url_private_download = deleted.url_private.replace(/F\d+/, 'F999');
    const result = await new SlackFiles(BOT_TOKEN, slack.apiUrl).attachments([served, deleted]);
    expect(result.attachments.map((attachment) => attachment.name)).toEqual(['notes.txt']);
    expect(result.problems).toEqual([expect.stringMatching(/^I could not download \*chart\.png\*/)]);
  });
});
