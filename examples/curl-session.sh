#!/usr/bin/env bash
# A Paperbook bot over plain HTTP with curl (docs/protocol.md §4, §9, §14): a JSON signal, its
# resend (duplicate), a stop update, a text signal, a TradingView-style alert, then the public reads.
#
#   PAPERBOOK_URL=http://localhost:3000 PAPERBOOK_TOKEN=<bot token> bash examples/curl-session.sh
#
# Optional: PAPERBOOK_BOT (the token's bot name, to narrow the public reads to it), PAPERBOOK_SYMBOL
# (default BTCUSDT), PAPERBOOK_ENTRY (default 95000, about where the simulated feed starts BTCUSDT:
# put it near the symbol's live price), PAPERBOOK_RUN_ID (prefix of the external ids; default the
# time). Each request line is printed, then the JSON answer, then `< STATUS`.
set -euo pipefail

URL="${PAPERBOOK_URL:-http://localhost:3000}"
URL="${URL%/}"
TOKEN="${PAPERBOOK_TOKEN:?set PAPERBOOK_TOKEN to a bot token (npm run cli -- token:create --kind bot --name NAME)}"
SYMBOL="${PAPERBOOK_SYMBOL:-BTCUSDT}"
ENTRY="${PAPERBOOK_ENTRY:-95000}"
RUN="${PAPERBOOK_RUN_ID:-curl-$(date +%s)}"
# Levels around the entry (awk: the shell has no floating point).
lvl() { awk -v e="$ENTRY" -v f="$1" 'BEGIN { printf "%.6g", e * f }'; }

call() { # METHOD PATH [curl args…]: prints the request line, then the status and the JSON answer
  local method="$1" path="$2"
  shift 2
  echo "> $method $path"
  curl -sS -X "$method" -w '\n< %{http_code}\n' "$@" "$URL$path"
}
auth=(-H "Authorization: Bearer $TOKEN")
json=(-H 'Content-Type: application/json')

# 1. A signal (201 created), then the same one again: 200, duplicate: true, the same trade.
signal="{\"external_id\":\"$RUN-long\",\"symbol\":\"$SYMBOL\",\"direction\":\"LONG\",\"entry\":$ENTRY,\"tp\":[$(lvl 1.02),$(lvl 1.04)],\"sl\":$(lvl 0.98)}"
call POST /api/signals "${auth[@]}" "${json[@]}" -d "$signal"
call POST /api/signals "${auth[@]}" "${json[@]}" -d "$signal"

# 2. Move its stop up, by our own id; update_id makes a resend of the update idempotent.
call PATCH "/api/signals/by-external-id/$RUN-long" "${auth[@]}" "${json[@]}" -d "{\"update_id\":\"$RUN-stop-1\",\"sl\":$(lvl 0.99)}"

# 3. A text signal as a channel writes it (text/plain; the idempotency key in ?external_id=).
call POST "/api/signals/text?external_id=$RUN-text" "${auth[@]}" -H 'Content-Type: text/plain' \
  --data-binary "$SYMBOL SHORT
Entry: $ENTRY
Targets: $(lvl 0.98) $(lvl 0.96)
Stop: $(lvl 1.02)"

# 4. A TradingView alert: the token in the path (TradingView sets no headers), its own spellings.
call POST "/api/webhooks/tradingview/$TOKEN" "${json[@]}" \
  -d "{\"external_id\":\"$RUN-tv\",\"symbol\":\"BINANCE:$SYMBOL\",\"direction\":\"buy\",\"timeframe\":\"60\",\"entry\":\"$ENTRY\",\"tp\":\"$(lvl 1.03)\",\"sl\":\"$(lvl 0.97)\"}"

# 5. The public record (no token): the trades, the summary, the open positions with live P/L.
bot="${PAPERBOOK_BOT:+?bot=$PAPERBOOK_BOT}"
call GET "/api/public/paper-trading/$bot"
call GET "/api/public/paper-trading/summary/$bot"
call GET "/api/public/paper-trading/open-positions/$bot"
