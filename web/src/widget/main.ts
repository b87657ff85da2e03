// /widget.js entry: defines <paperbook-ticker> once, even if the script is included twice.
import PaperbookTicker from './PaperbookTicker.svelte';

const TAG = 'paperbook-ticker';
const element = (PaperbookTicker as unknown as { element?: CustomElementConstructor }).element;
if (element && !customElements.get(TAG)) customElements.define(TAG, element);
