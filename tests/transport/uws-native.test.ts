// The uWS package silently falls back to a slow `ws` shim when its binary fails to load: prove it did not.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

describe('uWebSockets.js', () => {
  it('loads the native binary, not the fallback', () => {
    const uws = require('uWebSockets.js');
    const binary = require.resolve(`uWebSockets.js/binaries/uws_${process.platform}_${process.arch}_${process.versions.modules}.node`);
    expect(uws).toBe(require(binary));
    expect(Object.keys(require.cache).some((k) => k.endsWith('.node') && k.includes('uws_'))).toBe(true);
    expect(typeof uws.App).toBe('function');
  });
});
