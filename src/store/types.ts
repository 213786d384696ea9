/**
 * The state the app keeps between requests, and across replicas when Redis backs it. Every service
 * talks to these interfaces; `store.ts` implements all of them once, over a backend of a few atomic
 * primitives (`redis-backend.ts` or the embedded `memory-backend.ts`), and both backends pass one
 * contract suite (test/store/store.contract.test.ts). Every key is named, with its TTL, in `keys.ts`.
 */

export interface RateLimitResult {
  allowed: boolean;
  /** Seconds until the current window ends and the limit resets. */
  retryAfterSeconds: number;
}

/** Slack retries an event it thinks was lost; the first delivery claims it, the others are dropped. */
export interface DedupeStore {
  /** True for the first claim of `key` within `ttlSeconds`, false for every later one. */
  claimOnce(key: string, ttlSeconds: number): Promise<boolean>;
}

/** A budget that refills steadily and allows short bursts, like Slack's per-method limits. */
export interface TokenBucket {
  /** The most tokens it holds: the longest burst. */
  capacity: number;
  perSecond: number;
  /** Tokens this taker leaves for others (urgent takers keep none). */
  keep: number;
}

export interface RateLimitStore {
  /** Counts one hit in a fixed window; refuses once `limit` hits fell in the current window. */
  hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitResult>;
  /**
   * Takes a token from the bucket `key` (see `TokenBucket`), shared by every replica on the store:
   * 0 when taken, else the milliseconds until one could be.
   */
  takeToken(key: string, bucket: TokenBucket): Promise<number>;
  /** Empties the bucket `key` for `forMs`, for every replica: no token until then, then it refills. */
  emptyBucket(key: string, bucket: Omit<TokenBucket, 'keep'>, forMs: number): Promise<void>;
  /** Adds to a running total that expires `ttlSeconds` after it was first written; returns the new total. */
  addToTotal(key: string, amount: number, ttlSeconds: number): Promise<number>;
  readTotal(key: string): Promise<number>;
}

/** Values that may be cached or kept for a while: the model catalog, compare runs, conversations. */
export interface DocumentStore {
  /** The stored JSON, unchecked: read it through `Documents` (documents.ts), which checks its shape. */
  getJson(key: string): Promise<unknown>;
  setJson(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface ConversationTurn {
  role: 'user' | 'assistant';
  text: string;
  /** Display name of the person who said it, for threads with several people. */
  author?: string;
  ts?: string;
  /** An assistant answer cut short (at the time limit, or by the person): not a finished answer. */
  partial?: boolean;
  /** The person stopped this answer as it streamed: `text` is what they were shown. */
  stoppedByPerson?: boolean;
  /**
   * Claude's signed thinking before this answer, kept only where the family needs it handed back
   * (reasoning.ts); never shown. Redacted thinking is kept as the base64 Bedrock sent.
   */
  thinking?: ThinkingBlock;
}

export interface ThinkingBlock {
  text?: string;
  signature?: string;
  redacted?: string[];
}

/** How the thread's model is called beyond the defaults: set by "Continue with" from a compare. */
interface ModelSettings {
  /** The invoked ID these settings were made for; another model of the thread is called plainly. */
  invokeId: string;
  /** The family's own request fields (`thinking`, `reasoning_effort`…). */
  fields?: Record<string, unknown>;
  serviceTier?: 'priority' | 'flex';
  maxTokens?: number;
}

export interface Conversation {
  modelId: string;
  systemPrompt?: string;
  modelSettings?: ModelSettings;
  turns: ConversationTurn[];
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface ConversationStore {
  getConversation(id: string): Promise<Conversation | undefined>;
  saveConversation(id: string, conversation: Conversation, ttlSeconds: number): Promise<void>;
}

export interface UserPreferences {
  compareModels?: string[];
  chatModel?: string;
}

export interface PreferenceStore {
  getPreferences(teamId: string, userId: string): Promise<UserPreferences>;
  setPreferences(teamId: string, userId: string, preferences: UserPreferences): Promise<void>;
}

export interface JobWatch {
  jobArn: string;
  teamId: string;
  channelId: string;
  threadTs: string;
  userId: string;
  /** The last status (and stage) already announced, so each change is posted once. */
  lastSeen?: string;
}

export interface WatchStore {
  /** False when this job was already watched in this channel. */
  addWatch(watch: JobWatch): Promise<boolean>;
  removeWatch(jobArn: string, channelId: string): Promise<boolean>;
  listWatches(): Promise<JobWatch[]>;
  /** Moves `lastSeen` from `expected` to `next` atomically; false when another poller already did. */
  advanceWatch(
    jobArn: string,
    channelId: string,
    expected: string | undefined,
    next: string,
  ): Promise<boolean>;
}

export interface LockStore {
  acquireLock(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Extends the lock only while `owner` still holds it. */
  renewLock(name: string, owner: string, ttlMs: number): Promise<boolean>;
  releaseLock(name: string, owner: string): Promise<boolean>;
}

/** Tallies by field: votes, leaderboard standings. */
export interface CounterStore {
  /**
   * Adds `by` to one field and returns its new value. With `ttlSeconds` the whole tally expires that
   * long after its first increment (a run's votes go with the run); without, it is kept for good.
   */
  increment(key: string, field: string, by: number, ttlSeconds?: number): Promise<number>;
  readCounters(key: string): Promise<Record<string, number>>;
}

/**
 * Sets of records added once each: an evaluation's row results and its control flags. The first
 * record under a field wins, so replicas racing to record the same row agree on one.
 */
export interface RecordStore {
  /** Keeps `value` under `field` unless a record is there; true when this one was kept. The set expires `ttlSeconds` after its first record (0: kept until removed). */
  addRecord(key: string, field: string, value: unknown, ttlSeconds: number): Promise<boolean>;
  /** Every record of the set as stored, unchecked: read each through its schema. */
  readRecords(key: string): Promise<Record<string, unknown>>;
  removeRecord(key: string, field: string): Promise<void>;
}

export interface Store
  extends DedupeStore,
    RecordStore,
    RateLimitStore,
    DocumentStore,
    ConversationStore,
    PreferenceStore,
    WatchStore,
    LockStore,
    CounterStore {
  readonly kind: 'redis' | 'embedded';
  /** True when the backing store answers within half a second; what /healthz reports. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Raised when the store cannot be reached; listeners turn it into a friendly message. */
export class StoreUnavailableError extends Error {
  /** `problem` names what to fix (REDIS_URL and the cause), so every log line of this error does. */
  constructor(cause: unknown, problem?: string) {
    super(problem ?? 'The state store is unreachable', { cause });
    this.name = 'StoreUnavailableError';
  }
}

/** One conversation per Slack thread; /compare's "Continue with" and thread mentions share this key. */
export function conversationId(teamId: string, channelId: string, threadTs: string): string {
  return `${teamId}:${channelId}:${threadTs}`;
}
