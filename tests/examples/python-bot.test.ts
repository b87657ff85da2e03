// examples/python/paperbook_bot.py (issue 21, item 4) against a real server, run by Debian's
// /usr/bin/python3 with python3-socketio and its websocket transport (python3-requests,
// python3-websocket). A machine without them skips this, loudly; in CI (`CI` set) it never skips:
// .ci/run installs the packages, and a missing one fails here.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectExampleOutcome, runExample, startExampleServer, type ExampleServer } from './example-run.ts';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import socketio, requests, websocket'], { encoding: 'utf8' });
const hasPython = probe.status === 0 || Boolean(process.env.CI);
if (!hasPython) {
  console.warn(
    `\n${'!'.repeat(78)}\n!! Python bot example SKIPPED: ${PYTHON} cannot import socketio, requests, websocket\n` +
      `!! (apt-get install -y python3-socketio python3-requests python3-websocket)\n${'!'.repeat(78)}\n`,
  );
}

describe.runIf(hasPython)('the Python bot example', { timeout: 120_000 }, () => {
  let ex: ExampleServer;
  beforeAll(async () => {
    ex = await startExampleServer();
  });
  afterAll(async () => {
    await ex?.stop();
  });

  it('has the packages it needs', () => {
    expect(probe.status, `${PYTHON} -c 'import socketio, requests, websocket': ${probe.stderr}`).toBe(0);
  });

  it('signals, moves the stop, sends a text signal, and after a dropped link resends without duplicates', async () => {
    const token = await ex.botToken('py-bot');
    const run = await runExample(PYTHON, ['examples/python/paperbook_bot.py'], {
      PAPERBOOK_URL: ex.server.url,
      PAPERBOOK_TOKEN: token,
      PAPERBOOK_SYMBOL: 'SOLUSDT',
      PAPERBOOK_ENTRY: '100',
      PAPERBOOK_RUN_ID: 'py-run',
    });
    await expectExampleOutcome(ex, 'py-bot', 'py-run', run);
  });

  it('a wrong token is refused at the handshake, nothing sent', async () => {
    const signals = () => ex.sql.raw(`select count(*)::int as n from signals`).then((r) => r.rows[0].n as number);
    const before = await signals();
    const run = await runExample(PYTHON, ['examples/python/paperbook_bot.py'], {
      PAPERBOOK_URL: ex.server.url,
      PAPERBOOK_TOKEN: 'not-a-token',
      PAPERBOOK_ENTRY: '100',
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/unauthorized/);
    expect(run.acks.size).toBe(0);
    expect(await signals()).toBe(before);
  });
});
