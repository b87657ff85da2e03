// ROLE=edge: lets the mirror see the stream deltas the adapter relays from the engine, in the same
// turn as they are broadcast to this edge's room (so snapshot and room never disagree on seq).
import type { Namespace } from 'socket.io';
import type { DeltaJson } from '../../shared/protocol-types.ts';
import { STREAM_ROOM } from '../transport/socket/public-stream.ts';

/** socket.io-adapter's MessageType.BROADCAST. */
const BROADCAST = 3;

interface RelayedMessage {
  type: number;
  data?: { requestId?: string; packet?: { data?: unknown[] }; opts?: { rooms?: string[] } };
}

/** Calls `onDelta` for every relayed `delta` emitted to the stream room, after local delivery. */
export function tapStreamDeltas(nsp: Namespace, onDelta: (d: DeltaJson) => void): void {
  const adapter = nsp.adapter as unknown as { onMessage(m: RelayedMessage, offset?: string): void };
  const deliver = adapter.onMessage.bind(adapter);
  adapter.onMessage = (m, offset) => {
    deliver(m, offset);
    if (m.type !== BROADCAST || m.data?.requestId !== undefined) return;
    const args = m.data?.packet?.data;
    if (args?.[0] === 'delta' && m.data?.opts?.rooms?.includes(STREAM_ROOM)) onDelta(args[1] as DeltaJson);
  };
}
