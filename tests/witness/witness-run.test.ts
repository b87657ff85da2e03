// The witness against a fake server on another origin (tests/witness/fake-ledger-server.ts): a clean
// chain that grows between runs is accepted and read incrementally; a rewritten, re-signed, cut or
// foreign-signed past and a changed key are each reported with the first seq that differs.
import { afterEach, describe, expect, it } from 'vitest';
import { HttpLedgerSource } from '../../server/witness/http-source.ts';
import { runWitness } from '../../server/witness/witness-run.ts';
import type { WitnessState } from '../../server/witness/witness-state.ts';
import { checkpointsOf, makeChain, makeSigner, rehashFrom, startFakeLedgerServer, type FakeLedgerServer } from './fake-ledger-server.ts';

const signer = makeSigner();
let srv: FakeLedgerServer | undefined;

afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

/** A server with 2,500 rows and a checkpoint every 500, and the state of a clean first run against it. */
async function witnessed(): Promise<{ srv: FakeLedgerServer; state: WitnessState }> {
  const rows = makeChain(2500);
  srv = await startFakeLedgerServer({ rows, checkpoints: checkpointsOf(rows, signer, 500), key: signer.key });
  const first = await runWitness(new HttpLedgerSource(`${srv.url}/`), null);
  expect(first.report.problems).toEqual([]);
  srv.requests.length = 0;
  return { srv, state: first.state! };
}

function kinds(problems: { kind: string; seq: number | null }[]): string[] {
  return problems.map((p) => `${p.kind}@${p.seq}`);
}

describe('witness run', () => {
  it('accepts a clean chain on the first run and pins the served key', async () => {
    const { state } = await witnessed();
    expect(state.key).toEqual({ fingerprint: signer.key.fingerprint, public_key: signer.key.public_key });
    expect(state.rows.seq).toBe(2500);
    expect(state.rows.hex(2500)).toBe(srv!.rows[2499]!.hash);
    expect(state.checkpoints.map((c) => c.seq)).toEqual([0, 500, 1000, 1500, 2000, 2500]);
  });

  it('accepts a chain that grew between runs, fetching only the rows and checkpoints after the last verified ones', async () => {
    const { srv, state } = await witnessed();
    srv.rows = makeChain(3700, srv.rows);
    srv.checkpoints = checkpointsOf(srv.rows, signer, 500);
    const second = await runWitness(new HttpLedgerSource(srv.url), state);
    expect(second.report).toMatchObject({ ok: true, rowsChecked: 1201, newRows: 1200, headSeq: 3700, newCheckpoints: 2, checkpointsHeld: 8, fullRead: false });
    const rowPages = srv.requests.filter((r) => r.startsWith('/api/public/ledger/?'));
    expect(rowPages).toEqual(['/api/public/ledger/?limit=1000&after=2499', '/api/public/ledger/?limit=1000&after=3499']);
    expect(srv.requests.filter((r) => r.startsWith('/api/public/ledger/checkpoints/'))).toEqual(['/api/public/ledger/checkpoints/?limit=1000&after=2500']);
    expect(second.state!.rows.seq).toBe(3700);

    // Nothing new: one page, the last verified row read again.
    srv.requests.length = 0;
    const third = await runWitness(new HttpLedgerSource(srv.url), second.state);
    expect(third.report).toMatchObject({ ok: true, rowsChecked: 1, newRows: 0, checkpointsHeld: 8 });
  });

  it('names the edited row of a chain rebuilt after it', async () => {
    const { srv, state } = await witnessed();
    const edited = srv.rows.map((r) => (r.seq === 1234 ? { ...r, event: { ...r.event, entry_price: 99 } } : r));
    srv.rows = rehashFrom(edited, 1234);
    const run = await runWitness(new HttpLedgerSource(srv.url), state);
    expect(run.state).toBeNull();
    expect(run.report).toMatchObject({ ok: false, fullRead: true, firstDifferingSeq: 1234 });
    expect(kinds(run.report.problems)).toEqual(['rewritten@1234', 'checkpoint-mismatch@1500', 'checkpoint-mismatch@2000', 'checkpoint-mismatch@2500']);
  });

  it('names the first differing seq of a rebuilt chain re-signed with the same key, and the equivocations', async () => {
    const { srv, state } = await witnessed();
    const edited = srv.rows.map((r) => (r.seq === 1777 ? { ...r, at: '2026-12-01T01:00:00.000Z' } : r));
    srv.rows = rehashFrom(edited, 1777);
    srv.checkpoints = checkpointsOf(srv.rows, signer, 500, 3_600_000);
    const run = await runWitness(new HttpLedgerSource(srv.url), state);
    expect(run.report.firstDifferingSeq).toBe(1777);
    expect(kinds(run.report.problems)).toEqual([
      'rewritten@1777',
      'equivocation@2000',
      'equivocation@2500',
      // The held checkpoints; the re-signed ones match the rebuilt chain.
      'checkpoint-mismatch@2000',
      'checkpoint-mismatch@2500',
    ]);
  });

  it('reports the newest 5 rows cut as truncated at the first missing seq', async () => {
    const { srv, state } = await witnessed();
    srv.rows = srv.rows.slice(0, 2495);
    srv.checkpoints = srv.checkpoints.filter((c) => c.seq <= 2495);
    const run = await runWitness(new HttpLedgerSource(srv.url), state);
    expect(run.report).toMatchObject({ ok: false, headSeq: 2495, firstDifferingSeq: 2496 });
    expect(kinds(run.report.problems)).toEqual(['truncated@2496']);
  });

  it('reports rows cut and new ones appended in their place from the first replaced seq', async () => {
    const { srv, state } = await witnessed();
    // makeChain is deterministic: the replacement rows get other trade ids.
    const regrown = makeChain(2502, srv.rows.slice(0, 2495)).map((r) => (r.seq > 2495 ? { ...r, trade_id: r.trade_id + 10_000 } : r));
    srv.rows = rehashFrom(regrown, 2496);
    const run = await runWitness(new HttpLedgerSource(srv.url), state);
    expect(run.report.firstDifferingSeq).toBe(2496);
    expect(kinds(run.report.problems)).toEqual(['rewritten@2496', 'checkpoint-mismatch@2500']);
  });

  it('reports a checkpoint signed by another key as a bad signature at its seq', async () => {
    const { srv, state } = await witnessed();
    srv.rows = makeChain(3000, srv.rows);
    const forged = makeSigner().checkpoint(3000, srv.rows[2999]!.hash);
    srv.checkpoints = [...srv.checkpoints, { ...forged, key_fingerprint: signer.key.fingerprint }];
    const run = await runWitness(new HttpLedgerSource(srv.url), state);
    expect(kinds(run.report.problems)).toEqual(['bad-signature@3000']);
    expect(run.report.problems[0]!.message).toContain('it names the pinned key');
    expect(run.state).toBeNull();
  });

  it('reports a changed key and keeps checking against the pinned one', async () => {
    const { srv, state } = await witnessed();
    const other = makeSigner();
    srv.key = other.key;
    srv.rows = makeChain(3000, srv.rows);
    srv.checkpoints = checkpointsOf(srv.rows, other, 500);
    const run = await runWitness(new HttpLedgerSource(srv.url), state);
    expect(kinds(run.report.problems)).toEqual(['key-changed@null', 'bad-signature@3000']);
    expect(run.report.problems[0]!.message).toContain(signer.key.fingerprint);
    expect(run.state).toBeNull();
  });

  it('pins a published fingerprint from the first run on, refusing any other key', async () => {
    const rows = makeChain(100);
    srv = await startFakeLedgerServer({ rows, checkpoints: checkpointsOf(rows, signer, 50), key: signer.key });
    const good = await runWitness(new HttpLedgerSource(srv.url), null, { fingerprint: signer.key.fingerprint });
    expect(good.report.ok).toBe(true);
    const other = makeSigner().key.fingerprint;
    const first = await runWitness(new HttpLedgerSource(srv.url), null, { fingerprint: other });
    expect(first.report.problems.map((p) => p.kind)).toEqual(['key-changed']);
    expect(first.report.problems[0]!.message).toBe(`the served key is ${signer.key.fingerprint}, not the expected ${other}`);
    const later = await runWitness(new HttpLedgerSource(srv.url), good.state, { fingerprint: other });
    expect(later.report.problems.map((p) => p.kind)).toEqual(['key-changed']);
    expect(later.state).toBeNull();
  });

  it('reports a chain that does not verify by itself at the broken row', async () => {
    const { srv, state } = await witnessed();
    srv.rows = makeChain(3000, srv.rows).map((r) => (r.seq === 2800 ? { ...r, kind: 'trade_closed' } : r));
    const run = await runWitness(new HttpLedgerSource(srv.url), state);
    expect(kinds(run.report.problems)).toEqual(['broken-chain@2800']);
  });

  it('refuses a URL that is not http(s)', () => {
    expect(() => new HttpLedgerSource('ftp://example.com')).toThrow(/http\(s\)/);
    expect(new HttpLedgerSource('https://example.com:8443/').name).toBe('https://example.com:8443');
  });
});
