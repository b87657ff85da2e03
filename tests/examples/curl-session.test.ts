// examples/curl-session.sh (issue 21, item 4): the HTTP doors with curl, run by bash as a bot author
// would, against a real server with a CLI-made bot token; its answers and what it left in the database.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TradeJson } from '../../shared/protocol-types.ts';
import { runExample, startExampleServer, type ExampleServer } from './example-run.ts';

describe('the curl session example', { timeout: 120_000 }, () => {
  let ex: ExampleServer;
  beforeAll(async () => {
    ex = await startExampleServer();
  });
  afterAll(async () => {
    await ex?.stop();
  });

  it('signals, a duplicate, a stop update, a text signal, a TradingView alert, the public reads', async () => {
    const token = await ex.botToken('curl-bot');
    const run = await runExample('bash', ['examples/curl-session.sh'], {
      PAPERBOOK_URL: ex.server.url,
      PAPERBOOK_TOKEN: token,
      PAPERBOOK_BOT: 'curl-bot',
      PAPERBOOK_SYMBOL: 'SOLUSDT',
      PAPERBOOK_ENTRY: '100',
      PAPERBOOK_RUN_ID: 'c1',
    });
    expect(run.code, run.stderr).toBe(0);
    // The script prints `> METHOD PATH`, the JSON answer, `< STATUS` for each request.
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.length % 3, run.stdout).toBe(0);
    const answers: { request: string; body: unknown; status: number }[] = [];
    for (let i = 0; i < lines.length; i += 3) {
      answers.push({ request: lines[i]!.replace(token, 'TOKEN'), body: JSON.parse(lines[i + 1]!), status: Number(lines[i + 2]!.slice(2)) });
    }
    expect(answers.map((a) => `${a.status} ${a.request}`)).toEqual([
      '201 > POST /api/signals',
      '200 > POST /api/signals',
      '200 > PATCH /api/signals/by-external-id/c1-long',
      '201 > POST /api/signals/text?external_id=c1-text',
      '201 > POST /api/webhooks/tradingview/TOKEN',
      '200 > GET /api/public/paper-trading/?bot=curl-bot',
      '200 > GET /api/public/paper-trading/summary/?bot=curl-bot',
      '200 > GET /api/public/paper-trading/open-positions/?bot=curl-bot',
    ]);
    const [first, again, update] = answers.map((a) => a.body as { ok: boolean; signal_id: number; trade_id: number; duplicate: boolean });
    expect(first).toMatchObject({ ok: true, duplicate: false });
    expect(again).toEqual({ ...first, duplicate: true });
    expect(update).toEqual({ ...first, duplicate: false });

    const rows = (
      await ex.sql.raw(
        `select s.external_id, count(t.id)::int as trades from signals s left join paper_trades t on t.signal_id = s.id
          where s.source = 'curl-bot' group by s.external_id order by s.external_id`,
      )
    ).rows;
    expect(rows).toEqual([
      { external_id: 'c1-long', trades: 1 },
      { external_id: 'c1-text', trades: 1 },
      { external_id: 'c1-tv', trades: 1 },
    ]);
    const list = answers[5]!.body as { count: number; results: TradeJson[] };
    expect(list.count).toBe(3);
    const bySignal = new Map(list.results.map((t) => [t.signal_id, t]));
    expect(bySignal.get(first!.signal_id)).toMatchObject({ direction: 'LONG', entry_price: 100, initial_stop_loss: 98, stop_loss: 99, take_profit: 104 });
    const [text, tv] = [answers[3]!.body, answers[4]!.body].map((b) => bySignal.get((b as { signal_id: number }).signal_id));
    expect(text).toMatchObject({ direction: 'SHORT', entry_price: 100, stop_loss: 102, take_profit: 96 });
    expect(tv).toMatchObject({ symbol: 'SOLUSDT', direction: 'LONG', timeframe: '1h', entry_price: 100, take_profit: 103, stop_loss: 97 });
    expect((answers[6]!.body as { performance: { open_trades: number } }).performance.open_trades).toBe(3);
    expect(answers[7]!.body).toHaveLength(3);
  });
});

/** The `curl …` commands (with their `\` continuation lines) of the README's "Connect your bot" section. */
function readmeCurls(): string[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = /^## Connect your bot\n([\s\S]*?)^## /m.exec(readme)?.[1];
  if (!section) throw new Error('README has no "Connect your bot" section');
  const commands: string[] = [];
  for (const block of section.matchAll(/```sh\n([\s\S]*?)```/g)) {
    let current: string | null = null;
    for (const line of block[1]!.split('\n')) {
      if (current === null && !line.startsWith('curl ')) continue;
      current = current === null ? line : `${current}\n${line}`;
      if (!line.endsWith('\\')) {
        commands.push(current);
        current = null;
      }
    }
  }
  return commands;
}

describe("the README's curl commands", { timeout: 120_000 }, () => {
  let ex: ExampleServer;
  beforeAll(async () => {
    ex = await startExampleServer();
  });
  afterAll(async () => {
    await ex?.stop();
  });

  it('open the trades they show, as shown', async () => {
    const commands = readmeCurls();
    expect(commands).toHaveLength(2);
    const env = { PAPERBOOK_URL: ex.server.url, PAPERBOOK_TOKEN: await ex.botToken('my-bot') };
    const acks: { ok: boolean; trade_id: number; duplicate: boolean }[] = [];
    for (const command of commands) {
      const run = await runExample('bash', ['-c', command], env);
      expect(run.code, `${command}\n${run.stderr}`).toBe(0);
      acks.push(JSON.parse(run.stdout) as (typeof acks)[number]);
    }
    for (const ack of acks) expect(ack).toMatchObject({ ok: true, duplicate: false, trade_id: expect.any(Number) });
    const trade = async (id: number) => (await (await fetch(`${ex.server.url}/api/public/paper-trading/${id}/`)).json()) as TradeJson;
    const [json, text] = [await trade(acks[0]!.trade_id), await trade(acks[1]!.trade_id)];
    expect(json).toMatchObject({ bot: 'my-bot', symbol: 'BTCUSDT', direction: 'LONG', entry_price: 95000, take_profit: 98800, stop_loss: 93100 });
    expect(json.targets.map((t) => t.level)).toEqual([96900, 98800]);
    expect(text).toMatchObject({ bot: 'my-bot', symbol: 'BTCUSDT', direction: 'LONG', entry_price: 95000, take_profit: 98000, stop_loss: 94000 });
    expect(text.targets.map((t) => t.level)).toEqual([96000, 97000, 98000]);
    const ids = (await ex.sql.raw(`select external_id from signals where source = 'my-bot' order by external_id`)).rows;
    expect(ids).toEqual([{ external_id: 'my-1' }, { external_id: 'my-2' }]);
  });
});
