// Browser tests against the real server: built page, a test server (PRICE_FEED=bot) with its bot
// socket, Chromium, and pages that collect the errors they log.
import type { Browser, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected } from '../helpers/sockets.ts';
import { ensureBuilt, launchChromium } from './browser.ts';

export interface LivePage {
  server: TestServer;
  bot: Socket;
  browser: Browser;
  /** Page errors and console errors of every page opened (a test expects it empty). */
  errors: string[];
  /** A bot-fed price with a strictly later timestamp each time. */
  tick(symbol: string, price: number): Promise<unknown>;
  open(path: string, width?: number, height?: number): Promise<Page>;
  stop(): Promise<void>;
}

/** `ignore` drops console errors a test provokes on purpose (a 404 the page reports). */
export async function startLivePage(opts: { ignore?: RegExp } = {}): Promise<LivePage> {
  await ensureBuilt(); // before the server starts: it loads web/dist into memory
  const server = await startTestServer();
  const bot = connectBot(server.url, server.botToken);
  await connected(bot);
  const browser = await launchChromium();
  const errors: string[] = [];
  let ts = Date.now();
  return {
    server,
    bot,
    browser,
    errors,
    tick: (symbol, price) => bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol, price, ts: ++ts }] }),
    async open(path, width = 1280, height = 900) {
      const page = await browser.newPage({ viewport: { width, height } });
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => {
        if (m.type() === 'error' && !(opts.ignore?.test(m.text()) ?? false)) errors.push(m.text());
      });
      await page.goto(server.url + path);
      return page;
    },
    async stop() {
      bot.close();
      await browser.close();
      await server.stop();
    },
  };
}
