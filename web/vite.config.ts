// The dashboard build: multi-page (/ + /bot-performance → index.html, /bots and /bots/NAME → bots.html,
// /embed/ticker) into web/dist.
// The widget (/widget.js) is a separate IIFE build: vite.widget.config.ts.
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { svelteOptions } from './svelte-options.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
const backend = process.env.PAPERBOOK_DEV_BACKEND ?? 'http://localhost:3000';

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  plugins: [svelte(svelteOptions)],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rolldownOptions: {
      input: {
        index: `${root}index.html`,
        'embed/ticker': `${root}embed/ticker.html`,
        bots: `${root}bots.html`,
        trade: `${root}trade.html`,
        // The API reference (/api/docs): its own bundle, nothing of the dashboard's.
        'api/docs': `${root}api/docs.html`,
      },
    },
  },
  server: {
    proxy: {
      '/api': backend,
      '/socket.io': { target: backend, ws: true },
    },
  },
});
