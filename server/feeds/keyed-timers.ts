// Named one-shot timers over the injectable `Timers`: setting a name replaces its previous timer,
// so a connection cannot leak or double-arm its reconnect, pump, lifetime or watchdog timers.
import type { Timers } from './timers.ts';

export class KeyedTimers<K extends string> {
  private readonly handles = new Map<K, unknown>();

  constructor(private readonly timers: Timers) {}

  set(key: K, fn: () => void, ms: number): void {
    this.clear(key);
    this.handles.set(
      key,
      this.timers.setTimeout(() => {
        this.handles.delete(key);
        fn();
      }, ms),
    );
  }

  has(key: K): boolean {
    return this.handles.has(key);
  }

  clear(...keys: K[]): void {
    for (const key of keys) {
      const h = this.handles.get(key);
      if (h !== undefined) this.timers.clearTimeout(h);
      this.handles.delete(key);
    }
  }

  clearAll(): void {
    this.clear(...this.handles.keys());
  }
}
