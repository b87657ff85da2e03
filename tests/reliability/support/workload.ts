// A bot and a public viewer driving a server: signals with acks, ticks that close some trades,
// manual cancels; records what was acked and what the viewer saw, for the record checks.
import type { Socket } from 'socket.io-client';
import type { DeltaJson, SignalAck, SimpleAck } from '../../../shared/protocol-types.ts';
import { connectBot, connectPublic, connected } from '../../helpers/sockets.ts';
import type { SeenByViewers } from './record-check.ts';

export const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'] as const;

/** Deterministic PRNG (the simulated market's mulberry32) so a failing run can be replayed from its seed. */
export { mulberry32 as prng } from '../../../server/feeds/prng.ts';

export function signalFor(externalId: string, rnd: () => number): Record<string, unknown> {
  const symbol = SYMBOLS[Math.floor(rnd() * SYMBOLS.length)]!;
  const long = rnd() < 0.5;
  const tpGap = 0.5 + rnd() * 4;
  const slGap = 0.5 + rnd() * 4;
  return {
    external_id: externalId,
    symbol,
    direction: long ? 'LONG' : 'SHORT',
    entry: 100,
    tp: long ? 100 + tpGap : 100 - tpGap,
    sl: long ? 100 - slGap : 100 + slGap,
  };
}

export class Workload {
  readonly seen: SeenByViewers = { acked: new Map(), closed: new Map(), opened: new Set() };
  /** external_id → signal body of every signal sent without an ok ack (lost, refused or cut off). */
  readonly unacked = new Map<string, Record<string, unknown>>();
  readonly ackedIds = new Map<string, number>();
  sent = 0;
  ticks = 0;
  cancels = 0;
  errors = new Map<string, number>();
  private bot: Socket | null = null;
  private viewer: Socket | null = null;
  private stopped = false;
  private prices = new Map<string, number>();
  private gone: Promise<null> = new Promise(() => {});

  constructor(
    private token: string,
    private rnd: () => number,
    private prefix: string,
  ) {}

  async connect(url: string): Promise<void> {
    this.stopped = false;
    this.bot = connectBot(url, this.token);
    this.viewer = connectPublic(url);
    const bot = this.bot;
    // A killed server leaves acks unanswered: stop waiting as soon as the connection drops.
    this.gone = new Promise((r) => bot.once('disconnect', () => r(null)));
    this.viewer.on('delta', (d: DeltaJson) => {
      for (const e of d.events) {
        if (e.type === 'closed') this.seen.closed.set(e.trade.id, e.trade);
        else if (e.type === 'opened') this.seen.opened.add(e.trade.id);
      }
    });
    await Promise.all([connected(this.bot), connected(this.viewer)]);
  }

  close(): void {
    this.stopped = true;
    this.bot?.close();
    this.viewer?.close();
  }

  /** One signal; true when acked ok (including a duplicate resend). */
  async signal(externalId: string, body: Record<string, unknown>, timeoutMs = 5000): Promise<SignalAck | null> {
    this.sent++;
    this.unacked.set(externalId, body);
    const ack: SignalAck | null = await Promise.race([
      this.bot!.timeout(timeoutMs)
        .emitWithAck('signal', body)
        .catch(() => null),
      this.gone,
    ]);
    if (ack?.ok) {
      const before = this.ackedIds.get(externalId);
      if (before !== undefined && before !== ack.signal_id) this.count(`signal id changed for ${externalId}`);
      this.ackedIds.set(externalId, ack.signal_id);
      this.seen.acked.set(ack.signal_id, ack.trade_id);
      this.unacked.delete(externalId);
    } else {
      this.count(ack ? ack.error.code : 'no ack');
    }
    return ack;
  }

  /** Resends every signal that never got an ok ack (after a crash or an outage). */
  async resendUnacked(): Promise<void> {
    for (const [id, body] of [...this.unacked]) await this.signal(id, body);
  }

  async tick(): Promise<void> {
    const symbol = SYMBOLS[Math.floor(this.rnd() * SYMBOLS.length)]!;
    const p = Math.max(90, Math.min(110, (this.prices.get(symbol) ?? 100) + (this.rnd() - 0.5) * 3));
    this.prices.set(symbol, p);
    this.ticks++;
    await Promise.race([
      this.gone,
      this.bot!.timeout(5000)
        .emitWithAck('prices', { ticks: [{ symbol, price: Math.round(p * 100) / 100, ts: Date.now() }] })
        .catch(() => null),
    ]);
  }

  async cancel(externalId: string): Promise<SimpleAck | null> {
    this.cancels++;
    return Promise.race([
      this.gone,
      this.bot!.timeout(5000)
        .emitWithAck('signal:cancel', { external_id: externalId })
        .catch(() => null),
    ]);
  }

  /** Runs `senders` concurrent signal loops plus a tick loop and occasional cancels until stop(). */
  async burst(senders = 8): Promise<void> {
    let n = 0;
    const loop = async () => {
      while (!this.stopped && this.bot!.connected) {
        const r = this.rnd();
        if (r < 0.1) await this.tick();
        else if (r < 0.13 && this.ackedIds.size > 0) {
          const keys = [...this.ackedIds.keys()];
          await this.cancel(keys[Math.floor(this.rnd() * keys.length)]!);
        } else {
          const id = `${this.prefix}-${n++}`;
          const ack = await this.signal(id, signalFor(id, this.rnd), 3000);
          if (!ack && !this.bot!.connected) return; // the server went away
        }
      }
    };
    await Promise.all(Array.from({ length: senders }, loop));
  }

  stop(): void {
    this.stopped = true;
  }

  private count(what: string): void {
    this.errors.set(what, (this.errors.get(what) ?? 0) + 1);
  }
}
