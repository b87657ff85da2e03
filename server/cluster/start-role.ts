// Starts this process in its ROLE: `engine` (leader-elected writer) or `edge` (viewers and reads).
// ROLE=all does not come here: main.ts runs `startApp` directly, exactly as a single process.
import type { Config } from '../config.ts';
import type { AppOptions } from '../app.ts';
import { startEdge, type RoleHandle } from './edge-app.ts';
import { startEngine } from './engine-role.ts';

export function startRole(config: Config, opts: AppOptions): Promise<RoleHandle> {
  if (config.role === 'edge') return startEdge(config, opts);
  return startEngine(config, opts);
}
