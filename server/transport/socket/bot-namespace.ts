// /bot: authenticated bots push signals (acked after commit), cancel them, and may feed prices.
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { SignalAck, SimpleAck } from '../../../shared/protocol-types.ts';
import type { TokenAuth, TokenIdentity } from '../../auth/token-auth.ts';
import type { TokenWatch } from '../../auth/token-watch.ts';
import type { Logger } from '../../logger.ts';
import { MAX_TEXT_SIGNAL_LENGTH } from '../../../shared/text-signal.ts';
import { textToSignalPayload } from '../../engine/text-intake.ts';
import { ValidationError } from '../../errors.ts';
import { toAckError, isExpected } from '../error-mapper.ts';
import { corkedReplies } from './corked-replies.ts';
import { botNamespace, type BotNamespace, type IoServer } from './io-server.ts';

export interface BotPort {
  ingestSignal(payload: unknown, identity: TokenIdentity): Promise<SignalAck>;
  cancelSignal(payload: unknown, identity: TokenIdentity): Promise<SimpleAck>;
  /** SPEC §9 signal updates: `{signal_id | external_id, update_id?, sl?, tp?, tp_allocation?, sl_mode?, trailing_stop?}`. */
  updateSignal(payload: unknown, identity: TokenIdentity): Promise<SignalAck>;
  /** null when PRICE_FEED is not `bot`. */
  pushPrices: ((payload: unknown) => SimpleAck & { accepted?: number }) | null;
}

const RATE_LIMITED = { ok: false, error: { code: 'RATE_LIMITED', message: 'too many requests; slow down' } } as const;

export function registerBotNamespace(
  io: IoServer,
  deps: { auth: TokenAuth; bot: BotPort; log: Logger; signalsPerSecond: number; tokens?: TokenWatch },
): BotNamespace {
  const nsp = botNamespace(io);
  const limiter = new RateLimiterMemory({ points: deps.signalsPerSecond, duration: 1 });
  const log = deps.log.child({ module: 'bot-namespace' });

  nsp.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    deps.auth
      .verify(token, 'bot')
      .then((identity) => {
        if (!identity) return next(new Error('unauthorized'));
        socket.data.identity = identity;
        // A stored token can be revoked while the bot is connected: the watch then disconnects it.
        if (!identity.env) deps.tokens?.track(token as string, socket);
        next();
      })
      .catch((err: unknown) => {
        // A token store that cannot answer refuses the handshake (the bot reconnects and retries).
        log.warn({ err: String(err) }, 'bot token check failed');
        next(new Error('unauthorized'));
      });
  });

  nsp.on('connection', (socket) => {
    const identity = socket.data.identity;
    // Set by the middleware above for every socket it admits.
    if (!identity) return void socket.disconnect(true);
    log.info({ bot: identity.name, id: socket.id }, 'bot connected');

    const limited = async (): Promise<boolean> => {
      try {
        await limiter.consume(socket.id);
        return false;
      } catch {
        return true;
      }
    };

    const corked = corkedReplies(socket);
    socket.on('signal', async (payload, ack) => {
      const reply = typeof ack === 'function' ? (a: SignalAck | typeof RATE_LIMITED | ReturnType<typeof toAckError>) => corked(() => ack(a)) : () => {};
      if (await limited()) return reply(RATE_LIMITED);
      try {
        reply(await deps.bot.ingestSignal(payload, identity));
      } catch (err) {
        if (!isExpected(err)) log.error({ err }, 'signal failed');
        reply(toAckError(err));
      }
    });

    socket.on('signal:text', async (payload, ack) => {
      const reply = typeof ack === 'function' ? (a: SignalAck | typeof RATE_LIMITED | ReturnType<typeof toAckError>) => corked(() => ack(a)) : () => {};
      if (await limited()) return reply(RATE_LIMITED);
      try {
        reply(await deps.bot.ingestSignal(textPayload(payload), identity));
      } catch (err) {
        if (!isExpected(err)) log.error({ err }, 'text signal failed');
        reply(toAckError(err));
      }
    });

    socket.on('signal:cancel', async (payload, ack) => {
      const reply = typeof ack === 'function' ? ack : () => {};
      if (await limited()) return reply(RATE_LIMITED);
      try {
        reply(await deps.bot.cancelSignal(payload, identity));
      } catch (err) {
        if (!isExpected(err)) log.error({ err }, 'cancel failed');
        reply(toAckError(err));
      }
    });

    socket.on('signal:update', async (payload, ack) => {
      const reply = typeof ack === 'function' ? (a: SignalAck | typeof RATE_LIMITED | ReturnType<typeof toAckError>) => corked(() => ack(a)) : () => {};
      if (await limited()) return reply(RATE_LIMITED);
      try {
        reply(await deps.bot.updateSignal(payload, identity));
      } catch (err) {
        if (!isExpected(err)) log.error({ err }, 'signal update failed');
        reply(toAckError(err));
      }
    });

    socket.on('prices', (payload, ack) => {
      const reply = typeof ack === 'function' ? ack : () => {};
      if (!deps.bot.pushPrices) {
        return reply({ ok: false, error: { code: 'VALIDATION_ERROR', message: 'this server does not take bot prices (PRICE_FEED is not bot)' } });
      }
      try {
        reply(deps.bot.pushPrices(payload));
      } catch (err) {
        if (!isExpected(err)) log.error({ err }, 'prices failed');
        reply(toAckError(err));
      }
    });
  });
  return nsp;
}

/** `{text, external_id?}` from the wire (unchecked) to the JSON intake's payload. */
function textPayload(payload: unknown): Record<string, unknown> {
  const p = (payload ?? {}) as { text?: unknown; external_id?: unknown };
  if (typeof p.text !== 'string') throw new ValidationError({ code: 'VALIDATION_ERROR', message: 'text must be a string', field: 'text' });
  if (p.text.length > MAX_TEXT_SIGNAL_LENGTH) {
    throw new ValidationError({ code: 'VALIDATION_ERROR', message: `text longer than ${MAX_TEXT_SIGNAL_LENGTH} characters`, field: 'text' });
  }
  if (p.external_id !== undefined && typeof p.external_id !== 'string') {
    throw new ValidationError({ code: 'VALIDATION_ERROR', message: 'external_id must be a string', field: 'external_id' });
  }
  return textToSignalPayload(p.text, p.external_id);
}
