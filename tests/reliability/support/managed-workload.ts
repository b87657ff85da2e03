// A bot that opens managed trades (SPEC §9: 3–5 targets, mixed stop modes, trailing stops, LONG and
// SHORT) and walks their prices in small steps so legs fill over many ticks, plus a public viewer
// that records every leg it is shown in an `updated` or `closed` trade, for leg-record-check.ts.
// The walk survives a crash: `drive` stops when the server goes away and resumes where it was.
import type { Socket } from 'socket.io-client';
import type { DeltaJson, LegJson, SignalAck, TradeJson } from '../../../shared/protocol-types.ts';
import { connectBot, connectPublic, connected } from '../../helpers/sockets.ts';
import type { ExpectedTrade, SeenLegs } from './leg-record-check.ts';

export const LEG_SYMBOLS = { BTCUSDT: 500, ETHUSDT: 200, SOLUSDT: 40 } as const;
type Sym = keyof typeof LEG_SYMBOLS;
const SYMS = Object.keys(LEG_SYMBOLS) as Sym[];
const SL_MODES = ['fixed', 'breakeven', 'moving_target'] as const;

const cents = (x: number): number => Math.round(x * 100) / 100;
const sameLeg = (a: LegJson, b: LegJson): boolean =>
  a.price === b.price && a.quantity === b.quantity && a.fees === b.fees && a.profit_loss === b.profit_loss && a.time === b.time;

/** A managed signal around `entry` (its levels in cents, strictly away from entry). */
export function managedSignalFor(externalId: string, symbol: Sym, entry: number, rnd: () => number): Record<string, unknown> {
  const dir = rnd() < 0.5 ? 1 : -1;
  const n = 3 + Math.floor(rnd() * 3);
  const gap = 0.004 + rnd() * 0.005;
  const tp = Array.from({ length: n }, (_, i) => cents(entry * (1 + dir * gap * (i + 1))));
  const body: Record<string, unknown> = {
    external_id: externalId,
    symbol,
    direction: dir === 1 ? 'LONG' : 'SHORT',
    entry,
    tp,
    sl: cents(entry * (1 - dir * (0.03 + rnd() * 0.015))),
    sl_mode: SL_MODES[Math.floor(rnd() * SL_MODES.length)],
  };
  if (rnd() < 0.5) {
    const w = Array.from({ length: n }, () => 1 + Math.floor(rnd() * 4));
    const total = w.reduce((a, b) => a + b, 0);
    body.tp_allocation = w.map((x) => x / total);
  }
  if (rnd() < 0.4) {
    body.trailing_stop = {
      callback_rate: Math.round((0.004 + rnd() * 0.012) * 1e4) / 1e4,
      ...(rnd() < 0.5 ? { activation_price: cents(entry * (1 + (dir * gap) / 2)) } : {}),
    };
  }
  return body;
}

export class ManagedWorkload {
  readonly seen: SeenLegs = { legs: new Map(), closed: new Map(), problems: [] };
  /** Every acked trade id with its number of targets. */
  readonly trades = new Map<number, ExpectedTrade>();
  /** The current iteration's trades: symbol, and the external id a cancel names. */
  readonly current = new Map<number, { symbol: Sym; externalId: string }>();
  ticks = 0;
  cancels = 0;
  updatesSeen = 0;
  private bot: Socket | null = null;
  private viewer: Socket | null = null;
  private gone: Promise<null> = new Promise(() => {});
  private readonly price = new Map<Sym, number>();
  private path: Array<{ symbol: Sym; price: number }> = [];
  private at = 0;
  private cancelAt = -1;
  private ts = Date.now();

  constructor(
    private readonly token: string,
    private readonly rnd: () => number,
    private readonly prefix: string,
  ) {}

  async connect(url: string): Promise<void> {
    this.bot = connectBot(url, this.token);
    this.viewer = connectPublic(url);
    const bot = this.bot;
    this.gone = new Promise((r) => bot.once('disconnect', () => r(null)));
    this.viewer.on('delta', (d: DeltaJson) => {
      for (const e of d.events)
        if (e.type === 'updated' || e.type === 'closed') this.record(e.type, e.trade.id, e.trade.legs, e.type === 'closed' ? e.trade : null);
    });
    await Promise.all([connected(this.bot), connected(this.viewer)]);
  }

  close(): void {
    this.bot?.close();
    this.viewer?.close();
  }

  get up(): boolean {
    return this.bot?.connected === true;
  }

  /** Opens `count` managed trades at the symbols' current prices and plans their walk. */
  async open(iteration: number, count: number): Promise<void> {
    this.current.clear();
    for (const s of SYMS) this.price.set(s, LEG_SYMBOLS[s] * (0.9 + this.rnd() * 0.2));
    for (let i = 0; i < count; i++) {
      const symbol = SYMS[i % SYMS.length]!;
      const body = managedSignalFor(`${this.prefix}-${iteration}-${i}`, symbol, cents(this.price.get(symbol)!), this.rnd);
      const ack = (await this.bot!.timeout(5000).emitWithAck('signal', body)) as SignalAck;
      if (!ack.ok || ack.trade_id === null) throw new Error(`signal refused: ${JSON.stringify(ack)} for ${JSON.stringify(body)}`);
      this.trades.set(ack.trade_id, { targets: body.tp as number[] });
      this.current.set(ack.trade_id, { symbol, externalId: body.external_id as string });
    }
    this.planWalk();
    // Now and then one trade is cancelled mid-walk (a MANUAL leg for its remainder), racing the kill.
    this.cancelAt = this.rnd() < 0.6 ? Math.floor(this.rnd() * this.path.length) : -1;
  }

  /** Pushes the planned ticks from where the walk stands until it ends or the server goes away. */
  async drive(pauseMs: number): Promise<void> {
    while (this.at < this.path.length && this.up) {
      const { symbol, price } = this.path[this.at]!;
      const ok = await this.tick(symbol, price);
      if (!ok) return; // cut off: this tick is pushed again after the restart
      if (this.at === this.cancelAt) void this.cancelOne();
      this.at++;
      if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs * (0.5 + this.rnd())));
    }
  }

  get walkLength(): number {
    return this.path.length;
  }

  /**
   * Walks every symbol with a trade still open far in one direction in 1 % steps: past every
   * target of its LONGs and every stop of its SHORTs (or the reverse), so everything closes.
   */
  async sweep(stillOpen: ReadonlySet<number>): Promise<void> {
    const symbols = new Set([...this.current].filter(([id]) => stillOpen.has(id)).map(([, t]) => t.symbol));
    for (const symbol of symbols) {
      const dir = this.rnd() < 0.5 ? 1 : -1;
      let p = this.price.get(symbol)!;
      for (let i = 0; i < 45; i++) {
        p *= 1 + dir * 0.01;
        if (!(await this.tick(symbol, cents(p)))) throw new Error('server went away during the sweep');
      }
      this.price.set(symbol, p);
    }
  }

  /** Cancels one of the iteration's trades; its ack (after commit) may be cut off by the kill. */
  private async cancelOne(): Promise<void> {
    const all = [...this.current.values()];
    const t = all[Math.floor(this.rnd() * all.length)]!;
    this.cancels++;
    await Promise.race([
      this.gone,
      this.bot!.timeout(5000)
        .emitWithAck('signal:cancel', { external_id: t.externalId })
        .catch(() => null),
    ]);
  }

  private planWalk(): void {
    this.path = [];
    this.at = 0;
    const walks = SYMS.map((symbol) => {
      const steps: number[] = [];
      const start = this.price.get(symbol)!;
      let p = start;
      for (let seg = 0; seg < 5; seg++) {
        let drift = this.rnd() < 0.5 ? 1 : -1;
        const len = 6 + Math.floor(this.rnd() * 10);
        for (let i = 0; i < len; i++) {
          // Swings within ±2.8 % of the entries: targets fill on both sides and trades stay partly
          // filled for most of the walk (stops start beyond 3 %; moved and trailing ones close some).
          if (Math.abs(p / start - 1) > 0.028) drift = p > start ? -1 : 1;
          p *= 1 + drift * (0.001 + this.rnd() * 0.003) + (this.rnd() - 0.5) * 0.001;
          steps.push(cents(p));
        }
      }
      this.price.set(symbol, p);
      return { symbol, steps };
    });
    // Interleaved at random, each symbol's steps in order.
    const idx = walks.map(() => 0);
    for (;;) {
      const live = walks.map((w, i) => i).filter((i) => idx[i]! < walks[i]!.steps.length);
      if (live.length === 0) break;
      const i = live[Math.floor(this.rnd() * live.length)]!;
      this.path.push({ symbol: walks[i]!.symbol, price: walks[i]!.steps[idx[i]!++]! });
    }
  }

  private async tick(symbol: Sym, price: number): Promise<boolean> {
    // Strictly increasing across restarts (an older tick is ignored, SPEC §2), never ahead of the server clock.
    this.ts = Math.max(this.ts + 1, Date.now());
    this.ticks++;
    const ack = await Promise.race([
      this.gone,
      this.bot!.timeout(5000)
        .emitWithAck('prices', { ticks: [{ symbol, price, ts: this.ts }] })
        .catch(() => null),
    ]);
    return ack !== null && (ack as { ok: boolean }).ok;
  }

  private record(type: string, id: number, legs: readonly LegJson[], closed: TradeJson | null): void {
    if (type === 'updated') this.updatesSeen++;
    let byKind = this.seen.legs.get(id);
    if (!byKind) this.seen.legs.set(id, (byKind = new Map()));
    for (const l of legs) {
      const before = byKind.get(l.kind);
      if (!before) byKind.set(l.kind, l);
      else if (!sameLeg(before, l)) this.seen.problems.push(`trade ${id} ${l.kind} shown as ${JSON.stringify(before)} then ${JSON.stringify(l)}`);
    }
    if (closed) {
      const before = this.seen.closed.get(id);
      if (before && (before.status !== closed.status || before.profit_loss !== closed.profit_loss)) {
        this.seen.problems.push(`trade ${id} shown closed twice: ${before.status} ${before.profit_loss}, then ${closed.status} ${closed.profit_loss}`);
      }
      this.seen.closed.set(id, closed);
    } else if (this.seen.closed.has(id)) this.seen.problems.push(`trade ${id} shown as updated after its close`);
  }
}
