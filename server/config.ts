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
      ctx.addIssue({ code: 'custom', message: `must be an origin like ${schemes[schemes.length - 1]}//example.com (${schemes.join(' ')} only, no path): got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return u.origin;
  };
}

function parseOrigins(v: string, ctx: z.RefinementCtx): string[] {
  const one = parseOrigin(['http:', 'https:', 'ws:', 'wss:']);
  return v.split(/[\s,]+/).filter(Boolean).map((o) => one(o, ctx));
}

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
  // Longest request target (path + query, bytes) before 414; uWS itself accepts far longer ones.
  HTTP_MAX_URL_BYTES: int(8192, 256, 65_536),
  // The public origin for absolute links (`next`/`previous`); unset = relative links, never the Host header.
  PUBLIC_URL: z.string().transform(parseOrigin(['http:', 'https:'])).optional(),
  // Extra origins the page may connect to (space-separated), besides its own.
  CSP_CONNECT_SRC: z.string().transform(parseOrigins).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEED: z.coerce.number().int().default(42),
  // Scale-out (docs/deployment.md): ROLE=all is the single process; engine/edge share PostgreSQL and Redis.
  ROLE: z.enum(['all', 'engine', 'edge']).default('all'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').default('redis://127.0.0.1:6379'),
  CLUSTER_NAME: z.string().regex(/^[\w.:-]{1,64}$/, 'letters, digits, . _ : - only').default('paperbook'),
  SNAPSHOT_INTERVAL_MS: int(500, 20, 60_000),
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
    httpMaxUrlBytes: c.HTTP_MAX_URL_BYTES,
    publicUrl: c.PUBLIC_URL,
    cspConnectSrc: c.CSP_CONNECT_SRC ?? [],
    seed: c.SEED,
    role: c.ROLE,
    redisUrl: c.REDIS_URL,
    clusterName: c.CLUSTER_NAME,
    snapshotIntervalMs: c.SNAPSHOT_INTERVAL_MS,
  };
}
