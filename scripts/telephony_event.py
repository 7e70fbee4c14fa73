#!/usr/bin/env python3
"""Send one signed call event to the Télévente telephony webhook (docs/TELEPHONY.md).

For the demo, for testing a connection, and as a reference implementation for integrators: it uses
only the Python standard library (3.11 or later), so it can be copied onto a softphone PC or an
Asterisk server.

    python3 scripts/telephony_event.py --from +33112081427 --to +33100000000 --agent televendeur
    python3 scripts/telephony_event.py --type ended --call-id <the same id> --duration 95
    python3 scripts/telephony_event.py --unsigned          # shows the 401 refusal

The signature is HMAC-SHA256 of "<timestamp>." followed by the body bytes, keyed with the shared
secret, sent as "X-Televente-Signature: sha256=<hex>" with "X-Televente-Timestamp: <unix seconds>".
Exit code 0 when the webhook answers 2xx, 1 otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid

DEFAULT_URL = "http://127.0.0.1:8000/appels/telephonie/evenements/"
DEMO_SECRET = "demo-telephony-secret"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Televente-Signature header value for this body sent at this timestamp."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def build_event(args: argparse.Namespace) -> dict:
    """The event's fields; a new event_id each time (the webhook refuses to apply an id twice)."""
    event = {
        "event_id": str(uuid.uuid4()),
        "type": args.type,
        "call_id": args.call_id,
        "direction": args.direction,
        "from": args.from_number,
        "to": args.to_number,
        "agent": args.agent,
        "occurred_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "duration": args.duration,
        "recording_url": args.recording_url,
    }
    return {name: value for name, value in event.items() if value is not None}


def send(url: str, body: bytes, headers: dict[str, str], timeout: float = 10) -> tuple[int, str]:
    """POSTs the body; returns the HTTP status and the answer's text (also for 4xx/5xx answers)."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Send one signed call event to the Télévente telephony webhook."
    )
    parser.add_argument("--url", default=DEFAULT_URL, help=f"webhook URL (default {DEFAULT_URL})")
    parser.add_argument(
        "--secret",
        default=os.environ.get("TELEPHONY_WEBHOOK_SECRET") or DEMO_SECRET,
        help="shared secret (default: $TELEPHONY_WEBHOOK_SECRET, else the demo secret)",
    )
    parser.add_argument("--type", choices=("ringing", "answered", "ended"), default="ringing")
    parser.add_argument(
        "--call-id", default=None, help="the call's id, the same for all its events (default: new)"
    )
    parser.add_argument("--direction", choices=("inbound", "outbound"), default="inbound")
    parser.add_argument("--from", dest="from_number", help="the caller's number, e.g. +33112081427")
    parser.add_argument("--to", dest="to_number", help="the called number")
    parser.add_argument("--agent", help="username of the rep on the line, e.g. televendeur")
    parser.add_argument("--duration", type=int, help="duration in seconds (usually with --type ended)")
    parser.add_argument("--recording-url", help="http(s) link to the call's recording")
    parser.add_argument(
        "--unsigned", action="store_true", help="send without signature headers (refused: 401)"
    )
    args = parser.parse_args(argv)
    args.call_id = args.call_id or str(uuid.uuid4())
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    body = json.dumps(build_event(args)).encode()
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if not args.unsigned:
        timestamp = str(int(time.time()))
        headers["X-Televente-Timestamp"] = timestamp
        headers["X-Televente-Signature"] = sign(args.secret, timestamp, body)
    print(f"POST {args.url}")
    print(body.decode())
    try:
        status, text = send(args.url, body, headers)
    except urllib.error.URLError as exc:
        print(f"connection failed: {exc.reason}", file=sys.stderr)
        return 1
    print(f"HTTP {status}")
    try:
        print(json.dumps(json.loads(text), indent=2, ensure_ascii=False))
    except ValueError:  # not JSON: a proxy's error page, a wrong URL...
        print(text if len(text) <= 800 else text[:800] + f"\n... ({len(text)} characters)")
    return 0 if 200 <= status < 300 else 1


if __name__ == "__main__":
    sys.exit(main())
