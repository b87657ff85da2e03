// Baseline for P6 in its own process: the open trades loaded as MikroORM entities (a fresh fork per
// page of 10,000, keyset on id) and added to the same OpenBook. Argv: database URL, row limit
// (it is slow: the bench loads a sample and scales the time).
import { OpenBook } from '../../server/book/open-book.ts';
import { initOrm } from '../../server/persistence/orm.ts';
import { PaperTradeSchema } from '../../server/persistence/entities/index.ts';
import { peakRss } from './child.ts';

async function main(): Promise<void> {
  const t0 = performance.now();
  const orm = await initOrm(process.argv[2]!);
  const book = new OpenBook({ feeRate: 0.001 });
  const limit = Number(process.argv[3] ?? Infinity);
  let lastId = 0;
  while (book.size < limit) {
    const em = orm.em.fork();
    const page = await em.find(PaperTradeSchema, { status: { $in: ['OPEN', 'PENDING'] }, id: { $gt: lastId } }, { orderBy: { id: 'asc' }, limit: 10_000 });
    for (const t of page) {
      book.add({
        id: t.id,
        userId: t.user ? t.user.id : null,
        signalId: t.signal ? t.signal.id : null,
        symbol: t.symbol,
        direction: t.direction,
        entryPrice: t.entryPrice,
        quantity: t.quantity,
        positionSize: t.positionSize,
        takeProfit: t.takeProfit,
        stopLoss: t.stopLoss,
        openedAt: t.entryTime.getTime(),
      });
    }
    if (page.length < 10_000) break;
    lastId = page[page.length - 1]!.id;
  }
  const ms = performance.now() - t0;
  await orm.close(true);
  process.send?.({ type: 'ready', startMs: ms, peakRss: peakRss(), loaded: book.size });
}

main().catch((err: unknown) => {
  process.send?.({ type: 'error', message: String(err) });
  process.exit(1);
});
