// The webhook channel against a local receiver over real HTTP: body, headers and signature as a
// receiver sees them, and which answers are retried (all but 2xx) with what delay.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliver } from '../../server/notify/channels/deliver.ts';
import { signWebhookBody, verifyWebhookSignature } from '../../server/notify/channels/webhook-channel.ts';
import type { WebhookTarget } from '../../server/notify/notification.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../fakes/webhook-receiver.ts';
import { KINDS, notification } from './notification-factory.ts';

const SECRET = 'whsec_test_5b1d3c0e9f7a4b2c8d6e';
const options = { telegramApiBase: 'http://127.0.0.1:9', discordApiBase: 'http://127.0.0.1:9', timeoutMs: 2_000 };
const deliver = createDeliver(options);

let receiver: WebhookReceiver;
let target: WebhookTarget;
beforeAll(async () => {
  receiver = await startWebhookReceiver(SECRET);
  target = { kind: 'webhook', url: receiver.url, secret: SECRET };
});
afterAll(() => receiver.close());

const last = () => receiver.deliveries.at(-1)!;

describe('webhook channel', () => {
  it.each(KINDS)('delivers %s as the Notification in camelCase JSON, signed', async (kind) => {
    const n = notification(kind);
    const out = await deliver(n, target);
    expect(out).toEqual({ ok: true, status: 200 });
    const d = last();
    expect(d.signatureValid).toBe(true);
    expect(JSON.parse(d.body)).toEqual(n);
    expect(d.idempotencyKey).toBe(n.id);
    expect(d.headers['x-paperbook-delivery']).toBe(n.id);
    expect(d.headers['x-paperbook-event']).toBe(kind);
    expect(d.headers['content-type']).toBe('application/json');
    expect(d.headers['user-agent']).toBe('Paperbook-Webhook/1');
  });

  it('signs the exact UTF-8 bytes sent, whatever the text', async () => {
    const n = notification('trade.opened', { botDisplayName: 'Ålpha 🚀 “quotes” \u2028 <b>' });
    expect(await deliver(n, target)).toEqual({ ok: true, status: 200 });
    expect(last().signatureValid).toBe(true);
    expect(JSON.parse(last().body)).toEqual(n);
  });

  it('signs with the target secret only: the receiver refuses a delivery signed with another, and the refusal is retried', async () => {
    const out = await deliver(notification('trade.opened'), { ...target, secret: 'someone-elses-secret' });
    expect(last().signatureValid).toBe(false);
    expect(out).toMatchObject({ ok: false, retry: true, status: 401 });
    if (!out.ok) expect(out.error).not.toContain('someone-elses-secret');
  });

  it('sign and verify agree, and verify rejects a wrong secret, a changed body and a malformed header', () => {
    const body = JSON.stringify(notification('trade.leg'));
    const header = signWebhookBody(SECRET, body);
    expect(header).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(SECRET, body, header)).toBe(true);
    expect(verifyWebhookSignature('wrong', body, header)).toBe(false);
    expect(verifyWebhookSignature(SECRET, `${body} `, header)).toBe(false);
    expect(verifyWebhookSignature(SECRET, body, header.slice(0, -2))).toBe(false);
    expect(verifyWebhookSignature(SECRET, body, undefined)).toBe(false);
  });

  it('retries a 500 without a delay, then succeeds with the same idempotency key', async () => {
    receiver.failFirst(1, { status: 500 });
    const n = notification('trade.closed');
    const first = await deliver(n, target);
    expect(first).toMatchObject({ ok: false, retry: true, status: 500 });
    expect(first).not.toHaveProperty('retryAfterMs');
    const second = await deliver(n, target);
    expect(second).toEqual({ ok: true, status: 200 });
    const keys = receiver.deliveries.slice(-2).map((d) => d.idempotencyKey);
    expect(keys).toEqual([n.id, n.id]);
  });

  it('keeps failing through a failure window, then succeeds', async () => {
    receiver.failFor(600, { status: 503 });
    const n = notification('trade.opened');
    expect((await deliver(n, target)).ok).toBe(false);
    await new Promise((r) => setTimeout(r, 650));
    expect(await deliver(n, target)).toEqual({ ok: true, status: 200 });
  });

  it('honours Retry-After in seconds on 429 and as an HTTP date on 503', async () => {
    receiver.failFirst(1, { status: 429, retryAfter: '7' });
    expect(await deliver(notification('trade.opened'), target)).toMatchObject({ ok: false, retry: true, status: 429, retryAfterMs: 7000 });
    receiver.failFirst(1, { status: 503, retryAfter: new Date(Date.now() + 60_000).toUTCString() });
    const out = await deliver(notification('trade.opened'), target);
    expect(out).toMatchObject({ ok: false, retry: true, status: 503 });
    if (!out.ok) expect(out.retryAfterMs).toBeGreaterThan(55_000);
  });

  it('retries 4xx too (the receiver is the user’s own code)', async () => {
    receiver.failFirst(1, { status: 410 });
    expect(await deliver(notification('trade.opened'), target)).toMatchObject({ ok: false, retry: true, status: 410 });
  });

  it('a timeout is a retry, and its error holds no secret', async () => {
    receiver.failFirst(1, { status: 200, delayMs: 1_000 });
    const slow = createDeliver({ ...options, timeoutMs: 150 });
    const out = await slow(notification('trade.opened'), target);
    expect(out).toMatchObject({ ok: false, retry: true });
    if (!out.ok) {
      expect(out.error).toMatch(/timeout after 150 ms/);
      expect(out.error).not.toContain(SECRET);
    }
  });

  it('a refused connection is a retry', async () => {
    const out = await deliver(notification('trade.opened'), { ...target, url: 'http://127.0.0.1:9/hook' });
    expect(out).toMatchObject({ ok: false, retry: true });
    if (!out.ok) expect(out.error).toMatch(/network error/);
  });

  it('stops reading a receiver that streams an endless error body', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const endless = http.createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      const pump = () => {
        while (res.write(chunk));
      };
      res.on('drain', pump);
      pump();
    });
    await new Promise<void>((resolve) => endless.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(endless.address() as AddressInfo).port}/hook`;
      const out = await deliver(notification('trade.opened'), { ...target, url });
      expect(out).toMatchObject({ ok: false, retry: true, status: 500 });
      if (!out.ok) expect(out.error.length).toBeLessThan(400);
    } finally {
      endless.closeAllConnections();
      await new Promise((resolve) => endless.close(resolve));
    }
  });
});
