// The Discord fake refuses what the Discord docs document as refused; a fake that accepts anything proves nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordFake, startDiscordFake } from './discord-fake.ts';

const HOOK = { id: '223456789012345678', token: 'tok_abcdefghijklmnopqrstuvwxyz0123456789' };

let fake: DiscordFake;
beforeAll(async () => {
  fake = await startDiscordFake([HOOK]);
});
afterAll(() => fake.close());

async function execute(body: unknown, query = '?wait=true', hook = HOOK, contentType = 'application/json') {
  const res = await fetch(`${fake.apiBase}/webhooks/${hook.id}/${hook.token}${query}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

const embed = (over: Record<string, unknown> = {}) => ({ title: 'BTCUSDT LONG opened', fields: [{ name: 'Entry', value: '1', inline: true }], ...over });

describe('discord fake', () => {
  it('returns the message with wait=true and 204 without, with rate-limit headers', async () => {
    const waited = await execute({ embeds: [embed()] });
    expect(waited.status).toBe(200);
    expect(waited.json).toMatchObject({ webhook_id: HOOK.id, embeds: [{ type: 'rich', title: 'BTCUSDT LONG opened' }] });
    expect(waited.headers.get('x-ratelimit-bucket')).toBeTruthy();
    const plain = await execute({ content: 'hi' }, '');
    expect(plain.status).toBe(204);
    expect((await execute({ content: 'hi' }, '?wait=false')).status).toBe(204);
    expect((await execute({ content: 'hi' }, '/?wait=True'.slice(1))).status).toBe(200);
  });

  it('refuses an empty message (50006)', async () => {
    expect(await execute({})).toMatchObject({ status: 400, json: { message: 'Cannot send an empty message', code: 50006 } });
    expect(await execute({ content: '   ', embeds: [] })).toMatchObject({ status: 400, json: { code: 50006 } });
    expect(await execute({ username: 'x' })).toMatchObject({ status: 400, json: { code: 50006 } });
  });

  it('refuses an embed title over 256 with the documented form-error shape', async () => {
    const out = await execute({ embeds: [embed({ title: 't'.repeat(257) })] });
    expect(out.status).toBe(400);
    expect(out.json).toEqual({
      code: 50035,
      message: 'Invalid Form Body',
      errors: { embeds: { '0': { title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 256 or fewer in length.' }] } } } },
    });
    // Surrounding whitespace is trimmed before counting.
    expect((await execute({ embeds: [embed({ title: ` ${'t'.repeat(256)} ` })] })).status).toBe(200);
  });

  it('refuses the other embed limits', async () => {
    const fields = (n: number) => Array.from({ length: n }, (_, k) => ({ name: `f${k}`, value: 'v' }));
    expect((await execute({ embeds: [embed({ fields: fields(26) })] })).json).toMatchObject({ code: 50035, errors: { embeds: { '0': { fields: {} } } } });
    expect((await execute({ embeds: [embed({ description: 'd'.repeat(4097) })] })).status).toBe(400);
    expect((await execute({ embeds: [embed({ fields: [{ name: 'n', value: 'v'.repeat(1025) }] })] })).status).toBe(400);
    expect((await execute({ embeds: [embed({ fields: [{ name: 'n', value: '' }] })] })).status).toBe(400);
    expect((await execute({ embeds: [embed({ footer: { text: 'f'.repeat(2049) } })] })).status).toBe(400);
    expect((await execute({ embeds: [embed({ color: 0x1000000 })] })).status).toBe(400);
    expect((await execute({ embeds: [embed({ timestamp: 'yesterday' })] })).status).toBe(400);
    expect((await execute({ embeds: Array.from({ length: 11 }, () => embed()) })).status).toBe(400);
    const big = Array.from({ length: 2 }, () => embed({ description: 'd'.repeat(3500) }));
    expect((await execute({ embeds: big })).json).toMatchObject({ errors: { embeds: { _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED' }] } } });
  });

  it('refuses a username with "discord" or "clyde", content over 2000, and unknown mention types', async () => {
    expect((await execute({ content: 'x', username: 'My Discord Bot' })).json).toMatchObject({
      errors: { username: { _errors: [{ code: 'USERNAME_INVALID_CONTAINS' }] } },
    });
    expect((await execute({ content: 'x'.repeat(2001) })).status).toBe(400);
    expect((await execute({ content: 'x', allowed_mentions: { parse: ['channels'] } })).status).toBe(400);
  });

  it('refuses invalid JSON (50109) and a non-JSON content type (50035)', async () => {
    expect(await execute('{"content":', '?wait=true')).toMatchObject({ status: 400, json: { code: 50109 } });
    expect(await execute('content=hi', '?wait=true', HOOK, 'application/x-www-form-urlencoded')).toMatchObject({ status: 400, json: { code: 50035 } });
  });

  it('answers 404 Unknown Webhook, 401 Invalid Webhook Token and 400 for a non-snowflake id', async () => {
    expect(await execute({ content: 'x' }, '', { ...HOOK, id: '323456789012345678' })).toMatchObject({
      status: 404,
      json: { message: 'Unknown Webhook', code: 10015 },
    });
    expect(await execute({ content: 'x' }, '', { ...HOOK, token: 'nope' })).toMatchObject({
      status: 401,
      json: { message: 'Invalid Webhook Token', code: 50027 },
    });
    expect(await execute({ content: 'x' }, '', { ...HOOK, id: 'abc' })).toMatchObject({ status: 400, json: { code: 50035 } });
  });

  it('plays a 429 as documented: retry_after in the body, Retry-After and X-RateLimit-* headers', async () => {
    fake.failNext(1, { kind: 'rate-limit', retryAfter: 2.5 });
    const out = await execute({ content: 'x' });
    expect(out.status).toBe(429);
    expect(out.json).toEqual({ message: 'You are being rate limited.', retry_after: 2.5, global: false });
    expect(out.headers.get('retry-after')).toBe('3');
    expect(out.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(out.headers.get('x-ratelimit-reset-after')).toBe('2.500');
    expect(out.headers.get('x-ratelimit-scope')).toBe('user');
    expect((await execute({ content: 'x' })).status).toBe(200);
  });
});
