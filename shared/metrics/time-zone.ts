// Calendar days in an IANA time zone for epoch-ms times, fast enough to bucket 100k closes per
// request: the zone's offset is looked up once per hour of time seen, not with an Intl call per trade.
const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

/** True when `tz` is a time zone this runtime knows (IANA names, `UTC`). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The runtime's canonical spelling (`asia/tokyo` → `Asia/Tokyo`), so equal zones share a cache key. */
export function canonicalTimeZone(tz: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
}

/** `YYYY-MM-DD` of a local day number (days since 1970-01-01 in the zone). */
export function dayKey(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Local day numbers in one zone. */
export class LocalDays {
  private readonly fmt: Intl.DateTimeFormat;
  // Hour index → offset in ms; NaN marks an hour in which the offset changes (computed per call there).
  private readonly hourOffsets = new Map<number, number>();
  private lastHour = NaN;
  private lastOffset = NaN;

  constructor(readonly timeZone: string) {
    this.fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Local time minus UTC at `ms`, in ms (whole seconds: historical offsets such as LMT have them). */
  offsetAt(ms: number): number {
    const at = Math.floor(ms / 1000) * 1000;
    const p: Record<string, number> = {};
    for (const part of this.fmt.formatToParts(at)) if (part.type !== 'literal') p[part.type] = Number(part.value);
    return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - at;
  }

  dayOf(ms: number): number {
    const hour = Math.floor(ms / MS_PER_HOUR);
    let offset: number;
    if (hour === this.lastHour) offset = this.lastOffset;
    else {
      let cached = this.hourOffsets.get(hour);
      if (cached === undefined) {
        const start = this.offsetAt(hour * MS_PER_HOUR);
        cached = start === this.offsetAt(hour * MS_PER_HOUR + MS_PER_HOUR - 1) ? start : NaN;
        this.hourOffsets.set(hour, cached);
      }
      this.lastHour = hour;
      this.lastOffset = cached;
      offset = cached;
    }
    if (Number.isNaN(offset)) offset = this.offsetAt(ms);
    return Math.floor((ms + offset) / MS_PER_DAY);
  }
}

const MAX_ZONES = 64;
const zones = new Map<string, LocalDays>();

/** A shared LocalDays per zone (its hour cache is what makes repeat requests cheap); bounded. */
export function localDaysIn(timeZone: string): LocalDays {
  let z = zones.get(timeZone);
  if (!z) {
    if (zones.size >= MAX_ZONES) zones.clear();
    z = new LocalDays(timeZone);
    zones.set(timeZone, z);
  }
  return z;
}
