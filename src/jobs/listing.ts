import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { failed, ok, problem, type Result } from '../result.js';
import { Documents } from '../store/documents.js';
import { keys } from '../store/keys.js';
import type { DocumentStore } from '../store/types.js';
import type { JobsClient } from './client.js';
import { jobProblem } from './lookup.js';
import { JOB_STATUSES, type Job, type JobStatus } from './types.js';

export interface JobFilter {
  status?: JobStatus;
  nameContains?: string;
}

/** One page of the job list: its jobs, the filter they match, and the cursor of the next page if any. */
export interface JobListPage {
  jobs: Job[];
  filter: JobFilter;
  moreCursor?: string;
}

/** What a "More" button points at: the filter and Bedrock's page token, kept in the store. */
const PAGE_CURSOR = {
  name: 'job list page',
  version: 1,
  schema: z.object({
    status: z.enum(JOB_STATUSES).optional(),
    nameContains: z.string().optional(),
    nextToken: z.string(),
  }),
};
type PageCursor = z.infer<typeof PAGE_CURSOR.schema>;

const PAGE_SIZE = 10;

/** Customization jobs, newest first, a page at a time; a button carries only a cursor to the next page. */
export class JobListing {
  private readonly cursors: Documents<PageCursor>;

  constructor(
    private readonly jobs: JobsClient,
    store: DocumentStore,
    logger: Pick<Logger, 'warn'>,
  ) {
    this.cursors = new Documents(store, PAGE_CURSOR, logger);
  }

  async first(filter: JobFilter): Promise<Result<JobListPage>> {
    return this.page(filter);
  }

  /** The page after the one that handed out `cursor`, with the same filter. */
  async next(cursor: string): Promise<Result<JobListPage>> {
    const saved = await this.cursors.get(keys.jobsPage(cursor).key);
    if (!saved) {
      return failed(problem('gone', 'That list is too old to page through. Run `/finetune-status` again.'));
    }
    const { nextToken, ...filter } = saved;
    return this.page(filter, nextToken);
  }

  private async page(filter: JobFilter, nextToken?: string): Promise<Result<JobListPage>> {
    let answer: Awaited<ReturnType<JobsClient['list']>>;
    try {
      answer = await this.jobs.list({ ...filter, nextToken, maxResults: PAGE_SIZE });
    } catch (error) {
      return failed(jobProblem(error, ''));
    }
    if (!answer.nextToken) return ok({ jobs: answer.jobs, filter });
    const moreCursor = randomUUID();
    const { key, ttlSeconds } = keys.jobsPage(moreCursor);
    await this.cursors.set(key, { ...filter, nextToken: answer.nextToken }, ttlSeconds);
    return ok({ jobs: answer.jobs, filter, moreCursor });
  }
}
