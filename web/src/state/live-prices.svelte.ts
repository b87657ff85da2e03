// The page's copy of the stream's prices, with one signal per symbol: what shows one symbol (a table
// row) re-runs only when that symbol's price changes; what reads them all re-runs once per batch.
import type { PriceState } from '../../../shared/stream-client.ts';

class PriceCell {
  value: PriceState | undefined = $state.raw();

  constructor(value: PriceState) {
    this.value = value;
  }
}

export class LivePrices {
  // Cells are created in `sync` only, never while a reader runs (Svelte does not track a signal
  // created by the reaction that reads it).
  // Plain maps on purpose: each cell holds its own $state and #version signals whole-map readers,
  // so a reactive map would track every symbol for a reader of one.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- see above
  readonly #cells = new Map<string, PriceCell>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- see above
  readonly #plain = new Map<string, PriceState>();
  /** Bumped once per batch that changed anything, and when symbols appear or go. */
  #version = $state(0);

  /** One symbol's price; tracks only that symbol once it has one. */
  get(symbol: string): PriceState | undefined {
    const cell = this.#cells.get(symbol);
    if (cell) return cell.value;
    void this.#version;
    return undefined;
  }

  /** Every price (one map, updated in place); tracks every batch. */
  get all(): ReadonlyMap<string, PriceState> {
    void this.#version;
    return this.#plain;
  }

  /**
   * Copies from the stream client's prices the given symbols, or with `null` (a snapshot) all of
   * them, dropping the symbols `from` no longer has. Unchanged prices write nothing.
   */
  sync(from: ReadonlyMap<string, PriceState>, symbols: Iterable<string> | null): void {
    let changed = false;
    if (symbols === null) {
      for (const symbol of [...this.#plain.keys()]) {
        if (from.has(symbol)) continue;
        this.#plain.delete(symbol);
        this.#cells.get(symbol)!.value = undefined;
        this.#cells.delete(symbol);
        changed = true;
      }
    }
    for (const symbol of symbols ?? from.keys()) {
      const p = from.get(symbol);
      if (p && this.#set(symbol, p)) changed = true;
    }
    if (changed) this.#version++;
  }

  #set(symbol: string, p: PriceState): boolean {
    const old = this.#plain.get(symbol);
    if (old && Object.is(old.price, p.price) && old.ts === p.ts && old.stale === p.stale) return false;
    // A copy: the client updates its own objects in place (stale flags).
    const copy = { ...p };
    this.#plain.set(symbol, copy);
    const cell = this.#cells.get(symbol);
    if (cell) cell.value = copy;
    else this.#cells.set(symbol, new PriceCell(copy));
    return true;
  }
}
