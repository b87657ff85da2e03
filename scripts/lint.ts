// `npm run lint`: runs every lint step (ESLint, import rules, folder cycles, privacy wall, Prettier's check) even when one fails, then fails if any did.
import { spawnSync } from 'node:child_process';

const STEPS: { name: string; script: string }[] = [
  { name: 'eslint', script: 'lint:eslint' },
  { name: 'import rules', script: 'lint:deps' },
  { name: 'folder cycles', script: 'lint:cycles' },
  { name: 'privacy wall', script: 'lint:wall' },
  { name: 'format', script: 'format:check' },
];

const failed: string[] = [];
for (const step of STEPS) {
  const started = performance.now();
  const run = spawnSync('npm', ['run', '--silent', step.script], { stdio: 'inherit' });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const ok = run.status === 0;
  if (!ok) failed.push(step.name);
  console.log(`== lint ${step.name}: ${ok ? 'ok' : 'FAILED'} (${seconds} s)`);
}
if (failed.length > 0) {
  console.error(`lint failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
