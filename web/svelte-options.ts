// Svelte plugin options shared by the page and widget builds. Files under src/widget/ compile to a
// custom element (<paperbook-ticker>), everything else to ordinary runes components.
import type { Options } from '@sveltejs/vite-plugin-svelte';

export const svelteOptions: Partial<Options> = {
  configFile: false,
  compilerOptions: { runes: true },
  dynamicCompileOptions({ filename }) {
    const f = filename.replaceAll('\\', '/');
    // Components only: .svelte.ts modules take no customElement option.
    if (f.includes('/src/widget/') && f.endsWith('.svelte')) return { customElement: true };
    return undefined;
  },
};
