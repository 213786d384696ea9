import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { failed, ok, problem, type Result } from '../result.js';
import type { StoreBackend } from './backend.js';
import { StoreUnavailableError } from './types.js';

/** A token bucket's tokens now (ARGV[1] capacity, ARGV[2] per second), refilled by the server's clock. */
const BUCKET_NOW = `local capacity = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2]) / 1000
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * perMs)`;
/** Keeps a bucket's tokens, until it would be full again. */
const BUCKET_SAVE = `redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / perMs) + 1000)`;

// Each script reads and writes in one step on the server, so replicas racing on the same key agree.
const SCRIPTS = {
  extendIfEquals: {
    numberOfKeys: 1,
    lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`,
  },
  deleteIfEquals: {
    numberOfKeys: 1,
    lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`,
  },
  countInWindow: {
    numberOfKeys: 1,
    lua: `local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('TTL', KEYS[1])}`,
  },
  takeToken: {
    numberOfKeys: 1,
    lua: `${BUCKET_NOW}
local keep = tonumber(ARGV[3])
local wait = 0
if tokens >= keep + 1 then tokens = tokens - 1 else wait = math.ceil((keep + 1 - tokens) / perMs) end
${BUCKET_SAVE}
return wait`,
  },
  emptyBucket: {
    numberOfKeys: 1,
    lua: `${BUCKET_NOW}
tokens = math.min(tokens, -tonumber(ARGV[3]) * perMs)
${BUCKET_SAVE}
return 0`,
  },
  addFloat: {
    numberOfKeys: 1,
    lua: `local total = redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return total`,
  },
  hashIncrementExpiring: {
    numberOfKeys: 1,
    lua: `local total = redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
return total`,
  },
  hashSetIfAbsent: {
    numberOfKeys: 1,
    lua: `local added = redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
if tonumber(ARGV[3]) > 0 and redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
return added`,
  },
  hashCompareAndSet: {
    numberOfKeys: 1,
    lua: `local current = redis.call('HGET', KEYS[1], ARGV[1])
local expected = ARGV[2]
if (current == false and expected == '') or current == expected then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  return 1
end
return 0`,
  },
} as const;

type ScriptName = keyof typeof SCRIPTS;
type ScriptedRedis = (Redis | Cluster) &
  Record<ScriptName, (key: string, ...args: (string | number)[]) => Promise<unknown>>;

/** One Redis (REDIS_URL), or a Redis Cluster reached through some of its nodes (REDIS_CLUSTER_NODES). */
export type RedisTarget = string | { cluster: string[] };

/** The key /healthz writes: a real key, so a node that cannot serve its slot (MOVED, CLUSTERDOWN) is unhealthy. */
const HEALTH_KEY = 'bedrock-slack:healthz';

const CONNECTION: RedisOptions = {
  maxRetriesPerRequest: 1,
  // A Redis that hangs (paused, swapping) answers nothing: give up after a second, so the request
  // gate still acks within Slack's 3 s and the person hears "store down" instead of waiting.
  commandTimeout: 1000,
  connectTimeout: 3000,
};

/** A seed node as ioredis' cluster client takes it; a URL's password and TLS go to every node. */
function clusterNode(entry: string): { host: string; port: number; options: RedisOptions } {
  const url = new URL(entry.includes('://') ? entry : `redis://${entry}`);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    options: {
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    },
  };
}

function connect(target: RedisTarget): Redis | Cluster {
  const shared = {
    // Fail fast while disconnected: a user waiting in Slack should hear "store down", not wait forever.
    enableOfflineQueue: false,
    // Commands issued in the same tick share one round trip: a chat turn's independent reads do.
    enableAutoPipelining: true,
    lazyConnect: true,
  };
  if (typeof target === 'string')
    return new Redis(target, {
      ...CONNECTION,
      ...shared,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
  const nodes = target.cluster.map(clusterNode);
  return new Cluster(
    nodes.map(({ host, port }) => ({ host, port })),
    {
      ...shared,
      redisOptions: { ...CONNECTION, ...nodes[0]?.options },
      clusterRetryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      // The slots move while a cluster reshards or fails over: follow MOVED and ASK, and wait out TRYAGAIN.
      maxRedirections: 16,
    },
  );
}

/** The URL as it may be logged: the password, if any, masked. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '****';
    return parsed.toString();
  } catch {
    return 'redis://(unparsable URL)';
  }
}

export class RedisBackend implements StoreBackend {
  readonly kind = 'redis' as const;
  private readonly redis: ScriptedRedis;
  /** What the store is, as it may be logged: `REDIS_URL redis://:****@host:6379`. */
  private readonly safeUrl: string;
  /** A configuration that cannot work (a cluster node as REDIS_URL): every command fails with it. */
  private mistake?: Error;
  /** Why the last connection attempt failed; commands only say "stream isn't writeable". */
  private connectionError?: Error;

  constructor(target: RedisTarget) {
    this.safeUrl =
      typeof target === 'string'
        ? `REDIS_URL ${redactRedisUrl(target)}`
        : `REDIS_CLUSTER_NODES ${target.cluster.map((node) => (node.includes('://') ? redactRedisUrl(node) : node)).join(',')}`;
    this.redis = connect(target) as ScriptedRedis;
    // ioredis emits 'error' for every failed reconnect; health checks and callers report it instead.
    this.redis.on('error', (error: Error) => {
      this.connectionError = error;
    });
    this.redis.on('ready', () => {
      this.connectionError = undefined;
    });
    for (const [name, script] of Object.entries(SCRIPTS)) this.redis.defineCommand(name, script);
  }

  /** Connects; the problem, when Redis cannot be reached, names REDIS_URL and the cause. */
  async connect(): Promise<Result<void>> {
    // Not fatal: ioredis keeps reconnecting, /healthz answers 503 and users are told meanwhile.
    const connected = await this.redis.connect().then(
      () => ok(undefined),
      (error: unknown) => failed(problem('unavailable', this.unreachable(error))),
    );
    if (connected.ok && this.redis instanceof Redis && (await this.isClusterNode())) {
      this.mistake = new Error(
        'it is a node of a Redis Cluster, which serves only its own keys: set REDIS_CLUSTER_NODES to the cluster’s nodes instead of REDIS_URL',
      );
      return failed(problem('unavailable', this.unreachable(this.mistake)));
    }
    return connected;
  }

  /** A plain client on a cluster node gets MOVED for most keys: that is a configuration mistake. */
  private async isClusterNode(): Promise<boolean> {
    const info = await this.redis.info('cluster').catch(() => '');
    return /cluster_enabled:1/.test(info);
  }

  /** `REDIS_URL redis://:****@host:6379 is unreachable (connect ECONNREFUSED …)`. */
  private unreachable(error: unknown): string {
    const cause = this.connectionError ?? error;
    const reason = cause instanceof Error ? cause.message : String(cause);
    return `${this.safeUrl} is unreachable (${reason})`;
  }

  private async run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.mistake) throw new StoreUnavailableError(this.mistake, this.unreachable(this.mistake));
    try {
      return await operation();
    } catch (error) {
      throw new StoreUnavailableError(error, this.unreachable(error));
    }
  }

  get(key: string) {
    return this.run(async () => (await this.redis.get(key)) ?? undefined);
  }

  set(key: string, value: string, ttlSeconds: number) {
    return this.run(async () => {
      await this.redis.set(key, value, 'EX', ttlSeconds);
    });
  }

  delete(key: string) {
    return this.run(async () => {
      await this.redis.del(key);
    });
  }

  setIfAbsent(key: string, value: string, ttlMs: number) {
    return this.run(async () => (await this.redis.set(key, value, 'PX', ttlMs, 'NX')) === 'OK');
  }

  extendIfEquals(key: string, value: string, ttlMs: number) {
    return this.run(async () => Number(await this.redis.extendIfEquals(key, value, ttlMs)) === 1);
  }

  deleteIfEquals(key: string, value: string) {
    return this.run(async () => Number(await this.redis.deleteIfEquals(key, value)) === 1);
  }

  countInWindow(key: string, windowSeconds: number) {
    return this.run(async () => {
      const [count, ttl] = (await this.redis.countInWindow(key, windowSeconds)) as [number, number];
      return { count, ttlSeconds: Math.max(1, ttl) };
    });
  }

  addFloat(key: string, amount: number, ttlSeconds: number) {
    return this.run(async () => Number(await this.redis.addFloat(key, amount, ttlSeconds)));
  }

  hashSet(key: string, field: string, value: string) {
    return this.run(async () => (await this.redis.hset(key, field, value)) === 1);
  }

  hashDelete(key: string, field: string) {
    return this.run(async () => (await this.redis.hdel(key, field)) === 1);
  }

  hashGetAll(key: string) {
    return this.run(() => this.redis.hgetall(key));
  }

  hashIncrement(key: string, field: string, by: number, ttlSeconds?: number) {
    if (ttlSeconds === undefined) return this.run(() => this.redis.hincrby(key, field, by));
    return this.run(async () => Number(await this.redis.hashIncrementExpiring(key, field, by, ttlSeconds)));
  }

  hashSetIfAbsent(key: string, field: string, value: string, ttlSeconds: number) {
    return this.run(
      async () => Number(await this.redis.hashSetIfAbsent(key, field, value, ttlSeconds)) === 1,
    );
  }

  hashCompareAndSet(key: string, field: string, expected: string | undefined, next: string) {
    return this.run(
      async () => Number(await this.redis.hashCompareAndSet(key, field, expected ?? '', next)) === 1,
    );
  }

  takeToken(key: string, capacity: number, perSecond: number, keep: number) {
    return this.run(async () => Number(await this.redis.takeToken(key, capacity, perSecond, keep)));
  }

  emptyBucket(key: string, capacity: number, perSecond: number, forMs: number) {
    return this.run(async () => {
      await this.redis.emptyBucket(key, capacity, perSecond, forMs);
    });
  }

  /** Writes a real key: PING would answer from a node that cannot serve any key. */
  async ping() {
    if (this.mistake) return false;
    try {
      return (await this.redis.set(HEALTH_KEY, String(Date.now()), 'EX', 60)) === 'OK';
    } catch {
      return false;
    }
  }

  async close() {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
