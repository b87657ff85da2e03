// `npm run cli -- <command>`: the operator CLI (SPEC §7). Uses the server's configuration and
// database. Exit codes: 0 ok, 2 usage error (with a message), 1 failure.
import { pino } from 'pino';
import { ConfigError, loadConfig } from '../config.ts';
import { Flags, UsageError, parseArgs } from './cli-args.ts';
import type { CommandContext } from './command-context.ts';

const HELP = `Paperbook operator CLI

Usage: npm run cli -- <command> [options]

  help                                   this text
  migrate                                apply pending database migrations
  token:create --kind bot|user --name NAME [--user USERNAME]
                                         create a token; prints the secret once (on stdout)
  token:revoke --id N | --name NAME      revoke a token (or every active token with that name)
  token:list                             list tokens (never their secrets)
  bot:list                               list bots (a bot is a token name its signals came with) and their figures
  bot:set NAME [--display-name TEXT] [--description TEXT] [--visibility public|unlisted|private]
                                         what the bot pages show for NAME, and who sees its new signals
  notify:add BOT --webhook URL [--secret S] | --telegram-token TOKEN --chat-id ID | --discord WEBHOOK_URL
                                         send BOT's public opened/leg/closed events there (a webhook
                                         secret is generated and printed once unless given)
  notify:list [--bot BOT]                targets (never their secrets) with queued/sent/dead counts
  notify:remove ID                       stop sending to a target (its queued notifications are dropped)
  notify:test ID                         send one test notification to a target now and show the answer
  notify:dead [--bot BOT]                dead-lettered notifications and why
  notify:retry [--bot BOT]               put the dead letters back in the queue
  trades:export [--out FILE] [--scope system|all]
                                         trades as CSV (stdout without --out); system trades by default
  trades:import --in FILE                import system trades from such a CSV; idempotent by trade id
  ledger:export [--out FILE]             the hash-chained ledger as JSONL (stdout without --out)
  ledger:verify [--file FILE]            verify an exported ledger offline, or the database's ledger and rows
  witness URL --state FILE [--watch SECONDS] [--fingerprint HEX]
                                         check a server's ledger (any origin) against the checkpoints and
                                         row hashes kept in FILE: exit 1 naming the first seq that differs
                                         if the past was rewritten, re-signed or cut, or the key changed;
                                         --watch repeats every SECONDS until SIGINT/SIGTERM; --fingerprint:
                                         the key's published sha256, else the first run's key is pinned
  witness --ledger-file EXPORT.jsonl --state FILE [--checkpoints FILE] [--fingerprint HEX]
                                         the same offline, against a ledger:export file (and checkpoints
                                         saved from GET /api/public/ledger/checkpoints/)

The database (every command but witness) is the server's: DATABASE_URL, else the embedded PostgreSQL under DATA_DIR (default
.data). If a server is running on that DATA_DIR, the CLI connects to its PostgreSQL.
LOG_LEVEL (default warn for the CLI) sets how much the CLI logs to stderr.
Exit codes: 0 ok, 1 failure, 2 usage error. See docs/operations.md.`;

type Command = (ctx: CommandContext, flags: Flags) => Promise<void>;

// Loaded on demand: `help` and usage errors answer without loading the ORM.
const COMMANDS: Record<string, () => Promise<Command>> = {
  migrate: async () => migrate,
  'token:create': async () => (await import('./token-commands.ts')).tokenCreate,
  'token:revoke': async () => (await import('./token-commands.ts')).tokenRevoke,
  'token:list': async () => (await import('./token-commands.ts')).tokenList,
  'bot:list': async () => (await import('./bot-commands.ts')).botList,
  'bot:set': async () => (await import('./bot-commands.ts')).botSet,
  'notify:add': async () => (await import('./notify-commands.ts')).notifyAdd,
  'notify:list': async () => (await import('./notify-commands.ts')).notifyList,
  'notify:remove': async () => (await import('./notify-commands.ts')).notifyRemove,
  'notify:test': async () => (await import('./notify-commands.ts')).notifyTest,
  'notify:dead': async () => (await import('./notify-commands.ts')).notifyDead,
  'notify:retry': async () => (await import('./notify-commands.ts')).notifyRetry,
  'trades:export': async () => (await import('./trade-commands.ts')).tradesExport,
  'trades:import': async () => (await import('./trade-commands.ts')).tradesImport,
  'ledger:export': async () => (await import('./ledger-commands.ts')).ledgerExport,
  'ledger:verify': async () => (await import('./ledger-commands.ts')).ledgerVerify,
  witness: async () => (await import('./witness-command.ts')).witness,
};

async function migrate(ctx: CommandContext, flags: Flags): Promise<void> {
  flags.done();
  await ctx.withDatabase(
    async (orm) => {
      const applied = await orm.getMigrator().up();
      const done = await orm.getMigrator().getExecutedMigrations();
      ctx.out(
        applied.length > 0
          ? `Applied ${applied.length} migration${applied.length === 1 ? '' : 's'}: ${applied.map((m) => m.name).join(', ')}`
          : `Up to date (${done.length} migration${done.length === 1 ? '' : 's'} applied).`,
      );
    },
    { migrate: false },
  );
}

async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(argv);
  } catch (err) {
    return usage(err);
  }
  const { command, flags, positional } = parsed;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    (command === undefined ? process.stderr : process.stdout).write(HELP + '\n');
    return command === undefined ? 2 : 0;
  }
  const load = COMMANDS[command];
  if (!load) return usage(new UsageError(`unknown command "${command}"`));

  let config;
  try {
    config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL || 'warn' });
  } catch (err) {
    if (err instanceof ConfigError) return usage(err);
    throw err;
  }
  // Logs go to stderr: stdout carries results (a CSV, a secret).
  const log = pino({ level: config.logLevel, base: { app: 'paperbook-cli' } }, pino.destination(2));
  try {
    const [run, { createCommandContext }] = await Promise.all([load(), import('./command-context.ts')]);
    await run(createCommandContext(config, log), new Flags(flags, command, positional));
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof UsageError) return usage(err);
    process.stderr.write(`${command} failed: ${err instanceof Error ? err.message : String(err)}\n`);
    log.debug({ err }, 'command failed');
    return 1;
  }
}

function usage(err: unknown): number {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\nRun "npm run cli -- help" for usage.\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
