// Process-level last resort: an exception or rejection nobody caught is logged and the server keeps
// running. Every request, packet and timer path has its own boundary, so reaching here is a bug in one
// callback: JavaScript has unwound that callback only, durable state is in PostgreSQL, and exiting
// would hand whoever found the bug a remote off switch for every viewer (docs/decisions.md).
import type { Logger } from '../logger.ts';

export interface CrashGuards {
  /** Uncaught exceptions and unhandled rejections seen so far. */
  readonly count: number;
  uninstall(): void;
}

export function installCrashGuards(log: Logger): CrashGuards {
  let count = 0;
  const onException = (err: unknown, origin: string) => {
    count++;
    log.error({ err, origin, count }, 'uncaught exception: logged, server kept running (this is a bug)');
  };
  const onRejection = (reason: unknown) => {
    count++;
    log.error({ err: reason, count }, 'unhandled promise rejection: logged, server kept running (this is a bug)');
  };
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return {
    get count() {
      return count;
    },
    uninstall() {
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
    },
  };
}
