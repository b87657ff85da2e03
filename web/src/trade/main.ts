// A page per trade (SPEC §13): /trades/ID. Its own bundle; reads GET /api/public/paper-trading/ID/.
import { mount } from 'svelte';
import TradePage from './TradePage.svelte';
import { TradeState, tradeIdOfPath } from './trade.svelte.ts';
import '../styles.css';

const target = document.getElementById('app');
if (!target) throw new Error('#app missing');
const state = new TradeState(tradeIdOfPath(location.pathname));
mount(TradePage, { target, props: { state } });
void state.load();
