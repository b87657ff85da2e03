// users and users' manual trades: the SQL behind accounts and the user trade API.
// Reads of trades go through TradeQueries with a TradeScope; this module only writes them.
import type { MikroORM } from '@mikro-orm/postgresql';
import { DEFAULTS, type Direction, type MarketType, type Timeframe } from '../../shared/constants.ts';
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
  takeProfit: number;
  stopLoss: number;
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
   */
  async insertManualTrade(t: NewManualTrade): Promise<TradeRow> {
    const [row] = await this.rows(
      `INSERT INTO paper_trades (id, user_id, signal_id, symbol, direction, market_type, timeframe, confidence, leverage,
         entry_price, entry_time, position_size, quantity, take_profit, stop_loss, status, created_at, updated_at)
       VALUES (nextval('${USER_TRADE_ID_SEQUENCE}'), ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'OPEN', ?, ?) RETURNING ${TRADE_COLUMNS}`,
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
      ],
    );
    return tradeRowFromDb(row!);
  }
}
