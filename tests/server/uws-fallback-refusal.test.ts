// Issue 16 item 11: start-up refuses the uWS JavaScript fallback, naming the supported Node versions.
// The real fallback is forced through the package's own switch (UWS_USE_FALLBACK), and the message
// is checked on the runtimes it must describe (Node 22/24, where no binary ships).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { detectUwsRuntime, uwsRuntimeProblem, type UwsRuntime } from '../../server/transport/uws-runtime.ts';

const linux = { platform: 'linux', arch: 'x64', shippedAbis: ['93', '108', '115'] };

describe('uWS native binary check', () => {
  it('`npm start` on the fallback exits 2 before serving, naming the supported Node versions', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: {
        ...process.env,
        UWS_USE_FALLBACK: '1',
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
        DEMO_BOT: 'off',
        LOG_LEVEL: 'warn',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr + r.stdout).toBe(2);
    expect(r.stderr).toMatch(/JavaScript shim/);
    expect(r.stderr).toMatch(/Supported here: Node\.js 20 \(20\.19 or later\)/);
    expect(r.stdout).not.toMatch(/live at/);
  }, 90_000);

  it('this process runs the native binary', () => {
    expect(uwsRuntimeProblem(detectUwsRuntime())).toBeNull();
  });

  it.each([
    ['22.12.0', '127'],
    ['24.1.0', '137'],
  ])('Node %s (ABI %s, no binary shipped): names the Node it runs on and the supported ones', (node, abi) => {
    const rt: UwsRuntime = { native: false, node, abi, ...linux };
    const msg = uwsRuntimeProblem(rt)!;
    expect(msg).toContain(`no native binary for Node.js ${node} (module ABI ${abi}) on linux-x64`);
    expect(msg).toContain('Supported here: Node.js 20 (20.19 or later).');
  });

  it('binaries for newer Node listed when the package ships them; older ones never', () => {
    const msg = uwsRuntimeProblem({ native: false, node: '26.0.0', abi: '147', platform: 'linux', arch: 'x64', shippedAbis: ['108', '115', '127', '137'] })!;
    expect(msg).toContain('Supported here: Node.js 20 (20.19 or later), Node.js 22, Node.js 24.');
    expect(uwsRuntimeProblem({ native: false, node: '20.20.0', abi: '115', platform: 'sunos', arch: 'x64', shippedAbis: [] })).toContain(
      'none on this platform',
    );
  });
});
