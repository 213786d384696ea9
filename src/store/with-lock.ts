import { randomUUID } from 'node:crypto';
import type { LockStore } from './types.js';

/** Raised when a lock stayed taken for longer than the caller was willing to wait. */
export class LockTimeoutError extends Error {
  constructor(readonly lockName: string) {
    super(`Timed out waiting for lock ${lockName}`);
    this.name = 'LockTimeoutError';
  }
}

export interface LockTiming {
  /** How long the lock outlives a holder that died; renewed at a third of it while work goes on. */
  ttlMs: number;
  /** How long to wait for another holder before giving up. */
  waitMs: number;
}

/**
 * Runs `work` while holding `name` in the store, across replicas. Waiters poll with a short backoff,
 * so whoever asked first is almost always served first; a holder that dies frees the lock after
 * `ttlMs`.
 */
export async function withLock<T>(
  locks: LockStore,
  name: string,
  timing: LockTiming,
  work: () => Promise<T>,
): Promise<T> {
  const owner = randomUUID();
  const deadline = Date.now() + timing.waitMs;
  for (
    let delay = 20;
    !(await locks.acquireLock(name, owner, timing.ttlMs));
    delay = Math.min(delay * 2, 250)
  ) {
    if (Date.now() + delay > deadline) throw new LockTimeoutError(name);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  const renewal = setInterval(() => {
    locks.renewLock(name, owner, timing.ttlMs).catch(() => {
      // A failed renewal only shortens the lock to its TTL; the work itself is not at risk.
    });
  }, timing.ttlMs / 3);
  try {
    return await work();
  } finally {
    clearInterval(renewal);
    await locks.releaseLock(name, owner).catch(() => undefined);
  }
}
