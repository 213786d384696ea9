import { z } from 'zod';
import { type AcceptedFile, ATTACHMENT_LIMITS, checkAttachments } from '../../bedrock/attachments.js';
import type { Attachment } from '../../bedrock/messages.js';
import { failed, ok, problem, type Result } from '../../result.js';

/** The fields of a Slack file object (in a message event's `files`) that a chat turn needs. */
export const slackFileSchema = z.object({
  id: z.string(),
  name: z.string().default('file'),
  mimetype: z.string().default('application/octet-stream'),
  size: z.number().default(0),
  url_private: z.string().optional(),
  url_private_download: z.string().optional(),
});

export type SlackFile = z.infer<typeof slackFileSchema>;

/**
 * Fetches a file's bytes with the bot token. The token goes only to Slack's own hosts (or to the
 * configured SLACK_API_URL's host, for enterprise proxies and the offline bench), never to a URL
 * that merely came in an event. The problem, when there is one, is shown to the person as it is.
 */
async function downloadSlackFile(
  file: SlackFile,
  botToken: string,
  apiUrl: string | undefined,
  maxBytes: number,
): Promise<Result<Uint8Array>> {
  const address = file.url_private_download ?? file.url_private;
  if (!address) return failed(problem('invalid', `*${file.name}* has no download link I can use.`));
  const url = new URL(address);
  const trusted =
    (url.protocol === 'https:' && (url.hostname === 'slack.com' || url.hostname.endsWith('.slack.com'))) ||
    (apiUrl !== undefined && url.origin === new URL(apiUrl).origin);
  if (!trusted)
    return failed(problem('forbidden', `*${file.name}* is not hosted by Slack, so I did not fetch it.`));
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${botToken}` },
    // A redirect could carry the token elsewhere; Slack serves url_private directly.
    redirect: 'error',
    signal: AbortSignal.timeout(30_000),
  }).catch(() => undefined);
  if (!response) return failed(problem('unavailable', `I could not download *${file.name}* from Slack.`));
  // Without the files:read scope Slack answers 200 with its sign-in page instead of the file.
  if (!response.ok || (response.headers.get('content-type') ?? '').startsWith('text/html')) {
    return failed(
      problem(
        'unavailable',
        `I could not download *${file.name}*: the app may be missing the \`files:read\` scope (reinstall it from the manifest).`,
      ),
    );
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length > maxBytes)
    return failed(problem('invalid', `*${file.name}* is larger than Bedrock accepts.`));
  return ok(bytes);
}

/** Turns the files of a Slack message or form into Bedrock attachments, saying why about the rest. */
export class SlackFiles {
  constructor(
    private readonly botToken: string,
    private readonly apiUrl: string | undefined,
  ) {}

  /** A text file's content (a prompt set), up to `maxBytes`, decoded as UTF-8. */
  async text(file: SlackFile, maxBytes: number): Promise<Result<string>> {
    const download = await downloadSlackFile(file, this.botToken, this.apiUrl, maxBytes);
    return download.ok ? ok(new TextDecoder('utf-8').decode(download.value)) : download;
  }

  async attachments(files: SlackFile[]): Promise<{ attachments: Attachment[]; problems: string[] }> {
    const { accepted, problems } = checkAttachments(files);
    const downloaded = await Promise.all(
      accepted.map(async (entry: AcceptedFile<SlackFile>): Promise<Attachment | undefined> => {
        const limit = entry.kind === 'image' ? ATTACHMENT_LIMITS.imageBytes : ATTACHMENT_LIMITS.documentBytes;
        const download = await downloadSlackFile(entry.file, this.botToken, this.apiUrl, limit);
        if (!download.ok) {
          problems.push(download.problem.message);
          return undefined;
        }
        const bytes = download.value;
        return entry.kind === 'image'
          ? { kind: 'image', format: entry.format, name: entry.file.name, bytes }
          : { kind: 'document', format: entry.format, name: entry.file.name, bytes };
      }),
    );
    return { attachments: downloaded.filter((file): file is Attachment => file !== undefined), problems };
  }
}
