// Issue 16 item 11: an edge (ROLE=edge) serves REST with the same limits as ROLE=all — the per-IP
// budget (it had none), the URL cap, the error boundary for bad percent-encoding, no Host reflection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawGet } from '../helpers/raw-http.ts';
import { clusterUnavailable, createCluster, loudSkip, type Cluster } from './cluster-procs.ts';

const unavailable = await clusterUnavailable();
if (unavailable) loudSkip('tests/cluster/edge-http-limits.test.ts', unavailable);

describe.skipIf(unavailable !== null)('edge HTTP limits', () => {
  let cluster: Cluster;
  let edgePort: number;

  beforeAll(async () => {
    cluster = await createCluster();
    await cluster.start('engine').url;
    const edge = await cluster.start('edge', { HTTP_RATE_LIMIT: '5', HTTP_MAX_URL_BYTES: '1024' }).url;
    edgePort = Number(new URL(edge).port);
  }, 90_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('past HTTP_RATE_LIMIT requests per second from one IP: 429 RATE_LIMITED', async () => {
    const statuses = await Promise.all(Array.from({ length: 20 }, () => rawGet(edgePort, '/api/public/paper-trading/summary/').then((r) => r.status)));
    expect(statuses.filter((s) => s === 429).length, statuses.join(',')).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(10); // 5 per second, at most two windows
  });

  it('a target past HTTP_MAX_URL_BYTES is 414 and bad percent-encoding fails alone', async () => {
    await new Promise((r) => setTimeout(r, 1100)); // a fresh rate window
    expect((await rawGet(edgePort, `/${'a'.repeat(2000)}`)).status).toBe(414);
    expect((await rawGet(edgePort, '/%E0%A4%A')).status).toBe(404);
    expect((await rawGet(edgePort, '/healthz')).status).toBe(200);
  });

  it('next/previous are relative whatever the Host header', async () => {
    await new Promise((r) => setTimeout(r, 1100));
    const r = await rawGet(edgePort, '/api/public/paper-trading/?page=2', { host: 'evil.example' });
    expect(r.status).toBe(200);
    expect(r.raw).not.toContain('evil.example');
  });
});
