// The "no leg doubled, no announced leg lost" invariants (SPEC §9 legs under kill -9), checked in
// the database a server runs on: each (trade, kind) once with seq 1..n, every leg a viewer saw is
// stored as seen, a closed trade is the sum of its legs with the status its last leg decides, TP
// legs in target order, and the open-positions REST shows each open trade with the stored legs.
// Money is compared in integer 1e-8 units parsed from PostgreSQL's NUMERIC text, never as floats.
import type { Knex } from 'knex';
import type { LegJson, TradeJson } from '../../../shared/protocol-types.ts';

/** What the viewers saw, by trade id: each leg by kind (first sight), and the closes. */
export interface SeenLegs {
  legs: Map<number, Map<string, LegJson>>;
  closed: Map<number, TradeJson>;
  /** Viewer-side contradictions (a leg shown twice with different values, a closed trade shown as open). */
  problems: string[];
}

/** Terms the test gave each trade (the database's `targets` jsonb is the server's business). */
export interface ExpectedTrade {
  /** The signal's target levels, in order. */
  targets: readonly number[];
}

export interface LegCheck {
  problems: string[];
  trades: number;
  closed: number;
  legs: number;
  /** Open trades with at least one leg filled. */
  partlyFilled: number;
  /** Closed trades by their last leg's kind. */
  exits: Record<string, number>;
}

interface DbLeg {
  seq: number;
  kind: string;
  price: bigint;
  quantity: bigint;
  fees: bigint;
  profitLoss: bigint;
  time: number;
}

interface DbTrade {
  id: number;
  status: string;
  quantity: bigint;
  fees: bigint | null;
  profitLoss: bigint | null;
  exitPrice: bigint | null;
  exitReason: string | null;
  remaining: bigint | null;
  realized: bigint;
  legs: DbLeg[];
}

/** A NUMERIC's text (or a value already rounded to 8 decimals) as an exact count of 1e-8 units. */
export function units(v: unknown): bigint {
  if (typeof v === 'number') return BigInt(Math.round(v * 1e8));
  const s = String(v);
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(s);
  if (!m) throw new Error(`not a decimal: ${s}`);
  const frac = (m[3] ?? '').padEnd(8, '0');
  if (/[1-9]/.test(frac.slice(8))) throw new Error(`more than 8 decimals: ${s}`);
  const u = BigInt(m[2]!) * 100_000_000n + BigInt(frac.slice(0, 8));
  return m[1] ? -u : u;
}

const fmt = (u: bigint | null): string => {
  if (u === null) return 'null';
  const neg = u < 0n;
  const a = neg ? -u : u;
  return `${neg ? '-' : ''}${a / 100_000_000n}.${(a % 100_000_000n).toString().padStart(8, '0')}`;
};
const sum = (xs: bigint[]): bigint => xs.reduce((a, b) => a + b, 0n);
const orNull = (v: unknown): bigint | null => (v === null || v === undefined ? null : units(v));

/** SPEC §9: the last leg decides the status. */
export function statusOfKind(kind: string): string {
  if (kind === 'MANUAL') return 'CLOSED_MANUAL';
  if (kind === 'EXPIRED') return 'CLOSED_EXPIRED';
  return kind === 'SL' || kind === 'TRAILING' ? 'CLOSED_SL' : 'CLOSED_TP';
}

async function readTrades(k: Knex, ids: readonly number[]): Promise<Map<number, DbTrade>> {
  const out = new Map<number, DbTrade>();
  if (ids.length === 0) return out;
  const trades = await k.raw(
    `select id, status, quantity, fees, profit_loss, exit_price, exit_reason, remaining_quantity, realized_profit_loss
       from paper_trades where id = any(?::bigint[]) order by id`,
    [[...ids]],
  );
  for (const r of trades.rows as Array<Record<string, unknown>>) {
    out.set(Number(r.id), {
      id: Number(r.id),
      status: String(r.status),
      quantity: units(r.quantity),
      fees: orNull(r.fees),
      profitLoss: orNull(r.profit_loss),
      exitPrice: orNull(r.exit_price),
      exitReason: r.exit_reason === null ? null : String(r.exit_reason),
      remaining: orNull(r.remaining_quantity),
      realized: units(r.realized_profit_loss),
      legs: [],
    });
  }
  const legs = await k.raw(
    `select trade_id, seq, kind, price, quantity, fees, profit_loss, time from paper_trade_legs where trade_id = any(?::bigint[]) order by trade_id, seq`,
    [[...ids]],
  );
  for (const r of legs.rows as Array<Record<string, unknown>>) {
    out.get(Number(r.trade_id))?.legs.push({
      seq: Number(r.seq),
      kind: String(r.kind),
      price: units(r.price),
      quantity: units(r.quantity),
      fees: units(r.fees),
      profitLoss: units(r.profit_loss),
      time: new Date(r.time as string).getTime(),
    });
  }
  return out;
}

/** Invariants 1 and 4 (and the trade row's running sums) for one trade's stored legs. */
function checkLegList(t: DbTrade, expected: ExpectedTrade, problems: string[]): void {
  const kinds = t.legs.map((l) => l.kind);
  if (new Set(kinds).size !== kinds.length) problems.push(`trade ${t.id}: a leg kind stored twice (${kinds.join(',')})`);
  t.legs.forEach((l, i) => {
    if (l.seq !== i + 1) problems.push(`trade ${t.id}: legs' seq ${t.legs.map((x) => x.seq).join(',')} is not 1..${t.legs.length}`);
  });
  // TP1, TP2, … in target order, then at most one stop/manual/expiry leg, which is the last.
  let tp = 0;
  t.legs.forEach((l, i) => {
    if (l.kind.startsWith('TP')) {
      if (l.kind !== `TP${tp + 1}`) problems.push(`trade ${t.id}: ${l.kind} after ${tp === 0 ? 'no TP' : `TP${tp}`} (${kinds.join(',')})`);
      tp = Number(l.kind.slice(2));
      const level = expected.targets[tp - 1];
      if (level === undefined) problems.push(`trade ${t.id}: ${l.kind} of ${expected.targets.length} targets`);
      else if (l.price !== units(level)) problems.push(`trade ${t.id}: ${l.kind} filled at ${fmt(l.price)}, its level is ${level}`);
    } else if (i !== t.legs.length - 1) problems.push(`trade ${t.id}: ${l.kind} is not the last leg (${kinds.join(',')})`);
  });
  const filled = sum(t.legs.map((l) => l.quantity));
  if (filled > t.quantity) problems.push(`trade ${t.id}: legs fill ${fmt(filled)} of ${fmt(t.quantity)}`);
  if (t.legs.length > 0 && t.remaining !== t.quantity - filled) {
    problems.push(`trade ${t.id}: remaining_quantity ${fmt(t.remaining)}, quantity − legs = ${fmt(t.quantity - filled)}`);
  }
  const realized = sum(t.legs.map((l) => l.profitLoss));
  if (t.realized !== realized) problems.push(`trade ${t.id}: realized_profit_loss ${fmt(t.realized)}, legs sum to ${fmt(realized)}`);
}

/** Invariant 3: a closed trade is its legs. */
function checkClosed(t: DbTrade, expected: ExpectedTrade, problems: string[]): void {
  const last = t.legs[t.legs.length - 1];
  if (!last) {
    problems.push(`trade ${t.id} is ${t.status} without legs`);
    return;
  }
  const filled = sum(t.legs.map((l) => l.quantity));
  if (filled !== t.quantity) problems.push(`trade ${t.id} ${t.status}: legs sum to ${fmt(filled)}, quantity ${fmt(t.quantity)}`);
  const fees = sum(t.legs.map((l) => l.fees));
  const pl = sum(t.legs.map((l) => l.profitLoss));
  if (t.fees !== fees) problems.push(`trade ${t.id}: fees ${fmt(t.fees)}, legs sum to ${fmt(fees)}`);
  if (t.profitLoss !== pl) problems.push(`trade ${t.id}: profit_loss ${fmt(t.profitLoss)}, legs sum to ${fmt(pl)}`);
  if (t.status !== statusOfKind(last.kind)) problems.push(`trade ${t.id}: status ${t.status} after a last leg ${last.kind}`);
  if (t.exitReason !== last.kind) problems.push(`trade ${t.id}: exit_reason ${t.exitReason}, last leg ${last.kind}`);
  if (t.exitPrice !== last.price) problems.push(`trade ${t.id}: exit_price ${fmt(t.exitPrice)}, last leg at ${fmt(last.price)}`);
  const n = expected.targets.length;
  if (t.status === 'CLOSED_TP' && last.kind !== `TP${n}`) problems.push(`trade ${t.id}: CLOSED_TP by ${last.kind} of ${n} targets`);
}

const legDiff = (what: string, a: LegJson, b: DbLeg): string | null => {
  const fields: Array<[string, bigint, bigint]> = [
    ['price', units(a.price), b.price],
    ['quantity', units(a.quantity), b.quantity],
    ['fees', units(a.fees), b.fees],
    ['profit_loss', units(a.profit_loss), b.profitLoss],
  ];
  const bad = fields.filter(([, x, y]) => x !== y).map(([f, x, y]) => `${f} ${fmt(x)} vs db ${fmt(y)}`);
  if (Date.parse(a.time) !== b.time) bad.push(`time ${a.time} vs db ${new Date(b.time).toISOString()}`);
  return bad.length ? `${what}: ${bad.join(', ')}` : null;
};

/**
 * Checks the legs of `expected`'s trades in the database against themselves, against what the
 * viewers saw, and (with `baseUrl`) against the open-positions REST of a server just restarted.
 */
export async function checkLegRecord(k: Knex, baseUrl: string | null, expected: ReadonlyMap<number, ExpectedTrade>, seen: SeenLegs): Promise<LegCheck> {
  const problems = [...seen.problems];
  const db = await readTrades(k, [...expected.keys()]);
  let closed = 0;
  let legs = 0;
  let partlyFilled = 0;
  const exits: Record<string, number> = {};
  for (const [id, exp] of expected) {
    const t = db.get(id);
    if (!t) {
      problems.push(`acked trade ${id} is not in the database`);
      continue;
    }
    legs += t.legs.length;
    checkLegList(t, exp, problems);
    if (t.status.startsWith('CLOSED_')) {
      closed++;
      const kind = t.legs[t.legs.length - 1]?.kind ?? 'none';
      exits[kind] = (exits[kind] ?? 0) + 1;
      checkClosed(t, exp, problems);
    } else if (t.status !== 'OPEN') problems.push(`trade ${id}: status ${t.status}`);
    else if (t.legs.length > 0) partlyFilled++;
  }

  // Invariant 2: nothing a viewer was shown is missing or different in the database.
  for (const [id, byKind] of seen.legs) {
    const t = db.get(id);
    for (const [kind, leg] of byKind) {
      const stored = t?.legs.find((l) => l.kind === kind);
      if (!stored) problems.push(`viewer saw trade ${id} ${kind} @${leg.price}×${leg.quantity}; the database has no such leg`);
      else {
        const d = legDiff(`trade ${id} ${kind} as seen`, leg, stored);
        if (d) problems.push(d);
      }
    }
  }
  for (const [id, c] of seen.closed) {
    const t = db.get(id);
    if (!t || t.status !== c.status || t.profitLoss !== units(c.profit_loss) || t.fees !== units(c.fees)) {
      problems.push(
        `viewer saw trade ${id} ${c.status} p/l ${c.profit_loss} fees ${c.fees}; db ${t?.status} ${fmt(t?.profitLoss ?? null)} ${fmt(t?.fees ?? null)}`,
      );
    }
    if (t && c.legs.length !== t.legs.length) problems.push(`viewer saw trade ${id} close with ${c.legs.length} legs; db has ${t.legs.length}`);
  }

  // Invariant 5: the book a restart hydrated shows each open trade with the stored legs.
  if (baseUrl !== null) {
    const open = (await (await fetch(`${baseUrl}/api/public/paper-trading/open-positions/`)).json()) as TradeJson[];
    const shown = new Map(open.map((t) => [t.id, t]));
    for (const t of db.values()) {
      const s = shown.get(t.id);
      if (t.status !== 'OPEN') {
        if (s) problems.push(`trade ${t.id} is ${t.status} in the db; open-positions shows it open`);
        continue;
      }
      if (!s) {
        problems.push(`trade ${t.id} is open in the db; open-positions does not show it`);
        continue;
      }
      if (s.legs.length !== t.legs.length || s.legs.some((l, i) => l.kind !== t.legs[i]!.kind)) {
        problems.push(
          `trade ${t.id}: open-positions shows legs ${s.legs.map((l) => l.kind).join(',') || '-'}, db ${t.legs.map((l) => l.kind).join(',') || '-'}`,
        );
      } else {
        s.legs.forEach((l, i) => {
          const d = legDiff(`trade ${t.id} ${l.kind} on open-positions`, l, t.legs[i]!);
          if (d) problems.push(d);
        });
      }
      const left = t.quantity - sum(t.legs.map((l) => l.quantity));
      if (units(s.remaining_quantity) !== left)
        problems.push(`trade ${t.id}: open-positions remaining_quantity ${s.remaining_quantity}, quantity − legs = ${fmt(left)}`);
    }
  }
  return { problems, trades: db.size, closed, legs, partlyFilled, exits };
}

/** The stored rows and legs of the trades named in `problems`, for the failure message. */
export async function dumpTrades(k: Knex, problems: readonly string[]): Promise<string> {
  const ids = [...new Set(problems.flatMap((p) => [...p.matchAll(/trade (\d+)/g)].map((m) => Number(m[1]))))].slice(0, 10);
  const db = await readTrades(k, ids);
  return [...db.values()]
    .map(
      (t) =>
        `trade ${t.id} ${t.status} q ${fmt(t.quantity)} rem ${fmt(t.remaining)} fees ${fmt(t.fees)} p/l ${fmt(t.profitLoss)} exit ${fmt(t.exitPrice)} ${t.exitReason}: ` +
        t.legs.map((l) => `${l.seq}:${l.kind}@${fmt(l.price)}×${fmt(l.quantity)}`).join(' '),
    )
    .join('\n');
}
