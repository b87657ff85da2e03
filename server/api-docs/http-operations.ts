// Every HTTP route the server registers, described once: the OpenAPI document (openapi.ts) is built
// from this table, and tests/api/api-description.test.ts fails when a registered route is missing
// here or this names a route that does not exist. Request shapes are the validators' own schemas;
// response shapes are named and documented in docs/protocol.md (their types: shared/protocol-types.ts).
import type { z } from 'zod';
import { signalSchema } from '../../shared/signal-schema.ts';
import { signalUpdateSchema } from '../../shared/signal-update.ts';
import { performanceQuerySchema } from '../../shared/metrics/filters.ts';
import { candleQuerySchema } from '../../shared/candle-query.ts';
import { credentialsSchema, loginSchema, manualTradeSchema } from '../../shared/manual-trade-schema.ts';
import { botQuerySchema, checkpointPageQuerySchema, ledgerPageQuerySchema, listQuerySchema, publicListQuerySchema } from '../queries/list-query.ts';

export type Auth = 'none' | 'bot' | 'user';

export interface HttpOperation {
  method: 'GET' | 'POST' | 'PATCH';
  /** As the router registers it (`:param`). */
  path: string;
  tag: 'Public record' | 'Bots' | 'Users' | 'Operations' | 'Pages';
  summary: string;
  auth: Auth;
  /** Path parameters' descriptions, by name. */
  params?: Record<string, string>;
  query?: z.ZodType;
  body?: { schema: z.ZodType } | { text: string };
  /** Status → what the answer is; `type` its media type (default JSON). */
  responses: Record<string, { description: string; type?: string }>;
}

const PT = '/api/public/paper-trading';
const err = (d: string) => ({ description: `${d}: {"error": {code, message, field?}}` });
const ack = {
  '201': { description: 'Stored and acked: {ok: true, signal_id, trade_id, duplicate: false} (docs/protocol.md §5)' },
  '200': { description: 'An external_id seen before: the same ack with duplicate: true; nothing stored twice' },
  '400': err('VALIDATION_ERROR naming the field'),
  '401': err('No valid bot token'),
  '429': err('RATE_LIMITED'),
  '503': err('UNAVAILABLE: nothing was stored, retry'),
};

const updateAnswers = {
  '200': { description: 'The ack' },
  '400': err('VALIDATION_ERROR'),
  '401': err('No valid bot token'),
  '404': err('No such open signal of this bot'),
};

export const HTTP_OPERATIONS: readonly HttpOperation[] = [
  {
    method: 'GET',
    path: `${PT}/`,
    tag: 'Public record',
    summary: 'System trades, filtered, paged and ordered',
    auth: 'none',
    query: publicListQuerySchema,
    responses: { '200': { description: '{count, next, previous, results: [trade]}' }, '400': err('A bad filter') },
  },
  {
    method: 'GET',
    path: `${PT}/summary/`,
    tag: 'Public record',
    summary: 'The live summary of the all-bots record, or of one bot',
    auth: 'none',
    query: botQuerySchema,
    responses: { '200': { description: '{performance, open_trades_count, recent_closed_trades}' } },
  },
  {
    method: 'GET',
    path: `${PT}/open-positions/`,
    tag: 'Public record',
    summary: 'Open system trades with live P/L',
    auth: 'none',
    query: botQuerySchema,
    responses: { '200': { description: '[open position]' } },
  },
  {
    method: 'GET',
    path: `${PT}/performance/`,
    tag: 'Public record',
    summary: 'Performance and risk metrics (SPEC §3, §12)',
    auth: 'none',
    query: performanceQuerySchema,
    responses: { '200': { description: 'The performance body' }, '400': err('A bad filter') },
  },
  {
    method: 'GET',
    path: `${PT}/export.csv`,
    tag: 'Public record',
    summary: 'The list as CSV (RFC 4180), 10,000 rows an answer, Link rel=next past that',
    auth: 'none',
    query: publicListQuerySchema,
    responses: { '200': { description: 'CSV', type: 'text/csv' } },
  },
  {
    method: 'GET',
    path: `${PT}/:id/`,
    tag: 'Public record',
    summary: 'One system trade with its ledger rows (SPEC §13)',
    auth: 'none',
    params: { id: 'Trade id' },
    responses: { '200': { description: 'The trade and its ledger rows' }, '404': err('No system trade has that id') },
  },
  {
    method: 'GET',
    path: '/api/public/bots/',
    tag: 'Public record',
    summary: 'Public bots with their headline figures (SPEC §11)',
    auth: 'none',
    responses: { '200': { description: '[bot]' } },
  },
  {
    method: 'GET',
    path: '/api/public/bots/:name/',
    tag: 'Public record',
    summary: 'One bot by name, listed or not',
    auth: 'none',
    params: { name: 'Bot name (its token name)' },
    responses: { '200': { description: 'The bot' }, '404': err('No bot of that name has public trades') },
  },
  {
    method: 'GET',
    path: '/api/public/ledger/',
    tag: 'Public record',
    summary: 'Pages of the hash-chained ledger',
    auth: 'none',
    query: ledgerPageQuerySchema,
    responses: { '200': { description: '{rows: [ledger row], next_after}' } },
  },
  {
    method: 'GET',
    path: '/api/public/ledger/verify',
    tag: 'Public record',
    summary: 'The last full verification of the chain (and one bot’s share)',
    auth: 'none',
    query: botQuerySchema,
    responses: { '200': { description: 'The verification report' } },
  },
  {
    method: 'GET',
    path: '/api/public/ledger/key',
    tag: 'Public record',
    summary: 'The Ed25519 public key that signs the checkpoints, with its fingerprint (SPEC §15)',
    auth: 'none',
    responses: { '200': { description: '{algorithm, public_key, fingerprint, created_at}' }, '503': err('No key recorded yet') },
  },
  {
    method: 'GET',
    path: '/api/public/ledger/checkpoints/',
    tag: 'Public record',
    summary: 'Signed checkpoints of the ledger head, ascending by seq (SPEC §15)',
    auth: 'none',
    query: checkpointPageQuerySchema,
    responses: { '200': { description: '{next_after, latest, results: [{seq, head_hash, at, signature, key_fingerprint}]}' } },
  },
  {
    method: 'GET',
    path: '/api/public/feed-health/',
    tag: 'Public record',
    summary: 'Price feed health of public symbols',
    auth: 'none',
    responses: { '200': { description: 'Per public symbol: ticks, age, staleness' } },
  },
  {
    method: 'GET',
    path: '/api/public/candles/',
    tag: 'Public record',
    summary: 'OHLC candles of symbols with system trades (SPEC §13)',
    auth: 'none',
    query: candleQuerySchema,
    responses: { '200': { description: '{key, interval, candles}' }, '404': err('No system trade holds that symbol') },
  },
  {
    method: 'GET',
    path: '/badge.svg',
    tag: 'Public record',
    summary: 'A README badge: win rate and realised P/L',
    auth: 'none',
    query: botQuerySchema,
    responses: { '200': { description: 'SVG', type: 'image/svg+xml' }, '404': { description: 'A badge saying no such bot', type: 'image/svg+xml' } },
  },
  {
    method: 'POST',
    path: '/api/signals',
    tag: 'Bots',
    summary: 'A signal (SPEC §1): opens a system paper trade',
    auth: 'bot',
    body: { schema: signalSchema },
    responses: ack,
  },
  {
    method: 'PATCH',
    path: '/api/signals/:id',
    tag: 'Bots',
    summary: 'New terms for an open signal (SPEC §9)',
    auth: 'bot',
    params: { id: 'Signal id' },
    body: { schema: signalUpdateSchema },
    responses: updateAnswers,
  },
  {
    method: 'PATCH',
    path: '/api/signals/by-external-id/:external_id',
    tag: 'Bots',
    summary: 'New terms for an open signal, by the bot’s own id',
    auth: 'bot',
    params: { external_id: 'The signal’s external_id' },
    body: { schema: signalUpdateSchema },
    responses: updateAnswers,
  },
  {
    method: 'POST',
    path: '/api/signals/text',
    tag: 'Bots',
    summary: 'A signal as a channel writes it (SPEC §9); ?external_id= or X-External-Id',
    auth: 'bot',
    body: { text: 'The channel message, UTF-8, at most 4,000 characters' },
    responses: {
      ...ack,
      '400': err('VALIDATION_ERROR with field, line and line_text'),
      '413': err('Longer than 4,000 characters'),
      '415': err('Not text/plain'),
    },
  },
  {
    method: 'POST',
    path: '/api/webhooks/tradingview/:token',
    tag: 'Bots',
    summary: 'A TradingView alert (SPEC §14): the token in the path, the body a signal payload',
    auth: 'none',
    params: { token: 'A bot token (TradingView sets no headers)' },
    body: { schema: signalSchema },
    responses: { ...ack, '401': err('The path has no valid bot token') },
  },
  {
    method: 'POST',
    path: '/api/auth/register',
    tag: 'Users',
    summary: 'A new account; answers its token',
    auth: 'none',
    body: { schema: credentialsSchema },
    responses: { '201': { description: '{token, user}' }, '400': err('VALIDATION_ERROR'), '409': err('The username is taken'), '429': err('RATE_LIMITED') },
  },
  {
    method: 'POST',
    path: '/api/auth/login',
    tag: 'Users',
    summary: 'A token for an account',
    auth: 'none',
    body: { schema: loginSchema },
    responses: { '200': { description: '{token, user}' }, '401': err('Wrong username or password'), '429': err('RATE_LIMITED') },
  },
  {
    method: 'POST',
    path: '/api/auth/logout',
    tag: 'Users',
    summary: 'Revokes the token (its /me sockets disconnect)',
    auth: 'user',
    responses: { '200': { description: '{ok: true}' }, '401': err('No valid user token') },
  },
  {
    method: 'GET',
    path: '/api/paper-trades',
    tag: 'Users',
    summary: 'The user’s own manual trades (private)',
    auth: 'user',
    query: listQuerySchema,
    responses: { '200': { description: '{count, results}' }, '401': err('No valid user token') },
  },
  {
    method: 'POST',
    path: '/api/paper-trades',
    tag: 'Users',
    summary: 'A manual paper trade at the last price',
    auth: 'user',
    body: { schema: manualTradeSchema },
    responses: { '201': { description: 'The trade' }, '400': err('VALIDATION_ERROR'), '401': err('No valid user token'), '409': err('A cap reached') },
  },
  {
    method: 'GET',
    path: '/api/paper-trades/:id',
    tag: 'Users',
    summary: 'One of the user’s trades',
    auth: 'user',
    params: { id: 'Trade id' },
    responses: { '200': { description: 'The trade' }, '401': err('No valid user token'), '404': err('Not the user’s trade') },
  },
  {
    method: 'POST',
    path: '/api/paper-trades/:id/close',
    tag: 'Users',
    summary: 'Closes one of the user’s open trades at the last price',
    auth: 'user',
    params: { id: 'Trade id' },
    responses: { '200': { description: 'The closed trade' }, '401': err('No valid user token'), '404': err('Not the user’s open trade') },
  },
  { method: 'GET', path: '/healthz', tag: 'Operations', summary: 'Liveness', auth: 'none', responses: { '200': { description: '{status: "ok"}' } } },
  {
    method: 'GET',
    path: '/readyz',
    tag: 'Operations',
    summary: 'Readiness: database, feed, intake',
    auth: 'none',
    responses: { '200': { description: 'Ready, with its checks' }, '503': { description: 'Not ready, with the failing checks' } },
  },
  {
    method: 'GET',
    path: '/metrics',
    tag: 'Operations',
    summary: 'Prometheus metrics (public series only; passes promtool check metrics)',
    auth: 'none',
    responses: { '200': { description: 'Prometheus text format', type: 'text/plain' } },
  },
  {
    method: 'GET',
    path: '/api/openapi.json',
    tag: 'Operations',
    summary: 'This description (OpenAPI 3.1)',
    auth: 'none',
    responses: { '200': { description: 'OpenAPI 3.1' } },
  },
  {
    method: 'GET',
    path: '/api/asyncapi.json',
    tag: 'Operations',
    summary: 'The socket API (AsyncAPI 3)',
    auth: 'none',
    responses: { '200': { description: 'AsyncAPI 3' } },
  },
  {
    method: 'GET',
    path: '/api/docs',
    tag: 'Pages',
    summary: 'The API reference page',
    auth: 'none',
    responses: { '200': { description: 'HTML', type: 'text/html' } },
  },
  {
    method: 'GET',
    path: '/trades/:id',
    tag: 'Pages',
    summary: 'A trade’s page with its Open Graph tags (SPEC §13)',
    auth: 'none',
    params: { id: 'Trade id' },
    responses: { '200': { description: 'HTML', type: 'text/html' }, '404': { description: 'A not-found page', type: 'text/html' } },
  },
];
