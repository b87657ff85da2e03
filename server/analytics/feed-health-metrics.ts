// Feed health as labelled Prometheus gauges, refreshed at each scrape. Only symbols with open
// system trades are labelled (docs/privacy-wall.md: a symbol only users hold must not show).
import { Gauge, type Registry } from 'prom-client';
import type { FeedHealthRow } from './feed-health.ts';

export function feedHealthGauges(registry: Registry): (rows: readonly FeedHealthRow[]) => void {
  const labelNames = ['symbol'] as const;
  const age = new Gauge({ name: 'paperbook_feed_symbol_age_seconds', help: "Seconds since the symbol's last tick", labelNames, registers: [registry] });
  const rate = new Gauge({ name: 'paperbook_feed_symbol_ticks_per_second', help: 'Ticks per second over the last 10 s', labelNames, registers: [registry] });
  const stale = new Gauge({
    name: 'paperbook_feed_symbol_stale',
    help: '1 when the symbol has had no tick for PRICE_STALE_MS',
    labelNames,
    registers: [registry],
  });
  return (rows) => {
    age.reset();
    rate.reset();
    stale.reset();
    for (const r of rows) {
      age.set({ symbol: r.symbol }, r.age_ms / 1000);
      rate.set({ symbol: r.symbol }, r.ticks_per_second);
      stale.set({ symbol: r.symbol }, r.stale ? 1 : 0);
    }
  };
}
