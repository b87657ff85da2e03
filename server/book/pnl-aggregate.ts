// Running sums over a symbol's open system trades, so their unrealised P/L at any price is O(1) (every
// tick revalues it, benchmark P1):
// UPL(p) = p·Σdir·q − Σdir·q·e − fee·(Σq·e + p·Σq)  (SPEC §2: exit fee included).

export class PnlAggregate {
  count = 0;
  sumDirQ = 0;
  sumDirQE = 0;
  sumQE = 0;
  sumQ = 0;

  add(dir: number, quantity: number, entry: number): void {
    this.count++;
    this.sumDirQ += dir * quantity;
    this.sumDirQE += dir * quantity * entry;
    this.sumQE += quantity * entry;
    this.sumQ += quantity;
  }

  remove(dir: number, quantity: number, entry: number): void {
    if (--this.count === 0) {
      // Reset exactly: no floating residue left behind by add/remove pairs.
      this.sumDirQ = this.sumDirQE = this.sumQE = this.sumQ = 0;
      return;
    }
    this.sumDirQ -= dir * quantity;
    this.sumDirQE -= dir * quantity * entry;
    this.sumQE -= quantity * entry;
    this.sumQ -= quantity;
  }

  /** Unrealised P/L at `price`; with no price yet every trade is valued at its own entry. */
  valueAt(price: number | undefined, feeRate: number): number {
    if (this.count === 0) return 0;
    if (price === undefined) return -2 * feeRate * this.sumQE;
    return price * this.sumDirQ - this.sumDirQE - feeRate * (this.sumQE + price * this.sumQ);
  }
}
