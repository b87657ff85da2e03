// The wall's SQL: the one place that writes the owner predicate and the status lists.
import { describe, expect, it } from 'vitest';
import { CLOSED_STATUSES, TRADE_STATUSES } from '../../shared/constants.ts';
import {
  OPEN_STATUSES,
  PUBLIC_SCOPE,
  cancellableSignalSql,
  closedStatusSql,
  inScope,
  openStatusSql,
  scopeCondition,
  systemTradeSql,
  userScope,
} from '../../server/privacy/trade-scope.ts';

describe('trade scope SQL', () => {
  it('public scope: system trades, no bindings; user scope: one binding', () => {
    const params: unknown[] = [];
    expect(scopeCondition(PUBLIC_SCOPE, params)).toBe('user_id IS NULL');
    expect(params).toEqual([]);
    expect(scopeCondition(userScope(7), params)).toBe('user_id = ?');
    expect(params).toEqual([7]);
  });

  it('qualifies the column with a table alias and refuses anything but an identifier', () => {
    const params: unknown[] = [];
    expect(scopeCondition(userScope(3), params, 'et')).toBe('et.user_id = ?');
    expect(systemTradeSql('t')).toBe('t.user_id IS NULL');
    expect(systemTradeSql()).toBe('user_id IS NULL');
    expect(openStatusSql('t')).toBe("t.status in ('OPEN', 'PENDING')");
    expect(() => systemTradeSql('t; drop table x')).toThrow(RangeError);
    expect(() => openStatusSql('')).toThrow(RangeError);
  });

  it('open and closed lists come from the shared statuses and do not overlap', () => {
    expect(openStatusSql()).toBe("status in ('OPEN', 'PENDING')");
    expect(closedStatusSql()).toBe(`status in (${CLOSED_STATUSES.map((s) => `'${s}'`).join(', ')})`);
    expect(closedStatusSql()).not.toContain('CANCELLED');
    for (const s of OPEN_STATUSES) expect(TRADE_STATUSES).toContain(s);
    expect(OPEN_STATUSES.filter((s) => (CLOSED_STATUSES as readonly string[]).includes(s))).toEqual([]);
    expect(cancellableSignalSql()).toBe("status in ('ACTIVE', 'EXECUTED')");
  });

  it('the in-memory rule agrees with the SQL one', () => {
    expect(inScope(PUBLIC_SCOPE, null)).toBe(true);
    expect(inScope(PUBLIC_SCOPE, 4)).toBe(false);
    expect(inScope(userScope(4), 4)).toBe(true);
    expect(inScope(userScope(4), null)).toBe(false);
  });
});
