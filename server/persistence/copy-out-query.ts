// A `COPY … TO STDOUT` statement on a pg connection: the driver's CopyData messages are handed over
// as raw chunks (pg's Query ignores them). A chunk is a view into the driver's read buffer, valid
// only during the call.
import pg from 'pg';

class CopyOutQuery extends pg.Query {
  failure: { err: unknown } | undefined;

  constructor(
    text: string,
    private readonly onChunk: (chunk: Buffer) => void,
  ) {
    super({ text });
  }

  handleCopyData(msg: { chunk: Buffer }): void {
    if (this.failure) return;
    try {
      this.onChunk(msg.chunk);
    } catch (err) {
      // Must not throw inside the driver's parser: the copy drains, then the caller rejects.
      this.failure = { err };
    }
  }
}

/** Runs one COPY … TO STDOUT (no bind parameters: COPY takes none) and feeds its data to `onChunk`. */
export function copyOut(conn: pg.Client, sql: string, onChunk: (chunk: Buffer) => void): Promise<void> {
  const query = new CopyOutQuery(sql, onChunk);
  return new Promise<void>((resolve, reject) => {
    query.on('error', reject);
    query.on('end', () => (query.failure ? reject(query.failure.err) : resolve()));
    conn.query(query);
  });
}
