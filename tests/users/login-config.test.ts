// The LOGIN_* variables: defaults, parsed into config.login, and a bad value names its variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { DEFAULT_AUTH_LIMITS } from '../../server/users/account-service.ts';

describe('LOGIN_* configuration', () => {
  it('defaults match the throttle defaults', () => {
    const { login } = loadConfig({});
    expect(login).toEqual({
      failuresPerSource: DEFAULT_AUTH_LIMITS.failuresPerSource,
      backoffMaxMs: DEFAULT_AUTH_LIMITS.backoffMaxMs,
      failuresPerIpPerHour: DEFAULT_AUTH_LIMITS.failuresPerIpPerHour,
      failuresPerUsername: DEFAULT_AUTH_LIMITS.failuresPerUsername,
    });
  });

  it('parses given values', () => {
    const { login } = loadConfig({
      LOGIN_FAILURES_PER_SOURCE: '3',
      LOGIN_BACKOFF_MAX_MS: '60000',
      LOGIN_FAILURES_PER_IP_PER_HOUR: '40',
      LOGIN_FAILURES_PER_USERNAME: '9',
    });
    expect(login).toEqual({ failuresPerSource: 3, backoffMaxMs: 60_000, failuresPerIpPerHour: 40, failuresPerUsername: 9 });
  });

  it.each([
    ['LOGIN_FAILURES_PER_SOURCE', '0'],
    ['LOGIN_BACKOFF_MAX_MS', '10'],
    ['LOGIN_FAILURES_PER_IP_PER_HOUR', 'many'],
    ['LOGIN_FAILURES_PER_USERNAME', '1.5'],
  ])('%s=%s stops start-up naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
