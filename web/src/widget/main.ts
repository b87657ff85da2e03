// /widget.js entry: defines <paperbook-ticker> once, even if the script is included twice.
import PaperbookTicker from './PaperbookTicker.svelte';

const TAG = 'paperbook-ticker';
// A component compiled with `customElement: true` carries its element class as a static `element` (Svelte 5).
const element = (PaperbookTicker as { element?: CustomElementConstructor }).element;
if (element && !customElements.get(TAG)) customElements.define(TAG, element);
