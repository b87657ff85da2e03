// A browser-like HTTP client in its own process (so the server's loop is not the client's): one
// keep-alive connection, sequential GETs, each body read in full. Command `get {urls, n}`: `n`
// requests cycling `urls`, answering each one's time to the last byte (ms), the bytes read and the
// count of each `x-cache` outcome.
import http from 'node:http';
import { serveCommands } from './child.ts';

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

const cacheOutcomes: Record<string, number> = {};

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers: { accept: 'application/json' } }, (res) => {
      const outcome = String(res.headers['x-cache'] ?? 'none');
      cacheOutcomes[outcome] = (cacheOutcomes[outcome] ?? 0) + 1;
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`${url}: HTTP ${String(res.statusCode)}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

serveCommands({
  async get(m) {
    const urls = m.urls as string[];
    const n = m.n as number;
    for (const k of Object.keys(cacheOutcomes)) delete cacheOutcomes[k];
    const ms: number[] = [];
    const bytes: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      bytes.push(await get(urls[i % urls.length]!));
      ms.push(performance.now() - t);
    }
    return { ms, bytes, cache: { ...cacheOutcomes } };
  },
});
process.send?.({ type: 'ready' });
