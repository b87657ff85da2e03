// Signal updates (SPEC §9): new terms for the unfilled part of an open signal's system trade. The
// rule is shared/signal-update.ts's, checked against the trade as the book holds it and the last
// price; the update is stored (idempotent by update_id, a ledger event) and only then applied to
// the book and announced as `updated`. One trade's updates run one after another.
import { signalUpdateSchema, applySignalUpdate, type SignalPlan } from '../../shared/signal-update.ts';
import { parseWith } from '../../shared/validation.ts';
import { ERROR_CODES } from '../../shared/constants.ts';
import type { SignalAck } from '../../shared/protocol-types.ts';
import type { TradePlan } from '../../shared/trade-json.ts';
import type { TokenIdentity } from '../auth/token-auth.ts';
import type { OpenBook } from '../book/open-book.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { EngineEvents } from './engine-events.ts';
import type { OpenTrades } from './open-trades.ts';
import type { TradeStorePort, UpdatedTerms } from './ports.ts';

export class SignalUpdater {
  private readonly chains = new Map<number, Promise<unknown>>();

  constructor(
    private readonly store: TradeStorePort,
    private readonly open: OpenTrades,
    private readonly book: OpenBook,
    private readonly events: EngineEvents,
  ) {}

  async update(payload: unknown, identity: TokenIdentity): Promise<SignalAck> {
    const parsed = parseWith(signalUpdateSchema, payload);
    if (!parsed.ok) throw new ValidationError(parsed.error);
    const u = parsed.value;
    if (u.signal_id === undefined && u.external_id === undefined) {
      throw new ValidationError({ code: ERROR_CODES.VALIDATION_ERROR, message: 'signal_id or external_id is required', field: 'signal_id' });
    }
    const ref = await this.store.findSignal(identity.env ? null : identity.name, { signalId: u.signal_id, externalId: u.external_id });
    if (!ref) throw new NotFoundError('no such signal');
    if (ref.tradeId === null) throw new ConflictError('the signal has no trade to update', 'signal_id');
    const tradeId = ref.tradeId;
    const ack = (duplicate: boolean): SignalAck => ({ ok: true, signal_id: ref.id, trade_id: tradeId, duplicate });
    return this.serial(tradeId, async () => {
      if (u.update_id !== undefined && (await this.store.hasSignalUpdate(ref.id, u.update_id))) return ack(true);
      const current = this.standing(tradeId);
      if (!current) throw new ConflictError('the signal’s trade is not open: no update applies', 'signal_id');
      const outcome = applySignalUpdate(current.plan, u, this.book.lastPrice(current.key)?.price);
      if (!outcome.ok) throw new ValidationError(outcome.error);
      const next = outcome.next;
      const r = await this.store.recordSignalUpdate(ref.id, u.update_id ?? null, payload, termsOf(next));
      if (r.duplicate) return ack(true);
      this.apply(tradeId, next);
      const now = this.open.get(tradeId);
      if (now) this.events.updated(now.trade, now.userId);
      return ack(false);
    });
  }

  private serial<T>(id: number, work: () => Promise<T>): Promise<T> {
    // The next update waits for this one to settle either way; its outcome is the caller's (awaited there).
    const run = (this.chains.get(id) ?? Promise.resolve()).then(work, work);
    const tail = run.then(
      () => undefined,
      (err: unknown) => void err,
    );
    this.chains.set(id, tail);
    void tail.then(() => {
      if (this.chains.get(id) === tail) this.chains.delete(id);
    });
    return run;
  }

  /** The trade as an update sees it: managed (its plan, fills and managed stop) or plain in the OpenBook. */
  private standing(id: number): { plan: SignalPlan; key: string } | undefined {
    const m = this.open.managed.standing(id);
    if (m) {
      const { plan, terms } = m;
      return {
        key: this.open.managed.keyOf(id) as string,
        plan: {
          direction: terms.direction,
          entryPrice: terms.entryPrice,
          targets: [...plan.targets],
          shares: [...plan.shares],
          filled: m.filled,
          stopLoss: m.stopLoss,
          slMode: plan.slMode,
          trailing: plan.trailing,
        },
      };
    }
    const b = this.book.get(id);
    if (!b) return undefined;
    return {
      key: b.symbol,
      plan: {
        direction: b.direction,
        entryPrice: b.entryPrice,
        targets: [b.takeProfit],
        shares: [1],
        filled: 0,
        stopLoss: b.stopLoss,
        slMode: 'fixed',
        trailing: null,
      },
    };
  }

  /** After commit: the managed book takes the new terms; a plain trade moves there from the OpenBook. */
  private apply(id: number, next: SignalPlan): void {
    if (this.open.managed.has(id)) {
      this.open.managed.update(id, next);
      return;
    }
    const b = this.book.detach(id);
    if (!b) return;
    const plan: TradePlan = {
      targets: next.targets,
      shares: next.shares,
      slMode: next.slMode,
      trailing: next.trailing,
      trailingBest: null,
      initialStopLoss: b.stopLoss,
      legs: [],
    };
    this.open.managed.add(b.symbol, { ...b, stopLoss: next.stopLoss, takeProfit: next.targets[next.targets.length - 1] as number }, plan);
  }
}

function termsOf(p: SignalPlan): UpdatedTerms {
  return {
    takeProfit: p.targets[p.targets.length - 1] as number,
    stopLoss: p.stopLoss,
    targets: p.targets.length > 1 ? p.targets.map((level, i) => ({ level, share: p.shares[i] as number })) : null,
    slMode: p.slMode,
    trailingCallbackRate: p.trailing?.callbackRate ?? null,
    trailingActivationPrice: p.trailing?.activationPrice ?? null,
  };
}
