// users and users' manual trades: the SQL behind accounts and the user trade API.
// Reads of trades go through TradeQueries with a TradeScope; this module only writes them.
import type { MikroORM } from '@mikro-orm/postgresql';
import { DEFAULTS, type Direction, type MarketType, type StopMode, type Timeframe } from '../../shared/constants.ts';
import { ConflictError } from '../errors.ts';
import { TRADE_COLUMNS, tradeRowFromDb, type TradeRow } from './rows.ts';
import { toStoreError } from './errors.ts';
import { USER_TRADE_ID_SEQUENCE } from './trade-id-ranges.ts';

export interface UserRecord {
  id: number;
  username: string;
  passwordHash: string;
}

export interface NewManualTrade {
  userId: number;
  symbol: string;
  direction: Direction;
  marketType: MarketType;
  timeframe: Timeframe;
  leverage: number;
  entryPrice: number;
  entryTime: Date;
  positionSize: number;
  quantity: number;
  /** The last target (what single-target readers see as take_profit). */
  takeProfit: number;
  stopLoss: number;
  /** SPEC §9, as a signal's: absent = one target at takeProfit, fixed stop, no trailing stop. */
  plan?: ManualTradePlan;
}

/** A manual trade's §9 plan, stored in the columns a signal's trade uses (batch-writes.ts planColumns). */
export interface ManualTradePlan {
  /** Levels with their shares, the last at takeProfit; one target is stored as none (null = one at take_profit). */
  targets: ReadonlyArray<{ level: number; share: number }>;
  slMode: StopMode;
  trailing: { callbackRate: number; activationPrice: number | null } | null;
}

const UNIQUE_VIOLATION = '23505';

export class UserRepository {
  constructor(private orm: MikroORM) {}

  private async rows(sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
    try {
      return await this.orm.em.fork().getConnection().execute(sql, params, 'all');
    } catch (err) {
      throw toStoreError(err);
    }
  }

  /** Creates a user; ConflictError when the username is taken (the unique index decides, no race). */
  async create(username: string, passwordHash: string): Promise<UserRecord> {
    try {
      const [row] = await this.rows(`INSERT INTO users (username, password_hash) VALUES (?, ?) RETURNING id`, [username, passwordHash]);
      return { id: Number(row!.id), username, passwordHash };
    } catch (err) {
      if ((err as { code?: unknown }).code === UNIQUE_VIOLATION) throw new ConflictError('username is already taken', 'username');
      throw err;
    }
  }

  async findByUsername(username: string): Promise<UserRecord | null> {
    const [row] = await this.rows(`SELECT id, username, password_hash FROM users WHERE username = ?`, [username]);
    return row ? { id: Number(row.id), username: String(row.username), passwordHash: String(row.password_hash) } : null;
  }

  /**
   * Stores an OPEN manual trade owned by `t.userId` (no signal) and returns the stored row. Its id
   * comes from the user range (trade-id-ranges.ts), never from the sequence public ids come from.
   * The plan goes where a signal's does (targets only when several; initial stop and remaining
   * quantity as ingest writes them), so the row maps to the same TradeJson and the same book.
   */
  async insertManualTrade(t: NewManualTrade): Promise<TradeRow> {
    const plan = t.plan;
    const targets = plan && plan.targets.length > 1 ? JSON.stringify(plan.targets.map(({ level, share }) => ({ level, share }))) : null;
    const [row] = await this.rows(
      `INSERT INTO paper_trades (id, user_id, signal_id, symbol, direction, market_type, timeframe, confidence, leverage,
         entry_price, entry_time, position_size, quantity, take_profit, stop_loss, status, created_at, updated_at,
         targets, sl_mode, trailing_callback_rate, trailing_activation_price, initial_stop_loss, remaining_quantity)
       VALUES (nextval('${USER_TRADE_ID_SEQUENCE}'), ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'OPEN', ?, ?,
         ?::jsonb, ?, ?, ?, ?, ?) RETURNING ${TRADE_COLUMNS}`,
      [
        t.userId,
        t.symbol,
        t.direction,
        t.marketType,
        t.timeframe,
        DEFAULTS.confidence,
        t.leverage,
        t.entryPrice,
        t.entryTime,
        t.positionSize,
        t.quantity,
        t.takeProfit,
        t.stopLoss,
        t.entryTime,
        t.entryTime,
        targets,
        plan?.slMode ?? 'fixed',
        plan?.trailing?.callbackRate ?? null,
        plan?.trailing?.activationPrice ?? null,
        t.stopLoss,
        t.quantity,
      ],
    );
    return tradeRowFromDb(row!);
  }
}
