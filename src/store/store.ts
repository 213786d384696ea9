import type { Logger } from '../logger.js';
import type { StoreBackend } from './backend.js';
import { MemoryBackend } from './memory-backend.js';
import { RedisBackend } from './redis-backend.js';
import type { Conversation, JobWatch, RateLimitResult, Store, UserPreferences } from './types.js';

/** Every key this app writes starts here, so it can share a Redis with other apps. */
const PREFIX = 'bedrock-slack:';
const WATCHES = `${PREFIX}watches`;
const WATCHES_SEEN = `${PREFIX}watches:seen`;

const watchField = (jobArn: string, channelId: string) => `${jobArn}|${channelId}`;

/** A store that answers nothing (a paused Redis keeps its connections open) counts as unreachable. */
const PING_TIMEOUT_MS = 500;

class DomainStore implements Store {
  constructor(private readonly backend: StoreBackend) {}

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

  addToTotal(key: string, amount: number, ttlSeconds: number) {
    return this.backend.addFloat(`${PREFIX}total:${key}`, amount, ttlSeconds);
  }

  async readTotal(key: string) {
    return Number((await this.backend.get(`${PREFIX}total:${key}`)) ?? 0);
  }

  async getJson<T>(key: string) {
    const text = await this.backend.get(`${PREFIX}doc:${key}`);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  setJson(key: string, value: unknown, ttlSeconds: number) {
    return this.backend.set(`${PREFIX}doc:${key}`, JSON.stringify(value), ttlSeconds);
  }

  delete(key: string) {
    return this.backend.delete(`${PREFIX}doc:${key}`);
  }

  getConversation(id: string) {
    return this.getJson<Conversation>(`conversation:${id}`);
  }

  saveConversation(id: string, conversation: Conversation, ttlSeconds: number) {
    return this.setJson(`conversation:${id}`, conversation, ttlSeconds);
  }

  async getPreferences(teamId: string, userId: string): Promise<UserPreferences> {
    const text = (await this.backend.hashGetAll(`${PREFIX}preferences:${teamId}`))[userId];
    return text ? (JSON.parse(text) as UserPreferences) : {};
  }

  async setPreferences(teamId: string, userId: string, preferences: UserPreferences) {
    const merged = { ...(await this.getPreferences(teamId, userId)), ...preferences };
    await this.backend.hashSet(`${PREFIX}preferences:${teamId}`, userId, JSON.stringify(merged));
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
    return Object.entries(watches).map(([field, text]) => ({
      ...(JSON.parse(text) as JobWatch),
      lastSeen: seen[field],
    }));
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

export function storeOn(backend: StoreBackend): Store {
  return new DomainStore(backend);
}

/** Redis when a URL is given (several replicas share it), else the embedded single-process store. */
export async function openStore(redisUrl: string | undefined, logger: Logger): Promise<Store> {
  if (!redisUrl) return storeOn(new MemoryBackend());
  const backend = new RedisBackend(redisUrl);
  const problem = await backend.connect();
  if (problem)
    logger.warn(`${problem}: starting anyway; users are told until it answers, and /healthz says 503`);
  return storeOn(backend);
}
