// Per-bot ticker rooms on /public (SPEC §11): a viewer with `auth: {channels: ['ticker'], bot}` joins
// `ticker:BOT` and gets that bot's frame at once and every interval. Each node serves its own
// viewers (`local`), so an edge never relays a frame another node computed. Only rooms with
// viewers are computed: one directory lookup (cached per ledger head) and one indexed read each.
import type { TickerJson } from '../../../shared/protocol-types.ts';
import type { Logger } from '../../logger.ts';
import type { PublicNamespace, PublicSocket } from './io-server.ts';

const PREFIX = 'ticker:';

export type BotTickerSource = (bot: string) => Promise<TickerJson | null>;

/** What a bot with no trades yet shows: nothing, honestly zero. */
const EMPTY: TickerJson = { win_rate: 0, total_profit_loss: 0, unrealized_profit_loss: 0, open_trades: 0, closed_trades: 0, last_closed: null };

export class BotTickers {
  private timer: ReturnType<typeof setInterval> | null = null;
  private running = false;

  constructor(
    private readonly nsp: PublicNamespace,
    private readonly source: BotTickerSource,
    private readonly log: Logger | undefined,
    private readonly intervalMs = 1_000,
  ) {}

  async join(socket: PublicSocket, bot: string): Promise<void> {
    await socket.join(PREFIX + bot);
    socket.emit('ticker', (await this.frame(bot)) ?? EMPTY);
  }

  start(): void {
    this.timer ??= setInterval(() => void this.push(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async push(): Promise<void> {
    if (this.running) return; // a slow database skips a beat rather than piling up reads
    this.running = true;
    try {
      for (const room of this.nsp.adapter.rooms.keys()) {
        if (!room.startsWith(PREFIX)) continue;
        const frame = await this.frame(room.slice(PREFIX.length));
        this.nsp.local.to(room).emit('ticker', frame ?? EMPTY);
      }
    } finally {
      this.running = false;
    }
  }

  private async frame(bot: string): Promise<TickerJson | null> {
    try {
      return await this.source(bot);
    } catch (err) {
      this.log?.warn({ err: String(err), bot }, 'bot ticker not computed (next interval retries)');
      return null;
    }
  }
}
