// Numbers as the page and the notifications show them: one rule for a price's decimals, chosen once
// from a reference (the trade's entry) so every level of one trade lines up and a row never
// jitters, and fixed-decimals formatting with one cached ICU formatter per width.

export function priceDecimals(reference: number): number {
  const a = Math.abs(reference);
  if (a >= 1000) return 2;
  if (a >= 10) return 3;
  if (a >= 1) return 4;
  if (a >= 0.01) return 5;
  return 8;
}

// `toLocaleString` with options builds a new ICU formatter on every call (~20 µs), which made
// formatting the open-positions table most of a price batch's frame.
const formatters = new Map<number, Intl.NumberFormat>();

/** |v| with exactly `decimals` decimals and thousands separators ("1,234.50"); the sign is the caller's. */
export function fixedDecimals(v: number, decimals: number): string {
  let f = formatters.get(decimals);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    formatters.set(decimals, f);
  }
  return f.format(Math.abs(v));
}
