#!/usr/bin/python3
"""A Paperbook bot in Python on python-socketio (Socket.IO v4 protocol, namespace /bot).

Needs only the standard library and python-socketio with its websocket transport; on Debian 12:

    apt-get install -y python3-socketio python3-requests python3-websocket
    PAPERBOOK_URL=http://localhost:3000 PAPERBOOK_TOKEN=<bot token> /usr/bin/python3 examples/python/paperbook_bot.py

It sends a signal with an external_id (the bot's idempotency key) and waits for the ack, moves the
stop with signal:update, sends a text signal with signal:text, then loses its connection, reconnects
and resends all three with the same ids: the server answers duplicate: true and makes no second
trade. It prints one JSON line per ack: {"step": ..., "ack": {...}}.

Optional: PAPERBOOK_SYMBOL (default BTCUSDT), PAPERBOOK_ENTRY (the entry price; by default the
symbol's live price from GET /api/public/paper-trading/open-positions/, else 95000),
PAPERBOOK_RUN_ID (prefix of the external ids; default the time, so every run makes new signals).
Contract: docs/protocol.md §5 and §9.
"""

import json
import os
import socket
import sys
import threading
import time
import urllib.request

import socketio

URL = os.environ.get("PAPERBOOK_URL", "http://localhost:3000").rstrip("/")
TOKEN = os.environ.get("PAPERBOOK_TOKEN")
SYMBOL = os.environ.get("PAPERBOOK_SYMBOL", "BTCUSDT")
RUN_ID = os.environ.get("PAPERBOOK_RUN_ID", "py-%d" % int(time.time() * 1000))
NAMESPACE = "/bot"


def level(x):
    """A price level with 6 significant digits (what a channel would write)."""
    return float("%.6g" % x)


def entry_price():
    """PAPERBOOK_ENTRY, else the live price of an open public position on the symbol, else 95000."""
    if os.environ.get("PAPERBOOK_ENTRY"):
        return float(os.environ["PAPERBOOK_ENTRY"])
    try:
        with urllib.request.urlopen(URL + "/api/public/paper-trading/open-positions/", timeout=5) as res:
            for trade in json.load(res):
                if trade["symbol"] == SYMBOL and trade["market_type"] == "SPOT" and trade.get("current_price"):
                    return level(trade["current_price"])
    except (OSError, ValueError) as err:
        print("no live price read (%s); using 95000" % err, file=sys.stderr)
    return 95000.0


class PaperbookBot:
    """A /bot client whose sends survive a dropped link: each one is retried, with the same ids, until acked."""

    def __init__(self, url, token):
        self.url = url
        self.token = token
        self.up = threading.Event()
        # reconnection=True (the default): after a drop the client reconnects by itself, with backoff.
        self.sio = socketio.Client(reconnection=True, reconnection_delay=0.5, reconnection_delay_max=5)
        self.sio.on("connect", self.up.set, namespace=NAMESPACE)
        self.sio.on("disconnect", self.up.clear, namespace=NAMESPACE)
        self.refusal = None
        self.sio.on("connect_error", self.on_connect_error, namespace=NAMESPACE)

    def on_connect_error(self, data):
        # The server's reason, e.g. {"message": "unauthorized"} for a wrong token.
        self.refusal = data.get("message") if isinstance(data, dict) else data

    def connect(self):
        # Socket.IO v4 handshake auth: {"token": ...} in the CONNECT packet of /bot.
        try:
            self.sio.connect(self.url, auth={"token": self.token}, namespaces=[NAMESPACE], transports=["websocket"], wait_timeout=5)
        except socketio.exceptions.ConnectionError as err:
            self.sio.disconnect()  # the Engine.IO link may be up without the namespace: close it, or it keeps the process alive
            raise SystemExit("could not connect to %s%s: %s" % (self.url, NAMESPACE, self.refusal or err))
        self.up.wait(10)

    def send(self, event, payload, attempts=5, timeout=5):
        """Emits with an ack and returns it. On a timeout, a drop or UNAVAILABLE it waits for the link and
        sends the same payload again: the external_id / update_id make the resend safe."""
        last = None
        for attempt in range(attempts):
            if attempt:
                time.sleep(min(2.0, 0.1 * 2**attempt))
            if not self.up.wait(timeout):
                last = "not connected"
                continue
            try:
                ack = self.sio.call(event, payload, namespace=NAMESPACE, timeout=timeout)
            except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError) as err:
                last = repr(err)
                continue
            if not ack.get("ok") and ack.get("error", {}).get("code") == "UNAVAILABLE":
                last = ack
                continue
            return ack
        raise RuntimeError("%s: no acknowledgement after %d attempts (%s)" % (event, attempts, last))

    def drop_link(self):
        """For the demonstration: cuts the TCP connection under the WebSocket, as a network failure
        would (sio.disconnect() would be a deliberate goodbye, not followed by a reconnect)."""
        self.up.clear()
        self.sio.eio.ws.sock.shutdown(socket.SHUT_RDWR)

    def close(self):
        self.sio.disconnect()


def report(step, ack):
    print(json.dumps({"step": step, "ack": ack}), flush=True)


def main():
    if not TOKEN:
        print("set PAPERBOOK_TOKEN to a bot token (npm run cli -- token:create --kind bot --name NAME)", file=sys.stderr)
        return 2
    entry = entry_price()
    bot = PaperbookBot(URL, TOKEN)
    bot.connect()

    # 1. A signal with our own id (the idempotency key, unique per bot).
    signal = {
        "external_id": RUN_ID + "-long",
        "symbol": SYMBOL,
        "direction": "LONG",
        "timeframe": "1h",
        "entry": entry,
        "tp": [level(entry * 1.02), level(entry * 1.04)],
        "sl": level(entry * 0.98),
        "confidence": 0.7,
    }
    opened = bot.send("signal", signal)
    report("signal", opened)
    if not opened.get("ok"):
        print("signal refused: %s" % opened["error"]["message"], file=sys.stderr)
        return 1

    # 2. Move the stop up (a LONG's stop must stay below the last price); update_id makes a resend idempotent.
    update = {"external_id": signal["external_id"], "update_id": RUN_ID + "-stop-1", "sl": level(entry * 0.99)}
    report("update", bot.send("signal:update", update))

    # 3. A text signal as a channel writes it; the server parses it into the same payload.
    text = "\n".join(
        [
            "%s SHORT" % SYMBOL,
            "Entry: %s" % entry,
            "Targets: %s %s" % (level(entry * 0.98), level(entry * 0.96)),
            "Stop: %s" % level(entry * 1.02),
        ]
    )
    text_signal = {"text": text, "external_id": RUN_ID + "-text"}
    report("text", bot.send("signal:text", text_signal))

    # 4. The link drops; the client reconnects by itself. Not knowing whether the last sends landed, the
    # bot sends them again with the same ids: duplicate: true, the same trade, nothing applied twice.
    bot.drop_link()
    report("signal-resend", bot.send("signal", signal, attempts=10))
    report("update-resend", bot.send("signal:update", update))
    report("text-resend", bot.send("signal:text", text_signal))

    bot.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
