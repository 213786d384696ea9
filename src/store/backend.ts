/**
 * The few atomic primitives the domain stores need. Redis does each in one command or Lua script;
 * the embedded backend does them synchronously in one process. Everything above this line is
 * written once (store.ts), so the two can never drift apart in behaviour.
 */
export interface StoreBackend {
  readonly kind: 'redis' | 'embedded';
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** SET NX PX: true when the key was absent and is now `value`. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Resets the expiry only while the key still holds `value`. */
  extendIfEquals(key: string, value: string, ttlMs: number): Promise<boolean>;
  deleteIfEquals(key: string, value: string): Promise<boolean>;
  /** Increments a counter whose expiry is set by the first hit; returns the count and seconds left. */
  countInWindow(key: string, windowSeconds: number): Promise<{ count: number; ttlSeconds: number }>;
  /**
   * A token bucket, refilled at `perSecond` up to `capacity` by the store's own clock (one clock for
   * every replica): takes a token when more than `keep` are left. Returns 0 when it took one, else
   * the milliseconds until one could be taken. The bucket expires once it would be full anyway.
   */
  takeToken(key: string, capacity: number, perSecond: number, keep: number): Promise<number>;
  /**
   * Empties that bucket for `forMs`: it holds no token until then (it keeps fewer, if it had), and
   * refills from there at its rate.
   */
  emptyBucket(key: string, capacity: number, perSecond: number, forMs: number): Promise<void>;
  /** Adds to a float total whose expiry is set when it is created. */
  addFloat(key: string, amount: number, ttlSeconds: number): Promise<number>;
  hashSet(key: string, field: string, value: string): Promise<boolean>;
  hashDelete(key: string, field: string): Promise<boolean>;
  hashGetAll(key: string): Promise<Record<string, string>>;
  /** Increments a field; a hash given `ttlSeconds` expires that long after its first increment. */
  hashIncrement(key: string, field: string, by: number, ttlSeconds?: number): Promise<number>;
  /** HSETNX: true when `field` was absent and now holds `value`; the hash expires `ttlSeconds` after its first field (0: kept). */
  hashSetIfAbsent(key: string, field: string, value: string, ttlSeconds: number): Promise<boolean>;
  /** Sets `field` to `next` only when it currently holds `expected` (absent when undefined). */
  hashCompareAndSet(key: string, field: string, expected: string | undefined, next: string): Promise<boolean>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
