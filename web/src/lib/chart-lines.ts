// The price lines the position chart draws for a trade: entry, every target (filled ones dimmed and
// dashed, "TP1 ✓") and the stop in force. Options in lightweight-charts' own shape, keyed by `id`.
import { LineStyle, type CreatePriceLineOptions } from 'lightweight-charts';
import type { TradeJson } from '../../../shared/protocol-types.ts';
import { COLORS } from './chart-theme.ts';
import { stopInForce, stopTitle, targetTitle } from './trade-plan.ts';

/** A price line with the `id` and `title` the chart's legend reads back. */
export type TradeLine = CreatePriceLineOptions & { id: string; title: string };

export function tradeLines(t: TradeJson): TradeLine[] {
  const lines: TradeLine[] = [
    { id: 'entry', price: t.entry_price, color: COLORS.entry, lineStyle: LineStyle.Dashed, lineWidth: 1, title: 'Entry', axisLabelVisible: true },
  ];
  t.targets.forEach((target, i) => {
    const filled = target.filled_at !== null;
    lines.push({
      id: `tp${i + 1}`,
      price: target.level,
      color: filled ? COLORS.upFilled : COLORS.up,
      lineStyle: filled ? LineStyle.Dashed : LineStyle.Solid,
      lineWidth: 1,
      title: targetTitle(i, t.targets.length, filled),
      // Filled levels stay on the chart but leave the price axis to what can still happen.
      axisLabelVisible: !filled,
    });
  });
  const stop = stopInForce(t);
  lines.push({
    id: 'sl',
    price: stop.price,
    color: COLORS.down,
    lineStyle: stop.kind === 'trailing' ? LineStyle.LargeDashed : LineStyle.Solid,
    lineWidth: stop.kind === 'initial' ? 1 : 2,
    title: stopTitle(stop.kind),
    axisLabelVisible: true,
  });
  return lines;
}
