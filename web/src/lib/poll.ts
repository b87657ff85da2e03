// REST polling for the page's side panels: at once, then every `everyMs` while the tab is visible.

/** Calls `load` now and then every `everyMs` while the page is visible; returns the stop function. */
export function pollWhileVisible(load: () => Promise<void>, everyMs: number): () => void {
  void load();
  const timer = setInterval(() => {
    if (document.visibilityState === 'visible') void load();
  }, everyMs);
  return () => clearInterval(timer);
}
