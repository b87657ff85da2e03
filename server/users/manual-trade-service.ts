// A user's manual trades: open (stored, then put in the shared book), list, read and close their own.
// Every read is scoped with userScope(); another user's trade is "not found", never "forbidden".
import { checkLevels, manualTradeSchema, tradeIdSchema, type ManualTradePayload } from '../../shared/manual-trade-schema.ts';
import type { TradeJson } from '../../shared/protocol-types.ts';
import { quantityFor } from '../../shared/trade-math.ts';
import { priceKey } from '../../shared/price-key.ts';
import { parseWith } from '../../shared/validation.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { OwnedTrade } from '../engine/ports.ts';
import type { ManualTradePlan, NewManualTrade } from '../persistence/user-repository.ts';
import type { TradeRow } from '../persistence/rows.ts';
import { tradeRowToJson } from '../persistence/trade-mapper.ts';
import type { ListQuery } from '../queries/list-query.ts';
import { inScope, userScope, type TradeScope } from '../privacy/trade-scope.ts';
import type { UserTradeCaps } from './user-trade-caps.ts';

export interface ManualTradeDeps {
  insert(t: NewManualTrade): Promise<TradeRow>;
  listTrades(scope: TradeScope, q: ListQuery): Promise<{ count: number; results: TradeJson[] }>;
  getTrade(scope: TradeScope, id: number): Promise<TradeJson | null>;
  /** The book's last price for a price key (shared/price-key.ts), and whether the feed has gone stale on it. */
  lastPrice(key: string): { price: number; stale: boolean } | undefined;
  /** Whether the running feed can price this price key (tradable-symbols.ts). */
  tradable(key: string): boolean;
  /** Open trades and distinct symbols per user. */
  caps: UserTradeCaps;
  engine: {
    addUserTrade(t: OwnedTrade): void;
    openTrade(id: number): OwnedTrade | undefined;
    closeManually(id: number, status: 'CLOSED_MANUAL'): Promise<TradeJson>;
  };
  now?: () => number;
}

export class ManualTradeService {
  private now: () => number;

  constructor(private deps: ManualTradeDeps) {
    this.now = deps.now ?? Date.now;
  }

  async open(userId: number, payload: unknown): Promise<TradeJson> {
    const parsed = parseWith(manualTradeSchema, payload);
    if (!parsed.ok) throw new ValidationError(parsed.error);
    const p = parsed.value;
    // An unpriceable symbol would sit in the book forever (no TP/SL) and, on binance, ask for an
    // upstream subscription: refused before anything is stored.
    // Per market (SPEC §10): a FUTURES trade is decided on futures prices, so those must exist.
    if (!this.deps.tradable(priceKey(p.symbol, p.market_type))) {
      throw new ValidationError({
        code: 'VALIDATION_ERROR',
        field: 'symbol',
        message: `the price feed does not price ${p.symbol} (${p.market_type}): pick a symbol it quotes`,
      });
    }
    const slot = this.deps.caps.admit(userId, p.symbol);
    try {
      return await this.store(userId, p);
    } finally {
      slot.release();
    }
  }

  private async store(userId: number, p: ManualTradePayload): Promise<TradeJson> {
    const entry = this.entryOf(p);
    const levels = typeof p.take_profit === 'number' ? [p.take_profit] : p.take_profit;
    // Checked again here even for a fixed entry (the schema did): a market entry is first known now,
    // and the shares come from the same check either way.
    const { issues, shares } = checkLevels(p.direction, entry, levels, p.stop_loss, p.tp_allocation);
    const [issue] = issues;
    if (issue) {
      const at = p.entry_price === 'market' ? ` (market price ${entry})` : '';
      throw new ValidationError({ code: 'VALIDATION_ERROR', field: issue.field, message: `${issue.field}: ${issue.message}${at}` });
    }
    if (!shares) throw new Error('checkLevels refused the targets without naming an issue');
    const row = await this.deps.insert({
      userId,
      symbol: p.symbol,
      direction: p.direction,
      marketType: p.market_type,
      timeframe: p.timeframe,
      leverage: p.leverage,
      entryPrice: entry,
      entryTime: new Date(this.now()),
      positionSize: p.position_size,
      quantity: quantityFor(p.position_size, p.leverage, entry),
      takeProfit: levels[levels.length - 1] as number,
      stopLoss: p.stop_loss,
      plan: planOf(p, levels, shares),
    });
    // The row's JSON carries the plan (trade-mapper.ts), so the engine books it as a signal's trade
    // with the same plan: managed when it has several targets, a moving or a trailing stop.
    const trade = tradeRowToJson(row);
    this.deps.engine.addUserTrade({ trade, userId });
    return trade;
  }

  /** The entry price: the one given, or the book's last (fresh) price for "market". */
  private entryOf(p: ManualTradePayload): number {
    if (p.entry_price !== 'market') return p.entry_price;
    const last = this.deps.lastPrice(priceKey(p.symbol, p.market_type));
    if (!last) throw new ConflictError(`no price for ${p.symbol} yet: give entry_price as a number`, 'entry_price');
    if (last.stale) throw new ConflictError(`the price of ${p.symbol} is stale: give entry_price as a number`, 'entry_price');
    return last.price;
  }

  list(userId: number, q: ListQuery): Promise<{ count: number; results: TradeJson[] }> {
    return this.deps.listTrades(userScope(userId), q);
  }

  async get(userId: number, rawId: string): Promise<TradeJson> {
    const id = parseId(rawId);
    const trade = await this.deps.getTrade(userScope(userId), id);
    if (!trade) throw new NotFoundError(`no trade ${id}`);
    return trade;
  }

  /** Closes the user's own open trade at the last price (CLOSED_MANUAL); resolves after commit. */
  async close(userId: number, rawId: string): Promise<TradeJson> {
    const id = parseId(rawId);
    const scope = userScope(userId);
    const open = this.deps.engine.openTrade(id);
    if (open && inScope(scope, open.userId)) {
      try {
        return await this.deps.engine.closeManually(id, 'CLOSED_MANUAL');
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err; // lost a race with a TP/SL close: answer as below
      }
    }
    const stored = await this.deps.getTrade(scope, id);
    if (!stored) throw new NotFoundError(`no trade ${id}`);
    throw new ConflictError(`trade ${id} is not open (${stored.status})`);
  }
}

function parseId(raw: string): number {
  const r = tradeIdSchema.safeParse(raw);
  // A malformed id names no trade of this user: the same 404 as any other.
  if (!r.success) throw new NotFoundError(`no trade ${raw}`);
  return r.data;
}

function planOf(p: ManualTradePayload, levels: readonly number[], shares: readonly number[]): ManualTradePlan {
  const t = p.trailing_stop;
  return {
    targets: levels.map((level, i) => ({ level, share: shares[i] as number })),
    slMode: p.sl_mode,
    trailing: t ? { callbackRate: t.callback_rate, activationPrice: t.activation_price ?? null } : null,
  };
}
