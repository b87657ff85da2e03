// Configuration (SPEC §7): parsed once from the environment into a typed object; a bad value
// stops start-up with a message naming the variable.
import { z } from 'zod';
import { ENTRY_MODES } from '../shared/constants.ts';

const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);
const num = (def: number, min: number, max: number) => z.coerce.number().min(min).max(max).default(def);
const onOff = z.enum(['on', 'off']);

const PRICE_FEED = z
  .string()
  .regex(/^(simulated|binance|bot|replay:.+)$/, 'must be simulated, binance, bot or replay:FILE')
  .default('simulated');

export const configSchema = z.object({
  PORT: int(3000, 0, 65535),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  PRICE_FEED,
  DEMO_BOT: onOff.optional(),
  BOT_TOKEN: z.string().min(8, 'must be at least 8 characters').optional(),
  POSITION_SIZE: num(100, 0.01, 1e9),
  FEE_RATE: num(0.001, 0, 0.1),
  ENTRY_MODE: z.enum(ENTRY_MODES).default('signal'),
  BROADCAST_INTERVAL_MS: int(100, 10, 60_000),
  PRICE_STALE_MS: int(30_000, 100, 86_400_000),
  // REST requests per second per client IP before 429 RATE_LIMITED (0 = no limit).
  HTTP_RATE_LIMIT: int(300, 0, 1_000_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEED: z.coerce.number().int().default(42),
  // Scale-out (docs/deployment.md): ROLE=all is the single process; engine/edge share PostgreSQL and Redis.
  ROLE: z.enum(['all', 'engine', 'edge']).default('all'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').default('redis://127.0.0.1:6379'),
  CLUSTER_NAME: z.string().regex(/^[\w.:-]{1,64}$/, 'letters, digits, . _ : - only').default('paperbook'),
  SNAPSHOT_INTERVAL_MS: int(500, 20, 60_000),
  // Bounded anonymous reads (docs/security.md): list offsets, performance/ cache, background ledger verify.
  PUBLIC_LIST_MAX_OFFSET: int(10_000, 0, 10_000_000),
  PUBLIC_READ_CONCURRENCY: int(1, 1, 64),
  PUBLIC_READ_QUEUE: int(32, 0, 10_000),
  PERFORMANCE_CACHE_ENTRIES: int(64, 1, 100_000),
  PERFORMANCE_CACHE_MB: int(64, 1, 65_536),
  LEDGER_VERIFY_INTERVAL_MS: int(300_000, 100, 86_400_000),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  priceFeed: string;
  /** undefined = decided at start: on with the embedded database, off otherwise. */
  demoBot: boolean | undefined;
  botToken: string | undefined;
  positionSize: number;
  feeRate: number;
  entryMode: 'signal' | 'touch';
  broadcastIntervalMs: number;
  priceStaleMs: number;
  logLevel: string;
  /** REST requests per second per client IP (0 = unlimited). */
  httpRateLimit: number;
  seed: number;
  role: 'all' | 'engine' | 'edge';
  redisUrl: string;
  /** Prefix of every Redis key and stream of this deployment. */
  clusterName: string;
  /** Engine: how often at most it writes its snapshot to Redis for edges. */
  snapshotIntervalMs: number;
  /** Public reads: rows an offset page may skip, uncached computations at once, performance/ cache size. */
  publicReads: PublicReadLimits;
  /** Least time between two background ledger verifications. */
  ledgerVerifyIntervalMs: number;
}

export interface PublicReadLimits {
  listMaxOffset: number;
  concurrency: number;
  /** Requests that may wait for a computation slot (beyond: 503). */
  queue: number;
  performanceCacheEntries: number;
  performanceCacheBytes: number;
}

export class ConfigError extends Error {}

/** Parse `env`; empty strings count as unset. Throws ConfigError naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v.trim() !== '') cleaned[key] = v.trim();
  }
  const r = configSchema.safeParse(cleaned);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = r.data;
  if (c.ROLE !== 'all' && !c.DATABASE_URL) {
    throw new ConfigError(`Invalid configuration:\n  DATABASE_URL: required when ROLE is ${c.ROLE} (engines and edges share one PostgreSQL)`);
  }
  return {
    port: c.PORT,
    host: c.HOST,
    databaseUrl: c.DATABASE_URL,
    dataDir: c.DATA_DIR,
    priceFeed: c.PRICE_FEED,
    demoBot: c.DEMO_BOT === undefined ? undefined : c.DEMO_BOT === 'on',
    botToken: c.BOT_TOKEN,
    positionSize: c.POSITION_SIZE,
    feeRate: c.FEE_RATE,
    entryMode: c.ENTRY_MODE,
    broadcastIntervalMs: c.BROADCAST_INTERVAL_MS,
    priceStaleMs: c.PRICE_STALE_MS,
    logLevel: c.LOG_LEVEL,
    httpRateLimit: c.HTTP_RATE_LIMIT,
    seed: c.SEED,
    role: c.ROLE,
    redisUrl: c.REDIS_URL,
    clusterName: c.CLUSTER_NAME,
    snapshotIntervalMs: c.SNAPSHOT_INTERVAL_MS,
    publicReads: {
      listMaxOffset: c.PUBLIC_LIST_MAX_OFFSET,
      concurrency: c.PUBLIC_READ_CONCURRENCY,
      queue: c.PUBLIC_READ_QUEUE,
      performanceCacheEntries: c.PERFORMANCE_CACHE_ENTRIES,
      performanceCacheBytes: c.PERFORMANCE_CACHE_MB * 1024 * 1024,
    },
    ledgerVerifyIntervalMs: c.LEDGER_VERIFY_INTERVAL_MS,
  };
}
