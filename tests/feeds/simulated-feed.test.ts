// The simulated market: a deterministic, seeded random walk around catalogue prices.
import { describe, expect, it } from 'vitest';
import { CATALOGUE_SYMBOLS, MARKET_CATALOGUE, sigmaOver } from '../../server/feeds/market-catalogue.ts';
import { SimulatedMarket } from '../../server/feeds/simulated-feed.ts';

const rounds = (seed: number, n: number) => {
  const m = new SimulatedMarket({ seed });
  return Array.from({ length: n }, () => m.nextRound());
};

describe('SimulatedMarket', () => {
  it('gives the identical price sequence for the same seed', () => {
    expect(rounds(7, 200)).toEqual(rounds(7, 200));
  });

  it('gives a different sequence for a different seed', () => {
    const a = rounds(7, 20)
      .flat()
      .map((t) => t.price);
    const b = rounds(8, 20)
      .flat()
      .map((t) => t.price);
    expect(a).not.toEqual(b);
  });

  it('ticks every catalogue symbol once per round, in catalogue order', () => {
    const [first] = rounds(1, 1);
    expect(first!.map((t) => t.symbol)).toEqual(CATALOGUE_SYMBOLS);
    expect(CATALOGUE_SYMBOLS.length).toBeGreaterThanOrEqual(20);
  });

  it('keeps prices positive and near their start over a short run (10 simulated minutes)', () => {
    const all = rounds(42, 2400); // 2400 × 250 ms = 10 wall-clock minutes
    let minPrice = Infinity;
    let maxDrift = 0;
    for (const round of all) {
      for (const t of round) {
        const start = MARKET_CATALOGUE[t.symbol as keyof typeof MARKET_CATALOGUE].price;
        minPrice = Math.min(minPrice, t.price);
        maxDrift = Math.max(maxDrift, Math.abs(Math.log(t.price / start)));
      }
    }
    expect(minPrice).toBeGreaterThan(0);
    expect(maxDrift).toBeLessThan(0.25);
  });

  it('moves each symbol by roughly its volatility per round', () => {
    const all = rounds(3, 4000);
    const btc = all.map((r) => r.find((t) => t.symbol === 'BTCUSDT')!.price);
    const rets = btc.slice(1).map((p, i) => Math.log(p / btc[i]!));
    const sd = Math.sqrt(rets.reduce((s, r) => s + r * r, 0) / rets.length);
    const expected = sigmaOver(MARKET_CATALOGUE.BTCUSDT, 250);
    expect(sd / expected).toBeGreaterThan(0.9);
    expect(sd / expected).toBeLessThan(1.1);
  });
});
