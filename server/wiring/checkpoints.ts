// SPEC §15 signed checkpoints, on the engine (the ledger's writer): the deployment's key loaded (or
// made) at start and recorded as the key in use, the head signed at start, every
// CHECKPOINT_INTERVAL_S and once more at shutdown after the last writes are flushed.
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { EngineCore } from './engine-core.ts';
import type { Step } from './lifecycle.ts';
import { Checkpointer } from '../ledger/checkpointer.ts';
import { loadOrCreateLedgerKey } from '../ledger/ledger-key.ts';
import { CheckpointStore } from '../persistence/checkpoint-store.ts';
import { SqlRunner } from '../persistence/sql-runner.ts';

export function wireCheckpoints(d: { config: Config; log: Logger; core: Pick<EngineCore, 'orm'> }): { start: Step; stop: Step } {
  const log = d.log.child({ module: 'checkpoints' });
  const runner = new SqlRunner(d.core.orm);
  const store = new CheckpointStore((sql, b) => runner.query(sql, b));
  let checkpointer: Checkpointer | null = null;
  let timer: NodeJS.Timeout | undefined;
  const sign = async (when: string) => {
    const c = await checkpointer?.checkpoint();
    if (c) log.debug({ seq: c.seq, when }, 'ledger checkpoint signed');
  };
  return {
    start: {
      name: 'ledger checkpoints',
      run: async () => {
        const key = await loadOrCreateLedgerKey(d.config.checkpoints.keyFile);
        await store.useKey(key.json);
        log.info({ fingerprint: key.json.fingerprint, file: d.config.checkpoints.keyFile }, 'ledger checkpoints signed with this key');
        checkpointer = new Checkpointer(store, key);
        await sign('start');
        timer = setInterval(
          () => void sign('interval').catch((err: unknown) => log.warn({ err: String(err) }, 'ledger checkpoint not signed (next interval)')),
          d.config.checkpoints.intervalMs,
        );
        timer.unref();
      },
    },
    stop: {
      name: 'ledger checkpoint',
      run: async () => {
        clearInterval(timer);
        await sign('shutdown');
      },
    },
  };
}
