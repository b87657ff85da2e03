// The receiver's own signature check: it accepts a correct HMAC and refuses anything else.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';

let rx: WebhookReceiver;
beforeAll(async () => {
  rx = await startWebhookReceiver('s3cret');
});
afterAll(() => rx.close());

const post = (body: string, signature: string | undefined) =>
  fetch(rx.url, { method: 'POST', headers: { 'content-type': 'application/json', ...(signature ? { 'x-paperbook-signature': signature } : {}) }, body });

describe('webhook receiver', () => {
  it('accepts a correct signature and refuses a wrong, malformed or missing one', async () => {
    const body = '{"id":"pb-1"}';
    const good = `sha256=${createHmac('sha256', 's3cret').update(body).digest('hex')}`;
    expect((await post(body, good)).status).toBe(200);
    expect((await post(body, `sha256=${createHmac('sha256', 'other').update(body).digest('hex')}`)).status).toBe(401);
    expect((await post(body, 'sha256=zz')).status).toBe(401);
    expect((await post(body, undefined)).status).toBe(401);
    expect(rx.deliveries.map((d) => d.signatureValid)).toEqual([true, false, false, false]);
  });

  it('fails the first N, then answers 200', async () => {
    rx.failFirst(2);
    const body = '{}';
    const sig = `sha256=${createHmac('sha256', 's3cret').update(body).digest('hex')}`;
    const statuses = [];
    for (let k = 0; k < 3; k++) statuses.push((await post(body, sig)).status);
    expect(statuses).toEqual([500, 500, 200]);
  });
});
