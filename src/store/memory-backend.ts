import type { StoreBackend } from './backend.js';

interface Entry {
  value: string | Map<string, string>;
  expiresAt?: number;
}

/** A token bucket as one call sees it: its key, size and rate, and the time of the call. */
interface Bucket {
  key: string;
  capacity: number;
  perMs: number;
  now: number;
}

/**
 * The embedded store for one replica (socket mode on a laptop). Node runs each method to completion
 * before the next, so every primitive is atomic without locks. State is lost on restart.
 */
export class MemoryBackend implements StoreBackend {
  readonly kind = 'embedded' as const;
  private readonly entries = new Map<string, Entry>();
  private writesSinceSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private write(key: string, entry: Entry): void {
    this.entries.set(key, entry);
    // Expired keys are dropped lazily on read; a periodic sweep bounds memory for keys never read again.
    if (++this.writesSinceSweep >= 1000) {
      this.writesSinceSweep = 0;
      for (const candidate of [...this.entries.keys()]) this.live(candidate);
    }
  }

  private text(key: string): string | undefined {
    const value = this.live(key)?.value;
    return typeof value === 'string' ? value : undefined;
  }

  private hash(key: string, create: boolean): Map<string, string> | undefined {
    const value = this.live(key)?.value;
    if (value instanceof Map) return value;
    if (!create) return undefined;
    const fresh = new Map<string, string>();
    this.write(key, { value: fresh });
    return fresh;
  }

  async get(key: string) {
    return this.text(key);
  }

  async set(key: string, value: string, ttlSeconds: number) {
    this.write(key, { value, expiresAt: this.now() + ttlSeconds * 1000 });
  }

  async delete(key: string) {
    this.entries.delete(key);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number) {
    if (this.live(key)) return false;
    this.write(key, { value, expiresAt: this.now() + ttlMs });
    return true;
  }

  async extendIfEquals(key: string, value: string, ttlMs: number) {
    const entry = this.live(key);
    if (entry?.value !== value) return false;
    entry.expiresAt = this.now() + ttlMs;
    return true;
  }

  async deleteIfEquals(key: string, value: string) {
    if (this.text(key) !== value) return false;
    this.entries.delete(key);
    return true;
  }

  async takeToken(key: string, capacity: number, perSecond: number, keep: number) {
    const bucket = { key, capacity, perMs: perSecond / 1000, now: this.now() };
    let tokens = this.tokensIn(bucket);
    let wait = 0;
    if (tokens >= keep + 1) tokens -= 1;
    else wait = Math.ceil((keep + 1 - tokens) / bucket.perMs);
    this.keepTokens(bucket, tokens);
    return wait;
  }

  async emptyBucket(key: string, capacity: number, perSecond: number, forMs: number) {
    const bucket = { key, capacity, perMs: perSecond / 1000, now: this.now() };
    this.keepTokens(bucket, Math.min(this.tokensIn(bucket), -forMs * bucket.perMs));
  }

  /** A token bucket's tokens at `now`, refilled since they were last kept. */
  private tokensIn({ key, capacity, perMs, now }: Bucket): number {
    const held = this.hash(key, true) as Map<string, string>;
    const at = Number(held.get('at') ?? now);
    return Math.min(capacity, Number(held.get('tokens') ?? capacity) + Math.max(0, now - at) * perMs);
  }

  /** Keeps a bucket's tokens as of `now`, until it would be full again. */
  private keepTokens({ key, capacity, perMs, now }: Bucket, tokens: number): void {
    const held = this.hash(key, true) as Map<string, string>;
    held.set('tokens', String(tokens));
    held.set('at', String(now));
    (this.entries.get(key) as Entry).expiresAt = now + Math.ceil((capacity - tokens) / perMs) + 1000;
  }

  async countInWindow(key: string, windowSeconds: number) {
    const entry = this.live(key);
    const count = Number(entry?.value ?? 0) + 1;
    const expiresAt = entry?.expiresAt ?? this.now() + windowSeconds * 1000;
    this.write(key, { value: String(count), expiresAt });
    return { count, ttlSeconds: Math.max(1, Math.ceil((expiresAt - this.now()) / 1000)) };
  }

  async addFloat(key: string, amount: number, ttlSeconds: number) {
    const entry = this.live(key);
    const total = Number(entry?.value ?? 0) + amount;
    this.write(key, { value: String(total), expiresAt: entry?.expiresAt ?? this.now() + ttlSeconds * 1000 });
    return total;
  }

  async hashSet(key: string, field: string, value: string) {
    const hash = this.hash(key, true)!;
    const added = !hash.has(field);
    hash.set(field, value);
    return added;
  }

  async hashDelete(key: string, field: string) {
    return this.hash(key, false)?.delete(field) ?? false;
  }

  async hashGetAll(key: string) {
    return Object.fromEntries(this.hash(key, false) ?? []);
  }

  async hashIncrement(key: string, field: string, by: number, ttlSeconds?: number) {
    const hash = this.hash(key, true)!;
    const entry = this.live(key)!;
    // As the Redis script does: the first increment that brings a TTL sets the expiry; later ones keep it.
    if (ttlSeconds !== undefined && entry.expiresAt === undefined)
      entry.expiresAt = this.now() + ttlSeconds * 1000;
    const next = Number(hash.get(field) ?? 0) + by;
    hash.set(field, String(next));
    return next;
  }

  async hashSetIfAbsent(key: string, field: string, value: string, ttlSeconds: number) {
    const hash = this.hash(key, true)!;
    const entry = this.live(key)!;
    if (ttlSeconds > 0 && entry.expiresAt === undefined) entry.expiresAt = this.now() + ttlSeconds * 1000;
    if (hash.has(field)) return false;
    hash.set(field, value);
    return true;
  }

  async hashCompareAndSet(key: string, field: string, expected: string | undefined, next: string) {
    const hash = this.hash(key, true)!;
    if (hash.get(field) !== expected) return false;
    hash.set(field, next);
    return true;
  }

  async ping() {
    return true;
  }

  async close() {
    this.entries.clear();
  }
}
