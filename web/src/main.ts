// Dashboard entry (/ and /bot-performance): one socket, one state object, mounted once.
import { mount } from 'svelte';
import App from './app/App.svelte';
import { createPublicSocket } from './lib/public-socket.ts';
import { DashboardState } from './state/dashboard.svelte.ts';
import { EquityState } from './state/equity.svelte.ts';
import './styles.css';

const target = document.getElementById('app');
if (!target) throw new Error('#app missing');
// `?batch=off` applies every stream message as it arrives (the frame-time benchmark's baseline).
const perMessage = new URLSearchParams(location.search).get('batch') === 'off';
const dashboard = new DashboardState(createPublicSocket(), perMessage ? (flush) => flush() : undefined);
const equity = new EquityState();
mount(App, { target, props: { dashboard, equity } });
dashboard.start();
