// Managed trades (several targets, managed or trailing stops: SPEC §9) of every symbol, by id.
// Pure like open-book.ts: prices and times in, leg fills out. A symbol's LONG and SHORT trades are
// two ManagedSides, each O(log n + k) per tick for the k levels crossed.
import { IdIndex } from './id-index.ts';
import { ManagedSide, type ManagedTrade } from './managed-side.ts';
import type { LegFill, ManagedProgress, ManagedState, ManagedTerms, TrailingTerms } from './managed-types.ts';

interface SymbolSides {
  /** Its number: its LONG side is side 2·n, its SHORT side 2·n + 1. */
  n: number;
  long: ManagedSide;
  short: ManagedSide;
  ts: number;
  price: number | undefined;
  /** A tick strictly between lo and hi has no work on either side (gates of both sides in price space). */
  lo: number;
  hi: number;
}

interface Held {
  s: SymbolSides;
  side: ManagedSide;
  trade: ManagedTrade;
}

/**
 * A trade's place as one IdIndex slot: side number × SIDE_SPAN + record offset. Why (P2.legs): a
 * Map of Held objects cost ~15 % of a leg fill in its deletes alone; the IdIndex is one cache line
 * per lookup or delete, and nothing per trade on the heap (P7.managed).
 */
const SIDE_SPAN = 2 ** 32;

export type ManagedUpdate = Parameters<ManagedSide['update']>[1] & { trailing?: TrailingTerms | null };

export class ManagedBook {
  private readonly symbols = new Map<string, SymbolSides>();
  private readonly bySide: SymbolSides[] = [];
  private readonly slots = new IdIndex();

  constructor(private readonly feeRate: number) {}

  get size(): number {
    return this.slots.size;
  }

  has(id: number): boolean {
    return this.slots.has(id);
  }

  /** Adds an open trade; false if its id is already open. Evaluated from the next tick on. */
  add(symbol: string, terms: ManagedTerms, progress?: ManagedProgress): boolean {
    if (this.slots.has(terms.id)) return false;
    const s = this.sides(symbol);
    const long = terms.direction === 'LONG';
    const b = (long ? s.long : s.short).add(terms, progress);
    if (b >= SIDE_SPAN) throw new RangeError('managed side full');
    this.slots.set(terms.id, (2 * s.n + (long ? 0 : 1)) * SIDE_SPAN + b);
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
      if (f.final) this.slots.delete(f.id);
    }
    return true;
  }

  /** Closes what is left of a trade (manual close, expiry); null if not open. */
  close(id: number, kind: 'MANUAL' | 'EXPIRED', price: number, ts: number): LegFill | null {
    const held = this.held(id);
    if (held === undefined) return null;
    const out: LegFill[] = [];
    held.side.close(held.trade, kind, price, ts, out);
    this.slots.delete(id);
    gate(held.s);
    return out[0] ?? null;
  }

  update(id: number, change: ManagedUpdate): boolean {
    const held = this.held(id);
    if (held === undefined) return false;
    held.side.update(held.trade, change, held.s.price);
    gate(held.s);
    return true;
  }

  state(id: number): ManagedState | undefined {
    const held = this.held(id);
    return held === undefined ? undefined : held.side.state(held.trade);
  }

  terms(id: number): ManagedTerms | undefined {
    const held = this.held(id);
    return held === undefined ? undefined : held.side.terms(held.trade);
  }

  private held(id: number): Held | undefined {
    const slot = this.slots.get(id);
    if (slot < 0) return undefined;
    const side = Math.floor(slot / SIDE_SPAN);
    const s = this.bySide[side >> 1] as SymbolSides;
    return { s, side: (side & 1) === 0 ? s.long : s.short, trade: slot - side * SIDE_SPAN };
  }

  private sides(symbol: string): SymbolSides {
    let s = this.symbols.get(symbol);
    if (s === undefined) {
      s = {
        n: this.bySide.length,
        long: new ManagedSide('LONG', this.feeRate),
        short: new ManagedSide('SHORT', this.feeRate),
        ts: -Infinity,
        price: undefined,
        lo: Infinity,
        hi: -Infinity,
      };
      this.symbols.set(symbol, s);
      this.bySide.push(s);
    }
    return s;
  }
}

/** Recomputes a symbol's quiet band from its sides' gates (SHORT's x is −price). */
function gate(s: SymbolSides): void {
  s.hi = Math.min(s.long.upGate(), -s.short.downGate());
  s.lo = Math.max(s.long.downGate(), -s.short.upGate());
}
