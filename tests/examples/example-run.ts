// Runs a bot from examples/ as its author would (a child process, PAPERBOOK_URL and PAPERBOOK_TOKEN
// in its environment) against a real server with a bot token made by the CLI, then reads what it
// left: its printed acks, and the signals, trades and updates in the database and over REST.
import { execFile } from 'node:child_process';
import { expect } from 'vitest';
import knex from 'knex';
import type { SignalAck, TradeJson } from '../../shared/protocol-types.ts';
import { NAMESPACES } from '../../shared/socket-events.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { REPO_ROOT, runCli } from '../cli/run-cli.ts';

export interface ExampleServer {
  server: TestServer;
  db: TestDatabase;
  sql: ReturnType<typeof knex>;
  /** A stored bot token named `name`, from `token:create`. */
  botToken(name: string): Promise<string>;
  /** How many /bot connections the server admitted for the bot `name` (a reconnect counts again). */
  botConnections(name: string): number;
  stop(): Promise<void>;
}

export async function startExampleServer(): Promise<ExampleServer> {
  const db = await createTestDatabase();
  const migrated = await runCli(['migrate'], { DATABASE_URL: db.url });
  expect(migrated.code, migrated.stderr).toBe(0);
  const server = await startTestServer({}, { db, keepDatabase: true });
  const sql = knex({ client: 'pg', connection: db.url, pool: { min: 0, max: 2 } });
  const connections = new Map<string, number>();
  server.app.io.of(NAMESPACES.bot).on('connection', (socket) => {
    const name = socket.data.identity?.name;
    if (name) connections.set(name, (connections.get(name) ?? 0) + 1);
  });
  return {
    server,
    db,
    sql,
    async botToken(name) {
      const created = await runCli(['token:create', '--kind', 'bot', '--name', name], { DATABASE_URL: db.url });
      expect(created.code, created.stderr).toBe(0);
      return created.stdout.trim();
    },
    botConnections: (name) => connections.get(name) ?? 0,
    async stop() {
      await sql.destroy();
      await server.stop();
      await db.drop();
    },
  };
}

export interface ExampleRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The `{step, ack}` lines it printed, by step. */
  acks: Map<string, SignalAck>;
}

export function runExample(command: string, args: readonly string[], env: Record<string, string>): Promise<ExampleRun> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, timeout: 90_000 }, (err, stdout, stderr) => {
      const acks = new Map<string, SignalAck>();
      for (const line of stdout.split('\n')) {
        if (!line.startsWith('{"step"')) continue;
        const parsed = JSON.parse(line) as { step: string; ack: SignalAck };
        acks.set(parsed.step, parsed.ack);
      }
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr, acks });
    });
  });
}

/**
 * What every example must have done with entry 100 on SOLUSDT and run id RUN: a LONG with its stop
 * moved from 98 to 99, a SHORT from the text, each once, and the resends acked as duplicates.
 */
export async function expectExampleOutcome(ex: ExampleServer, bot: string, runId: string, run: ExampleRun): Promise<void> {
  const detail = `exit ${String(run.code)}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
  expect(run.code, detail).toBe(0);
  expect([...run.acks.keys()], detail).toEqual(['signal', 'update', 'text', 'signal-resend', 'update-resend', 'text-resend']);
  const ack = (step: string) => run.acks.get(step) as SignalAck & { ok: true };
  for (const step of run.acks.keys()) expect(ack(step), `${step}: ${JSON.stringify(ack(step))}`).toMatchObject({ ok: true });
  const long = ack('signal');
  const text = ack('text');
  expect(long).toMatchObject({ duplicate: false, trade_id: expect.any(Number) });
  expect(text).toMatchObject({ duplicate: false, trade_id: expect.any(Number) });
  expect(text.trade_id).not.toBe(long.trade_id);
  expect(ack('update')).toEqual({ ok: true, signal_id: long.signal_id, trade_id: long.trade_id, duplicate: false });
  expect(ack('signal-resend')).toEqual({ ...long, duplicate: true });
  expect(ack('update-resend')).toEqual({ ok: true, signal_id: long.signal_id, trade_id: long.trade_id, duplicate: true });
  expect(ack('text-resend')).toEqual({ ...text, duplicate: true });
  // The resends went over a second connection: the link really was dropped and made again.
  expect(ex.botConnections(bot)).toBe(2);

  // In the database: exactly two signals of this bot, one trade each, one stop update applied.
  const signals = (
    await ex.sql.raw(
      `select s.external_id, count(t.id)::int as trades from signals s left join paper_trades t on t.signal_id = s.id
        where s.source = ? group by s.external_id order by s.external_id`,
      [bot],
    )
  ).rows;
  expect(signals).toEqual([
    { external_id: `${runId}-long`, trades: 1 },
    { external_id: `${runId}-text`, trades: 1 },
  ]);
  const updates = (await ex.sql.raw(`select update_id from signal_updates where signal_id = ?`, [long.signal_id])).rows;
  expect(updates).toEqual([{ update_id: `${runId}-stop-1` }]);

  // Over REST, as anyone sees them.
  const list = (await (await fetch(`${ex.server.url}/api/public/paper-trading/?bot=${bot}`)).json()) as { count: number; results: TradeJson[] };
  expect(list.count).toBe(2);
  const byId = new Map(list.results.map((t) => [t.id, t]));
  expect(byId.get(long.trade_id!)).toMatchObject({
    bot,
    symbol: 'SOLUSDT',
    direction: 'LONG',
    status: 'OPEN',
    entry_price: 100,
    take_profit: 104,
    initial_stop_loss: 98,
    stop_loss: 99,
    confidence: 0.7,
  });
  const textTrade = byId.get(text.trade_id!);
  expect(textTrade).toMatchObject({ bot, symbol: 'SOLUSDT', direction: 'SHORT', status: 'OPEN', entry_price: 100, stop_loss: 102, take_profit: 96 });
  expect(textTrade?.targets.map((t) => t.level)).toEqual([98, 96]);
}
