// Where a bot's notifications go (SPEC §14), in SQL: `notify:add/list/remove` and the worker's
// lookups. A removed target keeps its row (its outbox rows refer to it) with `removed_at` set.
import type { ChannelKind, NotifyTarget } from '../notify/notification.ts';
import type { Query } from './sql-runner.ts';

export interface StoredTarget {
  id: number;
  bot: string;
  target: NotifyTarget;
  createdAt: Date;
  removedAt: Date | null;
}

/** A target's counts, for `notify:list`. */
export interface TargetCounts {
  queued: number;
  sent: number;
  dead: number;
  lastError: string | null;
}

function targetOf(kind: ChannelKind, config: Record<string, unknown>): NotifyTarget {
  const s = (k: string) => String(config[k] ?? '');
  switch (kind) {
    case 'webhook':
      return { kind, url: s('url'), secret: s('secret') };
    case 'telegram':
      return { kind, botToken: s('botToken'), chatId: s('chatId') };
    case 'discord':
      return { kind, webhookId: s('webhookId'), webhookToken: s('webhookToken') };
  }
}

function configOf(t: NotifyTarget): Record<string, string> {
  const { kind: _kind, ...config } = t;
  return config;
}

const storedOf = (r: Record<string, unknown>): StoredTarget => ({
  id: Number(r.id),
  bot: String(r.bot),
  target: targetOf(r.kind as ChannelKind, (typeof r.config === 'string' ? JSON.parse(r.config) : r.config) as Record<string, unknown>),
  createdAt: new Date(r.created_at as string),
  removedAt: r.removed_at ? new Date(r.removed_at as string) : null,
});

export class NotifyTargetStore {
  constructor(private readonly q: Query) {}

  async add(bot: string, target: NotifyTarget): Promise<StoredTarget> {
    const rows = await this.q(
      `insert into notify_targets (bot, kind, config) values (?, ?, ?::jsonb) returning id, bot, kind, config, created_at, removed_at`,
      [bot, target.kind, JSON.stringify(configOf(target))],
    );
    return storedOf(rows[0]!);
  }

  async any(): Promise<boolean> {
    return (await this.q(`select exists (select 1 from notify_targets where removed_at is null) as any`))[0]?.any === true;
  }

  /** Live targets (of one bot), oldest first. */
  async list(bot?: string): Promise<StoredTarget[]> {
    const rows = await this.q(
      `select id, bot, kind, config, created_at, removed_at from notify_targets where removed_at is null and (?::text is null or bot = ?) order by id`,
      [bot ?? null, bot ?? null],
    );
    return rows.map(storedOf);
  }

  /** Targets by id, removed ones included (the worker drops their rows). */
  async byIds(ids: readonly number[]): Promise<Map<number, StoredTarget>> {
    if (ids.length === 0) return new Map();
    const rows = await this.q(`select id, bot, kind, config, created_at, removed_at from notify_targets where id = any(?::int[])`, [ids]);
    return new Map(rows.map((r) => [Number(r.id), storedOf(r)]));
  }

  /** False when there is no live target with that id. */
  async remove(id: number): Promise<boolean> {
    const rows = await this.q(`update notify_targets set removed_at = now() where id = ? and removed_at is null returning id`, [id]);
    return rows.length === 1;
  }

  async counts(ids: readonly number[]): Promise<Map<number, TargetCounts>> {
    if (ids.length === 0) return new Map();
    const rows = await this.q(
      `select target_id, count(*) filter (where state = 'queued') as queued, count(*) filter (where state = 'sent') as sent,
              count(*) filter (where state = 'dead') as dead,
              (array_agg(last_error order by id desc) filter (where last_error is not null))[1] as last_error
       from notify_outbox where target_id = any(?::int[]) group by target_id`,
      [ids],
    );
    return new Map(
      rows.map((r) => [
        Number(r.target_id),
        { queued: Number(r.queued), sent: Number(r.sent), dead: Number(r.dead), lastError: (r.last_error as string | null) ?? null },
      ]),
    );
  }
}
