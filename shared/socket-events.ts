// Typed Socket.IO event maps per namespace, shared by server (`Server<…>`, `Namespace<…>`), page,
// widget and bots. The server's own `SocketData` lives beside it in server/transport/socket/io-server.ts.
import type { SignalInput } from './signal-schema.ts';
import type { DeltaJson, SignalAck, SimpleAck, SnapshotJson, TickerJson } from './protocol-types.ts';
import type { StreamCandleJson } from './candles.ts';

export const NAMESPACES = { public: '/public', bot: '/bot', me: '/me' } as const;

export interface PublicServerToClient {
  snapshot: (s: SnapshotJson) => void;
  delta: (d: DeltaJson) => void;
  ticker: (t: TickerJson) => void;
  /**
   * 1m candles as they close (SPEC §13), public price keys only; outside the seq'd deltas: a viewer
   * that missed some (a reconnect) reads them from GET /api/public/candles/.
   */
  candles: (c: { candles: StreamCandleJson[] }) => void;
}
export interface PublicClientToServer {
  resync: () => void;
}
/** Handshake auth on /public: `{channels: ['ticker']}` = ticker frames only (the widget). */
export interface PublicAuth {
  channels?: Array<'stream' | 'ticker'>;
  /**
   * One bot only (SPEC §11): with `channels: ['ticker']` its ticker frames; otherwise its own
   * snapshot/delta stream (its own epoch, seq and summary). A name with no public trades is refused.
   */
  bot?: string;
}

export interface PriceTickInput {
  symbol: string;
  price: number;
  ts: number;
  /** The market the price is from; absent = both markets of the symbol (SPEC §10). */
  market?: 'SPOT' | 'FUTURES';
}

export interface BotClientToServer {
  signal: (payload: SignalInput, ack: (r: SignalAck) => void) => void;
  /** A channel message (SPEC §9 text signals); refusals carry `line` and `line_text`. */
  'signal:text': (payload: { text: string; external_id?: string }, ack: (r: SignalAck) => void) => void;
  'signal:cancel': (payload: { signal_id?: number; external_id?: string }, ack: (r: SimpleAck) => void) => void;
  /** SPEC §9: new terms for an open signal's unfilled part (shared/signal-update.ts). */
  'signal:update': (payload: Record<string, unknown>, ack: (r: SignalAck) => void) => void;
  prices: (payload: { ticks: PriceTickInput[] }, ack: (r: SimpleAck & { accepted?: number }) => void) => void;
}
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface BotServerToClient {}

export type MeServerToClient = PublicServerToClient;
export type MeClientToServer = PublicClientToServer;

/** Every event a client may send, on any namespace (the `Server`'s first type argument). */
export interface ClientToServerEvents extends PublicClientToServer, BotClientToServer {}
/** Every event the server may send, on any namespace. */
export interface ServerToClientEvents extends PublicServerToClient, BotServerToClient {}

/**
 * Server-to-server events over the cluster adapter (ROLE=engine ↔ ROLE=edge, on /me): an edge asks
 * for a user's stream snapshot and renews its users' leases (server/cluster/user-stream-leases.ts).
 * Payloads come from another process (another version, during a rolling upgrade): receivers still check them.
 */
export interface InterServerEvents {
  'me:snapshot': (userId: number) => void;
  'me:snapshot-reply': (userId: number, snapshot: SnapshotJson) => void;
  'me:watch': (userIds: number[]) => void;
}
