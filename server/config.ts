// Configuration (SPEC §7): parsed once from the environment into a typed object; a bad value
// stops start-up with a message naming the variable.
import path from 'node:path';
import { z } from 'zod';
import { ENTRY_MODES } from '../shared/constants.ts';

const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);
const num = (def: number, min: number, max: number) => z.coerce.number().min(min).max(max).default(def);
const onOff = z.enum(['on', 'off']);

const PRICE_FEED = z
  .string()
  .regex(/^(simulated|binance|bot|replay:.+)$/, 'must be simulated, binance, bot or replay:FILE')
  .default('simulated');

// PRICE_FEED=binance endpoints: a base `ws[s]://host[:port]` (the feed adds the documented path) or a full URL.
const WS_URL = z.string().regex(/^wss?:\/\/[^/?#\s]+(\/\S*)?$/, 'must be a ws:// or wss:// URL, e.g. wss://fstream.binance.com');
/** A bare origin (`https://host[:port]`: no path, query or credentials) in one of `schemes`. */
function parseOrigin(schemes: string[]) {
  return (v: string, ctx: z.RefinementCtx): string => {
    let u: URL | null = null;
    try {
      u = new URL(v);
    } catch {
      // reported below
    }
    const bare = u && schemes.includes(u.protocol) && !u.username && !u.password && (u.pathname === '/' || u.pathname === '') && !u.search && !u.hash;
    if (!u || !bare) {
      ctx.addIssue({
        code: 'custom',
        message: `must be an origin like ${schemes[schemes.length - 1]}//example.com (${schemes.join(' ')} only, no path): got ${JSON.stringify(v)}`,
      });
      return z.NEVER;
    }
    return u.origin;
  };
}

/** An http(s) API base: origin plus an optional path, no query; kept without a trailing slash. */
function parseApiBase(v: string, ctx: z.RefinementCtx): string {
  let u: URL | null = null;
  try {
    u = new URL(v);
  } catch {
    // reported below
  }
  if (!u || !['http:', 'https:'].includes(u.protocol) || u.username || u.password || u.search || u.hash) {
    ctx.addIssue({ code: 'custom', message: `must be an http(s) URL without query, e.g. https://api.telegram.org: got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

function parseOrigins(v: string, ctx: z.RefinementCtx): string[] {
  const one = parseOrigin(['http:', 'https:', 'ws:', 'wss:']);
  return v
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((o) => one(o, ctx));
}

export const configSchema = z.object({
  PORT: int(3000, 0, 65535),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  PRICE_FEED,
  DEMO_BOT: onOff.optional(),
  BOT_TOKEN: z.string().min(8, 'must be at least 8 characters').optional(),
  POSITION_SIZE: num(100, 0.01, 1e9),
  FEE_RATE: num(0.001, 0, 0.1),
  ACCOUNT_SIZE: num(1000, 0.01, 1e12),
  ENTRY_MODE: z.enum(ENTRY_MODES).default('signal'),
  BROADCAST_INTERVAL_MS: int(100, 10, 60_000),
  PRICE_STALE_MS: int(30_000, 100, 86_400_000),
  // REST requests per second per client IP before 429 RATE_LIMITED (0 = no limit).
  HTTP_RATE_LIMIT: int(300, 0, 1_000_000),
  // Failed logins (docs/security.md "Accounts"): per (username, source) before a doubling delay,
  // the delay's cap, per source across usernames per hour, per username from everywhere per 15 min.
  LOGIN_FAILURES_PER_SOURCE: int(5, 1, 1_000),
  LOGIN_BACKOFF_MAX_MS: int(900_000, 1_000, 86_400_000),
  LOGIN_FAILURES_PER_IP_PER_HOUR: int(100, 1, 1_000_000),
  LOGIN_FAILURES_PER_USERNAME: int(50, 1, 1_000_000),
  // Per-user caps on manual trades and the user trade API (docs/security.md, "Non-interference").
  USER_MAX_OPEN_TRADES: int(100, 1, 100_000),
  USER_MAX_OPEN_SYMBOLS: int(20, 1, 10_000),
  USER_REQUESTS_PER_SECOND: int(20, 0, 1_000_000),
  USER_REQUESTS_PER_MINUTE: int(600, 0, 10_000_000),
  // Longest request target (path + query, bytes) before 414; uWS itself accepts far longer ones.
  HTTP_MAX_URL_BYTES: int(8192, 256, 65_536),
  // The public origin for absolute links (`next`/`previous`); unset = relative links, never the Host header.
  PUBLIC_URL: z
    .string()
    .transform(parseOrigin(['http:', 'https:']))
    .optional(),
  // Extra origins the page may connect to (space-separated), besides its own.
  CSP_CONNECT_SRC: z.string().transform(parseOrigins).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEED: z.coerce.number().int().default(42),
  // Scale-out (docs/deployment.md): ROLE=all is the single process; engine/edge share PostgreSQL and Redis.
  ROLE: z.enum(['all', 'engine', 'edge']).default('all'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .default('redis://127.0.0.1:6379'),
  CLUSTER_NAME: z
    .string()
    .regex(/^[\w.:-]{1,64}$/, 'letters, digits, . _ : - only')
    .default('paperbook'),
  SNAPSHOT_INTERVAL_MS: int(500, 20, 60_000),
  BINANCE_SPOT_WS: WS_URL.optional(),
  BINANCE_FUTURES_WS: WS_URL.optional(),
  // All Binance connections of the process together; Binance allows 300 per 5 minutes per IP.
  BINANCE_CONNECTIONS_PER_5M: int(100, 1, 300),
  BINANCE_SILENT_FAULT_MS: int(120_000, 0, 86_400_000),
  // Sockets (docs/security.md "Sockets"): 0 turns a per-IP limit off.
  MAX_SOCKETS_PER_IP: int(64, 0, 1_000_000),
  SOCKET_MAX_CONNECTS: int(10, 1, 1000),
  SOCKET_CONNECTS_PER_IP: int(20, 0, 1_000_000),
  SNAPSHOT_BYTES_PER_S: int(32 * 1024 * 1024, 0, 1e12),
  SNAPSHOT_BUILDS_PER_S: int(4, 0, 1000),
  // Bounded anonymous reads (docs/security.md): list offsets, performance/ cache, background ledger verify.
  PUBLIC_LIST_MAX_OFFSET: int(10_000, 0, 10_000_000),
  PUBLIC_READ_CONCURRENCY: int(1, 1, 64),
  PUBLIC_READ_QUEUE: int(32, 0, 10_000),
  PERFORMANCE_CACHE_ENTRIES: int(64, 1, 100_000),
  PERFORMANCE_CACHE_MB: int(64, 1, 65_536),
  LEDGER_VERIFY_INTERVAL_MS: int(300_000, 100, 86_400_000),
  // SPEC §13: 1m candles are kept at least 30 days (larger intervals are derived from them).
  CANDLE_RETENTION_DAYS: int(35, 30, 36_500),
  // SPEC §14 notifications (docs/notifications.md): the APIs' bases (tests point them at fakes),
  // the per-request timeout, the idle poll, the backoff and how long a notification is retried.
  TELEGRAM_API_BASE: z.string().transform(parseApiBase).default('https://api.telegram.org'),
  DISCORD_API_BASE: z.string().transform(parseApiBase).default('https://discord.com/api'),
  NOTIFY_TIMEOUT_MS: int(10_000, 100, 120_000),
  NOTIFY_POLL_MS: int(1_000, 10, 60_000),
  NOTIFY_BACKOFF_BASE_MS: int(1_000, 1, 3_600_000),
  NOTIFY_BACKOFF_MAX_MS: int(1_800_000, 1, 86_400_000),
  NOTIFY_RETRY_HOURS: num(24, 0.0001, 24 * 30),
  NOTIFY_KEEP_SENT_DAYS: int(7, 1, 3_650),
  // SPEC §15 signed checkpoints: the Ed25519 key's file (default DATA_DIR/ledger-key.pem) and how often the head is signed.
  LEDGER_KEY_FILE: z.string().min(1).optional(),
  CHECKPOINT_INTERVAL_S: int(60, 1, 86_400),
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
  /** Failed-login throttling (server/users/login-throttle.ts). */
  login: { failuresPerSource: number; backoffMaxMs: number; failuresPerIpPerHour: number; failuresPerUsername: number };
  /** Per-user caps (USER_MAX_OPEN_TRADES, USER_MAX_OPEN_SYMBOLS, USER_REQUESTS_PER_SECOND/_MINUTE; 0 = off for the rates). */
  userLimits: { maxOpenTrades: number; maxOpenSymbols: number; requestsPerSecond: number; requestsPerMinute: number };
  /** Longest accepted request target (path + query), bytes. */
  httpMaxUrlBytes: number;
  /** Origin for absolute links in responses; undefined = relative links. */
  publicUrl: string | undefined;
  /** Origins the page may connect to besides its own (CSP connect-src). */
  cspConnectSrc: string[];
  seed: number;
  role: 'all' | 'engine' | 'edge';
  redisUrl: string;
  /** Prefix of every Redis key and stream of this deployment. */
  clusterName: string;
  /** Engine: how often at most it writes its snapshot to Redis for edges. */
  snapshotIntervalMs: number;
  /** PRICE_FEED=binance only (docs/binance.md). */
  binance: {
    spotWs: string | undefined;
    futuresWs: string | undefined;
    /** Connection attempts per 5 minutes, every Binance connection of the process together. */
    connectionsPer5Minutes: number;
    /** Every subscribed stream of a connection silent this long is a feed fault (0 = off). */
    silentFaultMs: number;
  };
  /** Concurrent Socket.IO connections per client IP (0 = unlimited). */
  maxSocketsPerIp: number;
  /** Namespace CONNECT packets one connection may send before it is closed. */
  maxConnectsPerSocket: number;
  /** Namespace CONNECT attempts per client IP per second before connect_error rate_limited (0 = unlimited). */
  connectsPerIpPerSecond: number;
  /** Public snapshots for new viewers and resyncs: bytes built + sent per second, and turns (builds) per second; past them they wait (0 = unlimited). */
  snapshotBudget: { bytesPerSecond: number; turnsPerSecond: number };
  /** Public reads: rows an offset page may skip, uncached computations at once, performance/ cache size. */
  publicReads: PublicReadLimits;
  /** Least time between two background ledger verifications. */
  ledgerVerifyIntervalMs: number;
  /** 1m candles older than this many days are deleted (≥ 30). */
  candleRetentionDays: number;
  /** SPEC §14 outbound notifications. */
  notify: NotifyConfig;
  /** SPEC §15: the checkpoint signing key's file and the signing interval. */
  checkpoints: { keyFile: string; intervalMs: number };
}

export interface NotifyConfig {
  telegramApiBase: string;
  discordApiBase: string;
  timeoutMs: number;
  pollMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A notification is retried this long after it was queued, then dead-lettered. */
  retryWindowMs: number;
  keepSentDays: number;
}

export interface PublicReadLimits {
  listMaxOffset: number;
  concurrency: number;
  /** Requests that may wait for a computation slot (beyond: 503). */
  queue: number;
  performanceCacheEntries: number;
  performanceCacheBytes: number;
  /** SPEC §12 ACCOUNT_SIZE (USDT): the equity `performance/` risk ratios are measured on. */
  accountSize: number;
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
    login: {
      failuresPerSource: c.LOGIN_FAILURES_PER_SOURCE,
      backoffMaxMs: c.LOGIN_BACKOFF_MAX_MS,
      failuresPerIpPerHour: c.LOGIN_FAILURES_PER_IP_PER_HOUR,
      failuresPerUsername: c.LOGIN_FAILURES_PER_USERNAME,
    },
    userLimits: {
      maxOpenTrades: c.USER_MAX_OPEN_TRADES,
      maxOpenSymbols: c.USER_MAX_OPEN_SYMBOLS,
      requestsPerSecond: c.USER_REQUESTS_PER_SECOND,
      requestsPerMinute: c.USER_REQUESTS_PER_MINUTE,
    },
    httpMaxUrlBytes: c.HTTP_MAX_URL_BYTES,
    publicUrl: c.PUBLIC_URL,
    cspConnectSrc: c.CSP_CONNECT_SRC ?? [],
    seed: c.SEED,
    role: c.ROLE,
    redisUrl: c.REDIS_URL,
    clusterName: c.CLUSTER_NAME,
    snapshotIntervalMs: c.SNAPSHOT_INTERVAL_MS,
    binance: {
      spotWs: c.BINANCE_SPOT_WS,
      futuresWs: c.BINANCE_FUTURES_WS,
      connectionsPer5Minutes: c.BINANCE_CONNECTIONS_PER_5M,
      silentFaultMs: c.BINANCE_SILENT_FAULT_MS,
    },
    maxSocketsPerIp: c.MAX_SOCKETS_PER_IP,
    maxConnectsPerSocket: c.SOCKET_MAX_CONNECTS,
    connectsPerIpPerSecond: c.SOCKET_CONNECTS_PER_IP,
    snapshotBudget: { bytesPerSecond: c.SNAPSHOT_BYTES_PER_S, turnsPerSecond: c.SNAPSHOT_BUILDS_PER_S },
    publicReads: {
      listMaxOffset: c.PUBLIC_LIST_MAX_OFFSET,
      concurrency: c.PUBLIC_READ_CONCURRENCY,
      queue: c.PUBLIC_READ_QUEUE,
      performanceCacheEntries: c.PERFORMANCE_CACHE_ENTRIES,
      performanceCacheBytes: c.PERFORMANCE_CACHE_MB * 1024 * 1024,
      accountSize: c.ACCOUNT_SIZE,
    },
    ledgerVerifyIntervalMs: c.LEDGER_VERIFY_INTERVAL_MS,
    candleRetentionDays: c.CANDLE_RETENTION_DAYS,
    notify: {
      telegramApiBase: c.TELEGRAM_API_BASE,
      discordApiBase: c.DISCORD_API_BASE,
      timeoutMs: c.NOTIFY_TIMEOUT_MS,
      pollMs: c.NOTIFY_POLL_MS,
      backoffBaseMs: c.NOTIFY_BACKOFF_BASE_MS,
      backoffMaxMs: c.NOTIFY_BACKOFF_MAX_MS,
      retryWindowMs: Math.round(c.NOTIFY_RETRY_HOURS * 3_600_000),
      keepSentDays: c.NOTIFY_KEEP_SENT_DAYS,
    },
    checkpoints: { keyFile: c.LEDGER_KEY_FILE ?? path.join(c.DATA_DIR, 'ledger-key.pem'), intervalMs: c.CHECKPOINT_INTERVAL_S * 1000 },
  };
}
