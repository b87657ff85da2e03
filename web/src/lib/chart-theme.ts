// Shared lightweight-charts options. TradingView's attribution logo stays on (licence).
import { ColorType, type ChartOptions, type DeepPartial } from 'lightweight-charts';

export const chartOptions: DeepPartial<ChartOptions> = {
  autoSize: true,
  layout: {
    attributionLogo: true,
    background: { type: ColorType.Solid, color: 'transparent' },
    textColor: '#9aa4b2',
    fontSize: 11,
  },
  grid: { vertLines: { color: 'rgba(154,164,178,0.08)' }, horzLines: { color: 'rgba(154,164,178,0.08)' } },
  rightPriceScale: { borderVisible: false },
  timeScale: { borderVisible: false, timeVisible: true, secondsVisible: false },
  crosshair: { mode: 0 },
};

export const COLORS = {
  up: '#22c55e',
  /** A target already filled: the same green, faded. */
  upFilled: 'rgba(34, 197, 94, 0.4)',
  down: '#f75a74',
  line: '#60a5fa',
  entry: '#9aa4b2',
} as const;
