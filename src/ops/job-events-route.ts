import { timingSafeEqual } from 'node:crypto';
import type { CustomRoute } from '@slack/bolt';
import { z } from 'zod';
import type { Logger } from '../logger.js';

/**
 * Bedrock's EventBridge event for a job's state change, as an API destination delivers it. Its detail
 * carries `jobStatus` (not `status`); only the job's ARN is needed, since the notification path reads
 * the job itself.
 */
const stateChangeSchema = z.object({
  source: z.literal('aws.bedrock'),
  'detail-type': z.string(),
  detail: z.object({ jobArn: z.string().startsWith('arn:'), jobStatus: z.string().optional() }),
});

const JOB_STATE_CHANGE = 'Model Customization Job State Change';
const MAX_BODY_BYTES = 256 * 1024;

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * POST /events/bedrock: an EventBridge API destination (with an API-key connection sending
 * `Authorization: Bearer <JOB_EVENTS_TOKEN>`) drives the same notification path as the poller, at once.
 */
export function jobEventsRoute(
  token: string,
  onJobChange: (jobArn: string) => void,
  logger: Logger,
): CustomRoute {
  return {
    path: '/events/bedrock',
    method: ['POST'],
    handler: (request, response) => {
      const answer = (status: number, body: object) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      const header = String(request.headers.authorization ?? '');
      if (!sameSecret(header.replace(/^Bearer\s+/i, ''), token))
        return answer(401, { error: 'unauthorized' });
      const chunks: Buffer[] = [];
      let size = 0;
      request.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      });
      request.on('end', () => {
        if (size > MAX_BODY_BYTES) return answer(413, { error: 'too large' });
        let parsed: z.infer<typeof stateChangeSchema>;
        try {
          parsed = stateChangeSchema.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch {
          return answer(400, { error: 'not a Bedrock customization job event' });
        }
        if (parsed['detail-type'] !== JOB_STATE_CHANGE)
          return answer(200, { ignored: parsed['detail-type'] });
        logger.info(
          { jobArn: parsed.detail.jobArn, jobStatus: parsed.detail.jobStatus },
          'job state change event',
        );
        onJobChange(parsed.detail.jobArn);
        answer(202, { accepted: true });
      });
    },
  };
}
