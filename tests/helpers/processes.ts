// Processes seen through /proc (Linux): what a test must find gone after a server stops.
import { readdir, readFile } from 'node:fs/promises';

/** Pids of processes whose command line mentions `text` (a data dir: the embedded postgres and its workers). */
export async function processesUsing(text: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(text)) pids.push(Number(entry));
  }
  return pids;
}
