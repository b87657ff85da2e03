// AsyncAPI 3 for the Socket.IO namespaces (SPEC §5, §14: `GET /api/asyncapi.json`), from the
// validators' zod schemas for what clients send; what the server sends is named with its fields
// (docs/protocol.md §5; types in shared/protocol-types.ts). Described from the server's side:
// `send` = the server emits it, `receive` = a client emits it to the server.
import { z } from 'zod';
import { pricesPayloadSchema, signalCancelSchema, signalSchema } from '../../shared/signal-schema.ts';
import { signalUpdateSchema } from '../../shared/signal-update.ts';
import { jsonSchema, type JsonSchema } from './json-schema.ts';

const d7 = (s: z.ZodType) => jsonSchema(s, 'draft-7');
const fields = (description: string, required: string[]): JsonSchema => ({
  type: 'object',
  description,
  required,
  properties: Object.fromEntries(required.map((k) => [k, {}])),
});

const SNAPSHOT = fields('The stream’s state at (epoch, seq)', ['epoch', 'seq', 'server_time', 'summary', 'open_positions', 'recent_closed', 'prices']);
const DELTA = fields('Changes after seq − 1: events opened, closed, updated, prices, summary (a gap or a new epoch: send resync)', ['epoch', 'seq', 'events']);
const ACK = fields('{ok: true, signal_id, trade_id, duplicate} or {ok: false, error: {code, message, field?}}', ['ok']);

interface Message {
  name: string;
  summary: string;
  payload: JsonSchema;
}

const msg = (name: string, summary: string, payload: JsonSchema): Message => ({ name, summary, payload });

const CHANNELS: Record<string, { address: string; description: string; send: Message[]; receive: Array<Message & { reply?: Message }> }> = {
  public: {
    address: '/public',
    description:
      'No auth. handshake auth {channels?: ["ticker"|"stream"], bot?: NAME}: the all-bots stream, one bot’s stream ({bot}), or ticker frames only ({channels: ["ticker"]}, with bot: that bot’s).',
    send: [
      msg('snapshot', 'On connect and after each resync', SNAPSHOT),
      msg('delta', 'seq + 1 per delta; prices coalesced per BROADCAST_INTERVAL_MS, events at once and in order', DELTA),
      msg(
        'ticker',
        'At most once a second (ticker viewers)',
        fields('The widget’s figures', ['win_rate', 'total_profit_loss', 'unrealized_profit_loss', 'open_trades', 'closed_trades', 'last_closed']),
      ),
      msg('candles', 'Closed 1m candles of public price keys', fields('Outside the seq’d deltas', ['candles'])),
    ],
    receive: [msg('resync', 'Asks for a fresh snapshot (after a seq gap or a new epoch)', { type: 'null' })],
  },
  bot: {
    address: '/bot',
    description: 'handshake auth {token}: a bot token; otherwise connect_error "unauthorized". Every event is acked.',
    send: [],
    receive: [
      { ...msg('signal', 'A signal (SPEC §1): opens a system paper trade', d7(signalSchema)), reply: msg('signalAck', 'The ack, after commit', ACK) },
      {
        ...msg(
          'signal:text',
          'A signal as a channel writes it (SPEC §9)',
          d7(z.object({ text: z.string().max(4000), external_id: z.string().max(128).optional() })),
        ),
        reply: msg('signalTextAck', 'The ack; a refusal carries line and line_text', ACK),
      },
      { ...msg('signal:update', 'New terms for an open signal (SPEC §9)', d7(signalUpdateSchema)), reply: msg('signalUpdateAck', 'The ack', ACK) },
      {
        ...msg('signal:cancel', 'Closes the signal’s open trade at the last price', d7(signalCancelSchema)),
        reply: msg('signalCancelAck', '{ok} or {ok: false, error}', fields('The answer', ['ok'])),
      },
      { ...msg('prices', 'Price ticks (PRICE_FEED=bot)', d7(pricesPayloadSchema)), reply: msg('pricesAck', '{ok, accepted}', fields('The answer', ['ok'])) },
    ],
  },
  me: {
    address: '/me',
    description: 'handshake auth {token}: a user token. The /public stream protocol over that user’s own trades only.',
    send: [msg('snapshot', 'On connect and after each resync', SNAPSHOT), msg('delta', 'As on /public', DELTA)],
    receive: [msg('resync', 'Asks for a fresh snapshot', { type: 'null' })],
  },
};

const key = (name: string) => name.replace(/[^A-Za-z0-9]+(.)?/g, (_, c?: string) => (c ? c.toUpperCase() : ''));

export function asyncApiDocument(version: string): JsonSchema {
  const channels: JsonSchema = {};
  const operations: JsonSchema = {};
  for (const [id, ch] of Object.entries(CHANNELS)) {
    const messages: Record<string, JsonSchema> = {};
    const add = (m: Message) => (messages[key(m.name)] = { name: m.name, summary: m.summary, contentType: 'application/json', payload: m.payload });
    for (const m of ch.send) add(m);
    for (const m of ch.receive) {
      add(m);
      if (m.reply) add(m.reply);
    }
    channels[id] = { address: ch.address, description: ch.description, messages };
    const ref = (m: Message) => ({ $ref: `#/channels/${id}/messages/${key(m.name)}` });
    for (const m of ch.send)
      operations[`${id}Send${key(m.name).replace(/^./, (c) => c.toUpperCase())}`] = {
        action: 'send',
        channel: { $ref: `#/channels/${id}` },
        messages: [ref(m)],
      };
    for (const m of ch.receive) {
      const op: JsonSchema = { action: 'receive', channel: { $ref: `#/channels/${id}` }, messages: [ref(m)] };
      if (m.reply) op.reply = { channel: { $ref: `#/channels/${id}` }, messages: [ref(m.reply)] };
      operations[`${id}Receive${key(m.name).replace(/^./, (c) => c.toUpperCase())}`] = op;
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Paperbook socket API',
      version,
      description: 'Socket.IO v4 namespaces over WebSocket (path /socket.io/). Client payloads are generated from the validators. HTTP: /api/openapi.json.',
    },
    servers: {
      paperbook: { host: 'localhost:3000', protocol: 'ws', description: 'Socket.IO v4 (Engine.IO 4) at /socket.io/; the namespace is the channel address' },
    },
    channels,
    operations,
  };
}
