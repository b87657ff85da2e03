// The engine's leases on /me streams for edges: one stream per user however many requests and
// renewals, released once no edge renews it within the TTL, re-opened on the next request.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import type { Namespace } from 'socket.io';
import type { SnapshotJson } from '../../shared/protocol-types.ts';
import { createLogger } from '../../server/logger.ts';
import { LEASE_TTL_MS, ME_SNAPSHOT, ME_SNAPSHOT_REPLY, ME_WATCH, UserStreamLeases } from '../../server/cluster/user-stream-leases.ts';

/** The /me namespace's server-side events, as the adapter delivers them, and what the engine emits back. */
class ServerSideEvents extends EventEmitter {
  replies: Array<[number, SnapshotJson]> = [];
  serverSideEmit(event: string, userId: number, snap: SnapshotJson): void {
    if (event === ME_SNAPSHOT_REPLY) this.replies.push([userId, snap]);
  }
}

function streams() {
  const held = new Map<number, number>();
  return {
    held,
    acquire: async (userId: number) => {
      held.set(userId, (held.get(userId) ?? 0) + 1);
      return { snapshot: () => ({ epoch: `e${userId}`, seq: 0 }) as SnapshotJson };
    },
    release: (userId: number) => {
      const n = (held.get(userId) ?? 0) - 1;
      if (n > 0) held.set(userId, n);
      else held.delete(userId);
    },
  };
}

afterEach(() => vi.useRealTimers());

describe('UserStreamLeases', () => {
  it('one stream per user, replies to snapshot requests, released after the TTL without renewal', async () => {
    vi.useFakeTimers();
    const s = streams();
    const nsp = new ServerSideEvents();
    const leases = new UserStreamLeases(s, createLogger('silent'));
    leases.register(nsp as unknown as Namespace);

    nsp.emit(ME_SNAPSHOT, 7);
    nsp.emit(ME_SNAPSHOT, 7);
    nsp.emit(ME_WATCH, [7, 8, 'x', -1, 1.5]);
    await vi.advanceTimersByTimeAsync(0);
    expect(nsp.replies.map(([u, snap]) => [u, snap.epoch])).toEqual([
      [7, 'e7'],
      [7, 'e7'],
    ]);
    expect([...s.held]).toEqual([
      [7, 1],
      [8, 1],
    ]);

    // 8 is renewed, 7 is not: 7 goes after the TTL, 8 stays.
    for (let t = 0; t < LEASE_TTL_MS + 2_000; t += 1_000) {
      nsp.emit(ME_WATCH, [8]);
      await vi.advanceTimersByTimeAsync(1_000);
    }
    expect([...s.held]).toEqual([[8, 1]]);
    nsp.emit(ME_SNAPSHOT, 7);
    await vi.advanceTimersByTimeAsync(0);
    expect(s.held.get(7)).toBe(1);
    leases.stop();
  });
});
