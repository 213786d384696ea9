import type { z } from 'zod';
import type { Logger } from '../logger.js';
import type { DocumentStore } from './types.js';

/** What a kind of stored document is: its name in logs, its shape, and the version of that shape. */
export interface DocumentKind<T> {
  readonly name: string;
  /** Raised whenever the shape changes incompatibly; older documents then read as missing. */
  readonly version: number;
  readonly schema: z.ZodType<T>;
}

/**
 * Typed documents over the store's JSON values. A document is written with its kind's version and
 * checked against its schema on every read: one that fails (written by an older release, or
 * damaged) is logged and treated as missing, never cast, so a use case only ever sees valid data.
 */
export class Documents<T> {
  constructor(
    private readonly store: DocumentStore,
    private readonly kind: DocumentKind<T>,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  async get(key: string): Promise<T | undefined> {
    const stored = await this.store.getJson(key);
    if (stored === undefined) return undefined;
    const envelope = stored as { v?: unknown; data?: unknown };
    if (typeof stored !== 'object' || stored === null || envelope.v !== this.kind.version) {
      this.logger.warn({ key, kind: this.kind.name }, 'ignored a stored document of another version');
      return undefined;
    }
    const parsed = this.kind.schema.safeParse(envelope.data);
    if (!parsed.success) {
      this.logger.warn(
        { key, kind: this.kind.name, issues: parsed.error.issues.slice(0, 3) },
        'ignored a stored document that does not match its shape',
      );
      return undefined;
    }
    return parsed.data;
  }

  set(key: string, value: T, ttlSeconds: number): Promise<void> {
    return this.store.setJson(key, { v: this.kind.version, data: value }, ttlSeconds);
  }

  delete(key: string): Promise<void> {
    return this.store.delete(key);
  }
}
