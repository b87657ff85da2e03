// Signals may carry `expires_at`: their trade is CLOSED_EXPIRED (open) or CANCELLED (pending) then.
// A binary min-heap of (expiresAt, tradeId); the engine pops what is due on a timer.
export class ExpirySchedule {
  private times: number[] = [];
  private ids: number[] = [];

  get size(): number {
    return this.times.length;
  }

  add(tradeId: number, expiresAt: number): void {
    let i = this.times.length;
    this.times.push(expiresAt);
    this.ids.push(tradeId);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.times[parent]! <= expiresAt) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Trade ids whose expiry is ≤ now, earliest first. Ids of trades already gone are the caller's to skip. */
  due(now: number): number[] {
    const out: number[] = [];
    while (this.times.length > 0 && this.times[0]! <= now) out.push(this.pop());
    return out;
  }

  private pop(): number {
    const id = this.ids[0]!;
    const lastT = this.times.pop()!;
    const lastId = this.ids.pop()!;
    if (this.times.length > 0) {
      this.times[0] = lastT;
      this.ids[0] = lastId;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.times.length && this.times[l]! < this.times[m]!) m = l;
        if (r < this.times.length && this.times[r]! < this.times[m]!) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return id;
  }

  private swap(a: number, b: number): void {
    [this.times[a], this.times[b]] = [this.times[b]!, this.times[a]!];
    [this.ids[a], this.ids[b]] = [this.ids[b]!, this.ids[a]!];
  }
}
