// ROLE=edge: lets a mirror see the deltas the adapter relays from the engine, in the same turn as
// they are broadcast to this edge's room (so snapshot and room never disagree on seq). The reach-in
// into the adapter is isolated in transport/socket/socket-io-internals.ts.
import type { Namespace } from 'socket.io';
import type { DeltaJson } from '../../shared/protocol-types.ts';
import { tapRelayedBroadcasts } from '../transport/socket/socket-io-internals.ts';

/** Calls `onDelta` with the target rooms of every relayed `delta` broadcast, after local delivery. */
export function tapRelayedDeltas(nsp: Pick<Namespace, 'adapter' | 'name'>, onDelta: (rooms: string[], d: DeltaJson) => void): void {
  // The engine is the only sender of `delta` on these namespaces, and emits it typed (DeltaJson).
  tapRelayedBroadcasts(nsp, (rooms, event, arg) => event === 'delta' && onDelta(rooms, arg as DeltaJson));
}
