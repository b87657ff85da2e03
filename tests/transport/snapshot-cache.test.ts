// The shared snapshot of /public (issue 16 item 6): built once per stream head whatever the number
// of askers, rebuilt when the seq moves, and encoded exactly as socket.io-parser encodes the
// `snapshot` event it replaces. The source is the edges' real
// MirrorState, fed a snapshot and a delta as it is in production.
import { describe, expect, it } from 'vitest';
import { Encoder, Decoder, PacketType, type Packet } from 'socket.io-parser';
import { MirrorState } from '../../server/cluster/mirror-state.ts';
import { SnapshotCache } from '../../server/transport/socket/snapshot-cache.ts';
import type { DeltaJson, SnapshotJson } from '../../shared/protocol-types.ts';

class FedMirror extends MirrorState {
  feed(s: SnapshotJson): void {
    this.adopt(s);
  }
  delta(d: DeltaJson): void {
    this.apply(d);
  }
}

const trade = (id: number) =>
  ({
    id,
    symbol: 'BTCUSDT',
    direction: 'LONG',
    status: 'OPEN',
    entry_price: 100,
    take_profit: 110,
    stop_loss: 90,
    note: 'é "quoted" \u2028',
  }) as unknown as SnapshotJson['open_positions'][number];

function mirror(): FedMirror {
  const m = new FedMirror();
  const base = m.snapshot();
  m.feed({ ...base, epoch: 'e-1', seq: 7, open_positions: [trade(2), trade(1)], prices: { BTCUSDT: { price: 101, ts: 5 } } as SnapshotJson['prices'] });
  return m;
}

function decode(frame: string): { nsp: string; data: [string, SnapshotJson] } {
  const d = new Decoder();
  let out: Packet | null = null;
  d.on('decoded', (p: Packet) => (out = p));
  d.add(frame);
  expect(out!.type).toBe(PacketType.EVENT);
  return out! as unknown as { nsp: string; data: [string, SnapshotJson] };
}

describe('SnapshotCache', () => {
  it('encodes the frame as socket.io-parser encodes socket.emit("snapshot", …) on /public', () => {
    const m = mirror();
    const { packet, wire } = new SnapshotCache(m, '/public').frame();
    const sent = decode(packet);
    const time = sent.data[1].server_time;
    expect(Date.parse(time)).toBeGreaterThan(Date.now() - 60_000);
    const reference = new Encoder().encode({ type: PacketType.EVENT, nsp: '/public', data: ['snapshot', { ...m.snapshot(), server_time: time }] });
    expect(packet).toBe(reference[0]);
    expect(wire).toBe(`4${packet}`); // an Engine.IO message packet
    expect(sent.nsp).toBe('/public');
  });

  it('builds once per (epoch, seq) however many ask, and again when the seq moves', () => {
    const m = mirror();
    const cache = new SnapshotCache(m, '/public');
    const first = cache.frame();
    expect(first.built).toBeGreaterThan(0);
    for (let i = 0; i < 50; i++) expect(cache.frame().built).toBe(0);
    expect(cache.builds).toBe(1);
    m.delta({ epoch: 'e-1', seq: 8, events: [{ type: 'prices', prices: { BTCUSDT: [102, 6] } }] });
    const after = decode(cache.frame().packet).data[1];
    expect(cache.builds).toBe(2);
    expect(after.seq).toBe(8);
    expect(after.prices.BTCUSDT!.price).toBe(102);
    cache.invalidate();
    cache.frame();
    expect(cache.builds).toBe(3);
  });
});
