// Managed trades (several targets, managed or trailing stops: SPEC §9) of every symbol, by id.
// Pure like open-book.ts: prices and times in, leg fills out. A symbol's LONG and SHORT trades are
// two ManagedSides, each O(log n + k) per tick for the k levels crossed.
import type { Direction } from '../../shared/constants.ts';
import { ManagedSide, type ManagedTrade } from './managed-side.ts';
import type { LegFill, ManagedProgress, ManagedState, ManagedTerms, TrailingTerms } from './managed-types.ts';

interface SymbolSides {
  long: ManagedSide;
  short: ManagedSide;
  ts: number;
  price: number | undefined;
  /** A tick strictly between lo and hi has no work on either side (gates of both sides in price space). */
  lo: number;
  hi: number;
}

interface Held {
  side: ManagedSide;
  trade: ManagedTrade;
  symbol: string;
}

export type ManagedUpdate = Parameters<ManagedSide['update']>[1] & { trailing?: TrailingTerms | null };

export class ManagedBook {
  private readonly symbols = new Map<string, SymbolSides>();
  private readonly byId = new Map<number, Held>();

  constructor(private readonly feeRate: number) {}

  get size(): number {
    return this.byId.size;
  }

  has(id: number): boolean {
    return this.byId.has(id);
  }

  /** Adds an open trade; false if its id is already open. Evaluated from the next tick on. */
  add(symbol: string, terms: ManagedTerms, progress?: ManagedProgress): boolean {
    if (this.byId.has(terms.id)) return false;
    const s = this.sides(symbol);
    const side = this.sideOf(s, terms.direction);
    this.byId.set(terms.id, { side, trade: side.add(terms, progress), symbol });
    gate(s);
    return true;
  }

  /** Applies a tick; fills are appended to `out` (targets in order, then stops). False if older than the symbol's last tick. */
  tick(symbol: string, price: number, ts: number, out: LegFill[]): boolean {
    const s = this.symbols.get(symbol);
    if (s === undefined) return true;
    if (!(ts >= s.ts)) return false;
    s.ts = ts;
    s.price = price;
    if (price > s.lo && price < s.hi) return true;
    const from = out.length;
    s.long.tick(price, ts, out);
    s.short.tick(price, ts, out);
    gate(s);
    for (let i = from; i < out.length; i++) {
      const f = out[i] as LegFill;
      if (f.final) this.byId.delete(f.id);
    }
    return true;
  }

  /** Closes what is left of a trade (manual close, expiry); null if not open. */
  close(id: number, kind: 'MANUAL' | 'EXPIRED', price: number, ts: number): LegFill | null {
    const held = this.byId.get(id);
    if (held === undefined) return null;
    const out: LegFill[] = [];
    held.side.close(held.trade, kind, price, ts, out);
    this.byId.delete(id);
    gate(this.sides(held.symbol));
    return out[0] ?? null;
  }

  update(id: number, change: ManagedUpdate): boolean {
    const held = this.byId.get(id);
    if (held === undefined) return false;
    const s = this.sides(held.symbol);
    held.side.update(held.trade, change, s.price);
    gate(s);
    return true;
  }

  state(id: number): ManagedState | undefined {
    const held = this.byId.get(id);
    return held === undefined ? undefined : held.side.state(held.trade);
  }

  terms(id: number): ManagedTerms | undefined {
    const held = this.byId.get(id);
    return held === undefined ? undefined : held.side.terms(held.trade);
  }

  private sides(symbol: string): SymbolSides {
    let s = this.symbols.get(symbol);
    if (s === undefined) {
      s = {
        long: new ManagedSide('LONG', this.feeRate),
        short: new ManagedSide('SHORT', this.feeRate),
        ts: -Infinity,
        price: undefined,
        lo: Infinity,
        hi: -Infinity,
      };
      this.symbols.set(symbol, s);
    }
    return s;
  }

  private sideOf(s: SymbolSides, direction: Direction): ManagedSide {
    return direction === 'LONG' ? s.long : s.short;
  }
}

/** Recomputes a symbol's quiet band from its sides' gates (SHORT's x is −price). */
function gate(s: SymbolSides): void {
  s.hi = Math.min(s.long.upGate(), -s.short.downGate());
  s.lo = Math.max(s.long.downGate(), -s.short.upGate());
}
