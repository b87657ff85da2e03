// Plain column-aligned tables on stdout for the list commands.
import type { CommandContext } from './command-context.ts';

export function printTable(ctx: Pick<CommandContext, 'out'>, header: string[], rows: string[][]): void {
  const table = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length)));
  for (const r of table)
    ctx.out(
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
}
