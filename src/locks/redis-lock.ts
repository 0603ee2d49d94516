import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { ArchiverError, LeaseLostError, LockBackendUnavailableError } from '../errors';
import {
  SILENT_LOCK_LOGGER,
  type Lease,
  type LeaseInfo,
  type LeaseOwner,
  type LockBackend,
  type LockLogger,
} from './lock';

export interface RedisLockOptions {
  url: string;
  /** Prepended to every resource to form its key; default `db-archiver:lease:`. */
  keyPrefix?: string;
  logger?: LockLogger;
}

/** What the key holds. Redis's own expiry (PX) is the lease's TTL, so a dead holder's key vanishes by itself. */
interface StoredLease {
  token: string;
  owner: LeaseOwner;
  acquiredAt: number;
  heartbeatAt: number;
}

// The scripts compare the stored token (or owner id) with ours inside Redis, so a lease that changed hands
// between a read and a write is never overwritten or deleted: every write is a compare-and-set.
const TOKEN_MATCHES = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local ok, stored = pcall(cjson.decode, current)
if not ok or type(stored) ~= 'table' or stored.token ~= ARGV[1] then return 0 end
`;
const REFRESH = `${TOKEN_MATCHES}
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`;
const CHECK = `${TOKEN_MATCHES}
return 1`;
const RELEASE = `${TOKEN_MATCHES}
redis.call('DEL', KEYS[1])
return 1`;
const REPLACE_OWN = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local ok, stored = pcall(cjson.decode, current)
if not ok or type(stored) ~= 'table' or type(stored.owner) ~= 'table' or stored.owner.id ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`;

/** Leases as Redis keys set with NX and PX; see LockBackend. Stale leases are simply gone: list never shows one. */
export class RedisLockBackend implements LockBackend {
  readonly name = 'redis';
  private readonly redis: Redis;
  private readonly keyPrefix: string;
  private readonly logger: LockLogger;
  private lastConnectionError: unknown;

  constructor(options: RedisLockOptions) {
    this.keyPrefix = options.keyPrefix ?? 'db-archiver:lease:';
    this.logger = options.logger ?? SILENT_LOCK_LOGGER;
    // Fail fast instead of queueing for minutes: a caller that cannot reach Redis must not assume it holds a
    // lease, and Temporal retries the activity anyway.
    this.redis = new Redis(options.url, {
      lazyConnect: true,
      connectTimeout: 5_000,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
      // ioredis waits this long for a socket that is already closed to close again when disconnecting after a
      // failed connection, keeping the process alive for nothing.
      disconnectTimeout: 200,
    });
    this.redis.on('error', (error: unknown) => (this.lastConnectionError = error));
    this.redis.on('ready', () => (this.lastConnectionError = undefined));
  }

  async acquire(resource: string, owner: LeaseOwner, ttlMs: number): Promise<Lease | null> {
    const now = Date.now();
    const lease: Lease = { resource, token: randomUUID(), owner, acquiredAt: now, expiresAt: now + ttlMs };
    const value = encode(lease, now);
    const key = this.key(resource);
    const set = await this.call(() => this.redis.set(key, value, 'PX', ttlMs, 'NX'));
    if (set === 'OK') return lease;
    const replaced = await this.call(() => this.redis.eval(REPLACE_OWN, 1, key, owner.id, value, ttlMs));
    if (replaced !== 1) return null;
    this.logger.info({ resource, owner }, 'lease re-acquired by its own owner; the earlier lease is void');
    return lease;
  }

  async refresh(lease: Lease, ttlMs: number): Promise<Lease> {
    const now = Date.now();
    const refreshed: Lease = { ...lease, expiresAt: now + ttlMs };
    const value = encode(refreshed, now);
    const done = await this.call(() =>
      this.redis.eval(REFRESH, 1, this.key(lease.resource), lease.token, value, ttlMs),
    );
    if (done !== 1) throw new LeaseLostError(lease.resource, lease.token);
    return refreshed;
  }

  async check(lease: Lease): Promise<void> {
    const held = await this.call(() => this.redis.eval(CHECK, 1, this.key(lease.resource), lease.token));
    if (held !== 1) throw new LeaseLostError(lease.resource, lease.token);
  }

  async release(lease: Lease): Promise<void> {
    await this.call(() => this.redis.eval(RELEASE, 1, this.key(lease.resource), lease.token));
  }

  async list(): Promise<LeaseInfo[]> {
    const keys = await this.call(() => this.scanKeys());
    const now = Date.now();
    const leases: LeaseInfo[] = [];
    for (const key of keys) {
      const [value, ttl] = await this.call(() =>
        Promise.all([this.redis.get(key), this.redis.pttl(key)] as const),
      );
      const stored = value === null ? null : decode(value);
      if (!stored || ttl < 0) continue; // expired between SCAN and GET, or not one of ours
      leases.push({
        resource: key.slice(this.keyPrefix.length),
        owner: stored.owner,
        heartbeatAt: stored.heartbeatAt,
        expiresAt: now + ttl,
        stale: false,
      });
    }
    return leases.sort((a, b) => a.resource.localeCompare(b.resource));
  }

  async forceRelease(resource: string): Promise<boolean> {
    return (await this.call(() => this.redis.del(this.key(resource)))) > 0;
  }

  async close(): Promise<void> {
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }

  private key(resource: string): string {
    return `${this.keyPrefix}${resource}`;
  }

  private async scanKeys(): Promise<string[]> {
    const pattern = `${this.keyPrefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    const keys = new Set<string>();
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 200);
      batch.forEach((k) => keys.add(k));
      cursor = next;
    } while (cursor !== '0');
    return [...keys];
  }

  /** Runs a Redis call; anything Redis or the connection throws becomes LockBackendUnavailableError. */
  private async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof ArchiverError) throw error;
      // "Reached the max retries per request limit" says little; the connection error behind it says why.
      const cause = /max retries per request/i.test(String(error))
        ? (this.lastConnectionError ?? error)
        : error;
      throw new LockBackendUnavailableError('redis', cause);
    }
  }
}

function encode(lease: Lease, heartbeatAt: number): string {
  const stored: StoredLease = {
    token: lease.token,
    owner: lease.owner,
    acquiredAt: lease.acquiredAt,
    heartbeatAt,
  };
  return JSON.stringify(stored);
}

function decode(value: string): StoredLease | null {
  try {
    const stored = JSON.parse(value) as Partial<StoredLease>;
    if (typeof stored.token !== 'string' || typeof stored.owner?.id !== 'string') return null;
    return stored as StoredLease;
  } catch {
    return null;
  }
}
