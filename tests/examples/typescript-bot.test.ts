// examples/typescript-bot.ts (issue 21, item 4): the shared BotClient as a bot author runs it
// (`node --import tsx`, a child process) against a real server with a CLI-made bot token.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectExampleOutcome, runExample, startExampleServer, type ExampleServer } from './example-run.ts';

describe('the TypeScript bot example', { timeout: 120_000 }, () => {
  let ex: ExampleServer;
  beforeAll(async () => {
    ex = await startExampleServer();
  });
  afterAll(async () => {
    await ex?.stop();
  });

  it('signals, moves the stop, sends a text signal, and after a reconnect resends without duplicates', async () => {
    const token = await ex.botToken('ts-bot');
    const run = await runExample(process.execPath, ['--import', 'tsx', 'examples/typescript-bot.ts'], {
      PAPERBOOK_URL: ex.server.url,
      PAPERBOOK_TOKEN: token,
      PAPERBOOK_SYMBOL: 'SOLUSDT',
      PAPERBOOK_ENTRY: '100',
      PAPERBOOK_RUN_ID: 'ts-run',
    });
    await expectExampleOutcome(ex, 'ts-bot', 'ts-run', run);
  });
});
