import { z } from 'zod';
import { type Logger, silentLogger } from '../logger.js';
import type { StoreBackend } from './backend.js';
import { Conversations } from './conversations.js';
import { keys } from './keys.js';
import { MemoryBackend } from './memory-backend.js';
import { RedisBackend } from './redis-backend.js';
import type {
  Conversation,
  JobWatch,
  RateLimitResult,
  Store,
  TokenBucket,
  UserPreferences,
} from './types.js';

/** Every key this app writes starts here, so it can share a Redis with other apps. */
const PREFIX = 'bedrock-slack:';
const WATCHES = `${PREFIX}${keys.jobWatches().key}`;
const WATCHES_SEEN = `${PREFIX}${keys.jobWatchesSeen().key}`;
const preferencesKey = (teamId: string) => `${PREFIX}${keys.preferences(teamId).key}`;

const preferencesSchema = z.object({
  compareModels: z.array(z.string()).optional(),
  chatModel: z.string().optional(),
}) satisfies z.ZodType<UserPreferences>;

/** A watch as stored: its last announced status is kept apart, in WATCHES_SEEN. */
const storedWatchSchema = z.object({
  jobArn: z.string(),
  teamId: z.string(),
  channelId: z.string(),
  threadTs: z.string(),
  userId: z.string(),
}) satisfies z.ZodType<Omit<JobWatch, 'lastSeen'>>;

/** The JSON in `text` when it has `schema`'s shape; undefined (never a cast) when not. */
function parseChecked<T>(text: string, schema: z.ZodType<T>): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const watchField = (jobArn: string, channelId: string) => `${jobArn}|${channelId}`;

/** A store that answers nothing (a paused Redis keeps its connections open) counts as unreachable. */
const PING_TIMEOUT_MS = 500;

class DomainStore implements Store {
  private readonly conversations: Conversations;

  constructor(
    private readonly backend: StoreBackend,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {
    this.conversations = new Conversations(this, logger);
  }

  get kind() {
    return this.backend.kind;
  }

  claimOnce(key: string, ttlSeconds: number) {
    return this.backend.setIfAbsent(`${PREFIX}once:${key}`, '1', ttlSeconds * 1000);
  }

  async hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitResult> {
    const { count, ttlSeconds } = await this.backend.countInWindow(`${PREFIX}rate:${key}`, windowSeconds);
    return { allowed: count <= limit, retryAfterSeconds: ttlSeconds };
  }

  takeToken(key: string, { capacity, perSecond, keep }: TokenBucket) {
    return this.backend.takeToken(`${PREFIX}bucket:${key}`, capacity, perSecond, keep);
  }

  emptyBucket(key: string, { capacity, perSecond }: Omit<TokenBucket, 'keep'>, forMs: number) {
    return this.backend.emptyBucket(`${PREFIX}bucket:${key}`, capacity, perSecond, forMs);
  }

  addToTotal(key: string, amount: number, ttlSeconds: number) {
    return this.backend.addFloat(`${PREFIX}total:${key}`, amount, ttlSeconds);
  }

  async readTotal(key: string) {
    return Number((await this.backend.get(`${PREFIX}total:${key}`)) ?? 0);
  }

  async getJson(key: string): Promise<unknown> {
    const text = await this.backend.get(`${PREFIX}doc:${key}`);
    return text === undefined ? undefined : JSON.parse(text);
  }

  setJson(key: string, value: unknown, ttlSeconds: number) {
    return this.backend.set(`${PREFIX}doc:${key}`, JSON.stringify(value), ttlSeconds);
  }

  delete(key: string) {
    return this.backend.delete(`${PREFIX}doc:${key}`);
  }

  getConversation(id: string) {
    return this.conversations.getConversation(id);
  }

  saveConversation(id: string, conversation: Conversation, ttlSeconds: number) {
    return this.conversations.saveConversation(id, conversation, ttlSeconds);
  }

  /** Preferences that do not read back as valid are logged and treated as none, so the next save heals them. */
  async getPreferences(teamId: string, userId: string): Promise<UserPreferences> {
    const text = (await this.backend.hashGetAll(preferencesKey(teamId)))[userId];
    if (text === undefined) return {};
    const preferences = parseChecked(text, preferencesSchema);
    if (!preferences) this.logger.warn({ teamId, userId }, 'ignored stored preferences that are not valid');
    return preferences ?? {};
  }

  async setPreferences(teamId: string, userId: string, preferences: UserPreferences) {
    const merged = { ...(await this.getPreferences(teamId, userId)), ...preferences };
    await this.backend.hashSet(preferencesKey(teamId), userId, JSON.stringify(merged));
  }

  async addWatch(watch: JobWatch) {
    const { lastSeen, ...rest } = watch;
    const field = watchField(watch.jobArn, watch.channelId);
    const added = await this.backend.hashSet(WATCHES, field, JSON.stringify(rest));
    if (added && lastSeen) await this.backend.hashSet(WATCHES_SEEN, field, lastSeen);
    return added;
  }

  async removeWatch(jobArn: string, channelId: string) {
    const field = watchField(jobArn, channelId);
    await this.backend.hashDelete(WATCHES_SEEN, field);
    return this.backend.hashDelete(WATCHES, field);
  }

  async listWatches(): Promise<JobWatch[]> {
    const [watches, seen] = await Promise.all([
      this.backend.hashGetAll(WATCHES),
      this.backend.hashGetAll(WATCHES_SEEN),
    ]);
    // One damaged watch is skipped, so it cannot stop the notifications of all the others.
    return Object.entries(watches).flatMap(([field, text]) => {
      const watch = parseChecked(text, storedWatchSchema);
      if (!watch) this.logger.warn({ field }, 'ignored a stored job watch that is not valid');
      return watch ? [{ ...watch, lastSeen: seen[field] }] : [];
    });
  }

  advanceWatch(jobArn: string, channelId: string, expected: string | undefined, next: string) {
    return this.backend.hashCompareAndSet(WATCHES_SEEN, watchField(jobArn, channelId), expected, next);
  }

  acquireLock(name: string, owner: string, ttlMs: number) {
    return this.backend.setIfAbsent(`${PREFIX}lock:${name}`, owner, ttlMs);
  }

  renewLock(name: string, owner: string, ttlMs: number) {
    return this.backend.extendIfEquals(`${PREFIX}lock:${name}`, owner, ttlMs);
  }

  releaseLock(name: string, owner: string) {
    return this.backend.deleteIfEquals(`${PREFIX}lock:${name}`, owner);
  }

  increment(key: string, field: string, by: number, ttlSeconds?: number) {
    return this.backend.hashIncrement(`${PREFIX}count:${key}`, field, by, ttlSeconds);
  }

  async readCounters(key: string) {
    const raw = await this.backend.hashGetAll(`${PREFIX}count:${key}`);
    return Object.fromEntries(Object.entries(raw).map(([field, value]) => [field, Number(value)]));
  }

  addRecord(key: string, field: string, value: unknown, ttlSeconds: number) {
    return this.backend.hashSetIfAbsent(`${PREFIX}records:${key}`, field, JSON.stringify(value), ttlSeconds);
  }

  async readRecords(key: string) {
    const raw = await this.backend.hashGetAll(`${PREFIX}records:${key}`);
    return Object.fromEntries(
      Object.entries(raw).map(([field, text]) => [field, JSON.parse(text) as unknown]),
    );
  }

  async removeRecord(key: string, field: string) {
    await this.backend.hashDelete(`${PREFIX}records:${key}`, field);
  }

  async ping() {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
    });
    try {
      return await Promise.race([this.backend.ping(), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  close() {
    return this.backend.close();
  }
}

/** The store on `backend`; `logger` hears of stored values that do not read back as valid. */
export function storeOn(backend: StoreBackend, logger: Pick<Logger, 'warn'> = silentLogger): Store {
  return new DomainStore(backend, logger);
}

/**
 * Redis when a URL or a cluster's nodes are given (several replicas share it), else the embedded
 * single-process store.
 */
export async function openStore(
  redis: { url?: string; clusterNodes?: string[] },
  logger: Logger,
): Promise<Store> {
  const target = redis.clusterNodes ? { cluster: redis.clusterNodes } : redis.url;
  if (!target) return storeOn(new MemoryBackend(), logger);
  const backend = new RedisBackend(target);
  const connected = await backend.connect();
  if (!connected.ok)
    logger.warn(
      `${connected.problem.message}: starting anyway; users are told until it answers, and /healthz says 503`,
    );
  return storeOn(backend, logger);
}
