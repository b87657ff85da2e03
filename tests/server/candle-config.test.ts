// CANDLE_RETENTION_DAYS (SPEC §13): 1m candles are kept at least 30 days; a bad value names the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';

describe('CANDLE_RETENTION_DAYS', () => {
  it('defaults to 35 days', () => {
    expect(loadConfig({}).candleRetentionDays).toBe(35);
    expect(loadConfig({ CANDLE_RETENTION_DAYS: '90' }).candleRetentionDays).toBe(90);
  });

  it.each(['29', '0', 'forever', '30.5'])('refuses %s, naming the variable', (v) => {
    expect(() => loadConfig({ CANDLE_RETENTION_DAYS: v })).toThrow(ConfigError);
    expect(() => loadConfig({ CANDLE_RETENTION_DAYS: v })).toThrow(/CANDLE_RETENTION_DAYS/);
  });
});
