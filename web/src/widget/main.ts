// /widget.js entry: defines <paperbook-ticker> once, even if the script is included twice.
import PaperbookTicker from './PaperbookTicker.svelte';

const TAG = 'paperbook-ticker';
// A component compiled with `customElement: true` carries its element class as a static `element` (Svelte 5).
const element = (PaperbookTicker as { element?: CustomElementConstructor }).element;
if (element && !customElements.get(TAG)) customElements.define(TAG, element);

// /embed/ticker?bot=NAME (an iframe of this server's own page): the element takes the bot from the URL.
const embedBot = location.pathname.replace(/\/+$/, '') === '/embed/ticker' ? new URLSearchParams(location.search).get('bot') : null;
if (embedBot) for (const el of document.querySelectorAll(`${TAG}:not([bot])`)) el.setAttribute('bot', embedBot);
