import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobListing } from '../../src/jobs/listing.js';
import { createLogger } from '../../src/logger.js';
import { keys } from '../../src/store/keys.js';
import { MemoryBackend } from '../../src/store/memory-backend.js';
import { storeOn } from '../../src/store/store.js';
import type { Store } from '../../src/store/types.js';
import { type EmulatedJobs, startEmulatedJobs } from './emulated-jobs.js';

let emulated: EmulatedJobs;
let store: Store;
let listing: JobListing;

beforeAll(async () => {
  emulated = await startEmulatedJobs();
  store = storeOn(new MemoryBackend());
  listing = new JobListing(emulated.jobs, store, createLogger('silent'));
});
afterAll(async () => {
  await store.close();
  await emulated.stop();
});

const names = (page: Awaited<ReturnType<JobListing['first']>>) =>
  page.ok ? page.value.jobs.map((job) => job.name) : page.problem;

describe('listing customization jobs', () => {
  it('shows ten jobs, newest first, and pages on to the rest with the same filter', async () => {
    const added = Array.from({ length: 12 }, () => emulated.addJob('paged'));
    emulated.addJob('other');
    const first = await listing.first({ nameContains: 'paged-' });
    expect(names(first)).toEqual(
      added
        .slice(2)
        .reverse()
        .map((job) => job.name),
    );
    expect(first.ok && first.value.moreCursor).toBeTruthy();

    const next = await listing.next(first.ok ? (first.value.moreCursor ?? '') : '');
    expect(names(next)).toEqual([added[1]?.name, added[0]?.name]);
    expect(next.ok && next.value.filter).toEqual({ nameContains: 'paged-' });
    expect(next.ok && next.value.moreCursor).toBeUndefined();
  });

  it('filters by status', async () => {
    const failed = emulated.addJob('status', 'Failed');
    const running = emulated.addJob('status');
    emulated.bedrock.advanceJobClock(120_000);
    const later = emulated.addJob('status');
    const page = await listing.first({ status: 'InProgress', nameContains: 'status-' });
    expect(names(page)).toEqual([later.name]);
    expect(names(await listing.first({ status: 'Failed', nameContains: 'status-' }))).toEqual([failed.name]);
    expect(names(await listing.first({ status: 'Completed', nameContains: 'status-' }))).toEqual([
      running.name,
    ]);
  });

  it('says a page is too old once its cursor has gone, or when the stored cursor is not one', async () => {
    const gone = await listing.next('no-such-cursor');
    expect(gone).toEqual({
      ok: false,
      problem: {
        kind: 'gone',
        message: 'That list is too old to page through. Run `/finetune-status` again.',
      },
    });
    await store.setJson(keys.jobsPage('damaged').key, { v: 1, data: { nextToken: 42 } }, 60);
    expect(await listing.next('damaged')).toEqual(gone);
  });

  it('says Bedrock did not answer when the list call fails', async () => {
    emulated.bedrock.throttleControlNext(1);
    const page = await listing.first({});
    expect(page.ok ? undefined : page.problem.kind).toBe('unavailable');
    expect(page.ok ? undefined : page.problem.message).toMatch(/^Bedrock did not answer: /);
  });
});
