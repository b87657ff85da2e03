// `npm start`: refuse the uWS fallback, parse config, build the page if needed, start the app (and
// the demo bots), and shut down gracefully on SIGTERM/SIGINT/SIGHUP (exit 0 within 10 s). Once up, an
// uncaught exception is logged, not fatal (crash-guards.ts); the embedded PostgreSQL ties itself
// to this process' life (persistence/postgres-lifeline.ts).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { startApp, WEB_ROOT } from './app.ts';
import { startDemoBot } from './demo/demo-bot.ts';
import { startRole } from './cluster/start-role.ts';
import { detectUwsRuntime, uwsRuntimeProblem } from './transport/uws-runtime.ts';
import { installCrashGuards } from './ops/crash-guards.ts';
import { ClusterPlacementError } from './persistence/cluster-placement.ts';

const SHUTDOWN_DEADLINE_MS = 10_000;

/** Set once config says the database is embedded: where it lives, for a failed start to stop it. */

async function main(): Promise<void> {
  // app.ts has imported uWebSockets.js by now: refuse to serve through its JavaScript fallback.
  const uwsProblem = uwsRuntimeProblem(detectUwsRuntime());
  if (uwsProblem) {
    console.error(uwsProblem);
    process.exit(2);
  }
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const demoBot = config.demoBot ?? config.databaseUrl === undefined;
  // The demo bot needs a credential; without BOT_TOKEN one is made for this process only.
  if (demoBot && !config.botToken) config.botToken = randomBytes(24).toString('base64url');

  if (!existsSync(join(WEB_ROOT, 'index.html'))) {
    log.info('building the page (first start)…');
    const r = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
    if (r.status !== 0) log.error('page build failed; the API and streams still run');
  }

  const app = config.role === 'all' ? await startApp(config, { log }) : await startRole(config, { log });
  installCrashGuards(log.child({ module: 'process' }));
  // Two demo bots of different styles (SPEC §11), so the leaderboard has a comparison at once.
  const demo = { url: `http://127.0.0.1:${app.port}`, token: config.botToken!, log };
  const bots = demoBot
    ? [startDemoBot({ ...demo, seed: config.seed, style: 'scalper' }), startDemoBot({ ...demo, seed: config.seed + 1, style: 'swing', intervalMs: 9_000 })]
    : [];
  log.info({ url: app.url, embeddedDatabase: app.database.embedded, demoBot, priceFeed: config.priceFeed }, 'Paperbook is running');
  console.log(`\n  Paperbook is live at ${app.url}/bot-performance (every bot: ${app.url}/bots)\n`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown deadline passed; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    force.unref();
    Promise.resolve(bots.forEach((b) => b.stop()))
      .then(() => app.close())
      .then(
        () => {
          process.exit(0);
        },
        (err: unknown) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // A closed terminal: Node's default would end the process at once, without a flush.
  process.on('SIGHUP', () => shutdown('SIGHUP'));
}

main().catch((err: unknown) => {
  // A placement problem names DATA_DIR and its remedy: the message is the whole story.
  console.error(err instanceof ClusterPlacementError ? err.message : err);
  // A start that failed after the embedded database came up does not leave it running: its
  // lifeline's exit hook stops it (persistence/postgres-lifeline.ts).
  process.exit(1);
});
