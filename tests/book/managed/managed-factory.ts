// Managed-trade fixtures for the scenario tests: a $100 trade at entry 100 unless told otherwise.
import { ManagedBook } from '../../../server/book/managed-book.ts';
import type { LegFill, ManagedTerms } from '../../../server/book/managed-types.ts';
import { equalShares } from '../../../shared/leg-math.ts';

export const FEE = 0.001;

export function managed(over: Partial<ManagedTerms> & Pick<ManagedTerms, 'targets'>): ManagedTerms {
  return {
    id: 1,
    direction: 'LONG',
    entryPrice: 100,
    quantity: 1,
    shares: equalShares(over.targets.length),
    stopLoss: over.direction === 'SHORT' ? 110 : 90,
    slMode: 'fixed',
    trailing: null,
    ...over,
  };
}

/** A book holding `terms`, and a `tick(price)` that returns that tick's fills (ts increasing). */
export function bookWith(...terms: ManagedTerms[]) {
  const book = new ManagedBook(FEE);
  for (const t of terms) book.add('BTCUSDT', t);
  let ts = 0;
  const tick = (price: number): LegFill[] => {
    const out: LegFill[] = [];
    book.tick('BTCUSDT', price, ++ts, out);
    return out;
  };
  return { book, tick };
}

export const kinds = (fills: LegFill[]) => fills.map((f) => `${f.kind}@${f.price}×${f.quantity}`);
