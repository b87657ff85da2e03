// Bots pages (SPEC §11): /bots (the leaderboard) and /bots/NAME (one bot's record). Their own small
// bundle: REST reads only, refreshed on a timer, no chart library.
import { mount } from 'svelte';
import BotsApp from './BotsApp.svelte';
import { BotsState, botOfPath } from './bots.svelte.ts';
import '../styles.css';

const target = document.getElementById('app');
if (!target) throw new Error('#app missing');
const state = new BotsState(botOfPath(location.pathname));
mount(BotsApp, { target, props: { state } });
state.start();
