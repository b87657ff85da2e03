// ROLE=edge: lets a mirror see the deltas the adapter relays from the engine, in the same turn as
// they are broadcast to this edge's room (so snapshot and room never disagree on seq).
import type { Namespace } from 'socket.io';
import type { DeltaJson } from '../../shared/protocol-types.ts';

/** socket.io-adapter's MessageType.BROADCAST. */
const BROADCAST = 3;

interface RelayedMessage {
  type: number;
  data?: { requestId?: string; packet?: { data?: unknown[] }; opts?: { rooms?: string[] } };
}

/** Calls `onDelta` with the target rooms of every relayed `delta` broadcast, after local delivery. */
export function tapRelayedDeltas(nsp: Namespace, onDelta: (rooms: string[], d: DeltaJson) => void): void {
  const adapter = nsp.adapter as unknown as { onMessage(m: RelayedMessage, offset?: string): void };
  const deliver = adapter.onMessage.bind(adapter);
  adapter.onMessage = (m, offset) => {
    deliver(m, offset);
    if (m.type !== BROADCAST || m.data?.requestId !== undefined) return;
    const args = m.data?.packet?.data;
    const rooms = m.data?.opts?.rooms;
    if (args?.[0] === 'delta' && rooms && rooms.length > 0) onDelta(rooms, args[1] as DeltaJson);
  };
}
