// The embeddable widget: one self-contained IIFE at web/dist/widget.js defining <paperbook-ticker>.
// No chart library, no zod; CSS is inlined into the element's shadow root by Svelte.
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { svelteOptions } from './svelte-options.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  publicDir: false,
  plugins: [svelte(svelteOptions)],
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: 'dist',
    emptyOutDir: false, // runs after the page build into the same folder
    target: 'es2020',
    lib: {
      entry: `${root}src/widget/main.ts`,
      formats: ['iife'],
      name: 'PaperbookWidget',
      fileName: () => 'widget.js',
    },
  },
});
