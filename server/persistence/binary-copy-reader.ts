// PostgreSQL's binary COPY format (`COPY … TO STDOUT (FORMAT binary)`) read from CopyData chunks as
// they arrive: the header once, then each tuple handed to `onTuple` as a cursor over its fields.
// Reads straight from a DataView over the chunk: no string per field, no array per row.

const SIGNATURE = 'PGCOPY\n\xff\r\n\0';
/** Signature, flags (int32), header extension length (int32). */
const HEADER_BYTES = 19;

/** Exact powers of ten as doubles (10^22 is the largest). */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
/** PostgreSQL's timestamp epoch (2000-01-01) in Unix ms. */
const PG_EPOCH_MS = 946_684_800_000;
const NUMERIC_NEG = 0x4000;
const NUMERIC_NAN = 0xc000;
const NUMERIC_PINF = 0xd000;
const NUMERIC_NINF = 0xf000;

/**
 * Reads one tuple's fields in order, in each type's binary send format; each read checks the
 * field's length (−1 = NULL). Numbers come out exactly as Number() of PostgreSQL's text would give.
 */
export class CopyFieldCursor {
  view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  buf: Buffer = Buffer.alloc(0);
  pos = 0;

  int8OrNull(): number | null {
    const len = this.length();
    if (len < 0) return null;
    if (len !== 8) throw new TypeError(`int8 field of ${len} bytes`);
    const v = this.int64At(this.pos);
    this.pos += 8;
    return v;
  }

  int8(): number {
    return notNull(this.int8OrNull());
  }

  int4(): number {
    if (this.length() !== 4) throw new TypeError('int4 field expected');
    const v = this.view.getInt32(this.pos);
    this.pos += 4;
    return v;
  }

  bool(): boolean {
    if (this.length() !== 1) throw new TypeError('bool field expected');
    return this.view.getUint8(this.pos++) !== 0;
  }

  /**
   * NUMERIC (ndigits, weight, sign, dscale, base-10000 digits) as the double nearest its decimal
   * value, i.e. what Number() of its text gives: one exact division or multiplication by a power of
   * ten when the digits fit in 2^53, else Number() of the digits with an exponent.
   */
  numericOrNull(): number | null {
    const len = this.length();
    if (len < 0) return null;
    const view = this.view;
    const at = this.pos;
    const ndigits = view.getInt16(at);
    if (len !== 8 + 2 * ndigits) throw new TypeError(`numeric field of ${len} bytes for ${ndigits} digits`);
    this.pos += len;
    const sign = view.getUint16(at + 4);
    if (sign === NUMERIC_NAN) return NaN;
    if (sign === NUMERIC_PINF) return Infinity;
    if (sign === NUMERIC_NINF) return -Infinity;
    let digits = 0;
    for (let i = 0; i < ndigits; i++) digits = digits * 10000 + view.getInt16(at + 8 + 2 * i);
    const exp = 4 * (view.getInt16(at + 2) - ndigits + 1);
    let x: number;
    if (digits <= Number.MAX_SAFE_INTEGER && exp >= -22 && exp <= 22) x = exp < 0 ? digits / (POW10[-exp] as number) : digits * (POW10[exp] as number);
    else x = Number(`${this.digitText(at + 8, ndigits)}e${exp}`);
    return sign === NUMERIC_NEG && x !== 0 ? -x : x;
  }

  numeric(): number {
    return notNull(this.numericOrNull());
  }

  /** timestamptz (µs since 2000-01-01 UTC) as Unix ms, truncated like date_trunc('milliseconds'). */
  timestampMsOrNull(): number | null {
    const us = this.int8OrNull();
    if (us === null) return null;
    const sub = ((us % 1000) + 1000) % 1000;
    return (us - sub) / 1000 + PG_EPOCH_MS;
  }

  timestampMs(): number {
    return notNull(this.timestampMsOrNull());
  }

  text(): string {
    const len = this.length();
    if (len < 0) throw new TypeError('unexpected NULL');
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  /**
   * A nullable text field of few distinct values (a trade's bot): matched by bytes against `seen`,
   * which it extends (up to 64 values), so a million rows of ten bots make ten strings.
   */
  internedTextOrNull(seen: string[]): string | null {
    const len = this.length();
    if (len < 0) return null;
    const buf = this.buf;
    const at = this.pos;
    this.pos += len;
    for (const v of seen) {
      if (v.length !== len) continue;
      let i = 0;
      while (i < len && buf[at + i] === v.charCodeAt(i)) i++;
      if (i === len) return v;
    }
    const s = buf.toString('utf8', at, at + len);
    if (seen.length < 64) seen.push(s);
    return s;
  }

  /** A text field that must be one of `values` (a check-constrained code): matched by bytes, no string made. */
  oneOf<T extends string>(values: readonly T[]): T {
    const len = this.length();
    const buf = this.buf;
    const at = this.pos;
    this.pos += len > 0 ? len : 0;
    for (const v of values) {
      if (v.length !== len) continue;
      let i = 0;
      while (i < len && buf[at + i] === v.charCodeAt(i)) i++;
      if (i === len) return v;
    }
    throw new RangeError(`not one of ${values.join(', ')}: ${len < 0 ? 'NULL' : buf.toString('utf8', at, at + len)}`);
  }

  private length(): number {
    const len = this.view.getInt32(this.pos);
    this.pos += 4;
    return len;
  }

  /** A signed 64-bit integer as the nearest double (exact below 2^53). */
  private int64At(at: number): number {
    return this.view.getInt32(at) * 4294967296 + this.view.getUint32(at + 4);
  }

  private digitText(at: number, ndigits: number): string {
    let s = '';
    for (let i = 0; i < ndigits; i++) s += String(this.view.getInt16(at + 2 * i)).padStart(4, '0');
    return s;
  }
}

function notNull<T>(v: T | null): T {
  if (v === null) throw new TypeError('unexpected NULL');
  return v;
}

export class BinaryCopyReader {
  private readonly cursor = new CopyFieldCursor();
  /** Bytes of a tuple split across chunks (copied: the driver reuses its buffer). */
  private rest: Buffer | null = null;
  private headerRead = false;
  private ended = false;
  tuples = 0;

  constructor(
    private readonly fieldCount: number,
    private readonly onTuple: (fields: CopyFieldCursor) => void,
  ) {}

  push(chunk: Buffer): void {
    const buf = this.rest === null ? chunk : Buffer.concat([this.rest, chunk]);
    this.rest = null;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let pos = this.headerRead ? 0 : this.readHeader(buf, view);
    while (pos >= 0 && pos + 2 <= buf.length && !this.ended) {
      const n = view.getInt16(pos);
      if (n === -1) {
        this.ended = true;
        pos += 2;
        break;
      }
      if (n !== this.fieldCount) throw new TypeError(`COPY tuple of ${n} fields, expected ${this.fieldCount}`);
      const end = tupleEnd(view, pos + 2, n);
      if (end < 0) break;
      const c = this.cursor;
      c.view = view;
      c.buf = buf;
      c.pos = pos + 2;
      this.onTuple(c);
      if (c.pos !== end) throw new TypeError(`COPY tuple read ${c.pos - pos} of ${end - pos} bytes`);
      this.tuples++;
      pos = end;
    }
    if (pos < 0) pos = 0;
    if (pos < buf.length) {
      if (this.ended) throw new TypeError('bytes after the COPY trailer');
      this.rest = Buffer.from(buf.subarray(pos));
    }
  }

  /** Throws unless the data ended with the trailer and nothing is left over. */
  finish(): void {
    if (!this.ended || this.rest !== null) throw new TypeError('COPY data ended early');
  }

  /** Offset after the header, or −1 (nothing consumed) while the header is incomplete. */
  private readHeader(buf: Buffer, view: DataView): number {
    if (buf.length < HEADER_BYTES) return -1;
    if (buf.toString('latin1', 0, 11) !== SIGNATURE) throw new TypeError('not binary COPY data');
    const end = HEADER_BYTES + view.getInt32(15);
    if (buf.length < end) return -1;
    this.headerRead = true;
    return end;
  }
}

/** Offset just past a tuple whose fields start at `pos`, or −1 if the buffer ends first. */
function tupleEnd(view: DataView, pos: number, fields: number): number {
  const size = view.byteLength;
  for (let i = 0; i < fields; i++) {
    if (pos + 4 > size) return -1;
    const len = view.getInt32(pos);
    pos += 4 + (len > 0 ? len : 0);
  }
  return pos <= size ? pos : -1;
}
