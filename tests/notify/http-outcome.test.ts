// Retry-After in both of its forms, and redaction of a secret however it appears in an error.
import { describe, expect, it } from 'vitest';
import { parseRetryAfter, redact, secondsToMs } from '../../server/notify/channels/http-outcome.ts';

describe('http outcome helpers', () => {
  it('reads Retry-After as delay-seconds or an HTTP-date', () => {
    const now = Date.parse('2026-12-04T20:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 1.5 ', now)).toBe(1_500);
    expect(parseRetryAfter('Fri, 04 Dec 2026 20:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Fri, 04 Dec 2026 19:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('reads body seconds (integer or float) and ignores anything else', () => {
    expect(secondsToMs(3)).toBe(3_000);
    expect(secondsToMs(0.251)).toBe(251);
    expect(secondsToMs('3')).toBeUndefined();
    expect(secondsToMs(-1)).toBeUndefined();
  });

  it('redacts a secret in plain and URL-encoded form', () => {
    const token = '123:ab/c+d';
    expect(redact(`GET /bot${token}/x and /bot${encodeURIComponent(token)}/y`, [token])).toBe('GET /bot<redacted>/x and /bot<redacted>/y');
    expect(redact('nothing here', ['', 'zzz'])).toBe('nothing here');
  });
});
