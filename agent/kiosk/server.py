"""The kiosk's HTTP server: the page, the question API (JSON and SSE), health and metrics.

Standard library ``ThreadingHTTPServer``: nothing to install on the Pi, no
CPU while idle, a few MB of RSS. Only a fixed set of files is ever served
(no path from the request reaches the file system) and no route changes the
device: the page can ask questions and nothing else.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit

from agent.kiosk.service import Kiosk, QuestionError
from agent.logs import fields

log = logging.getLogger(__name__)

MAX_BODY = 8192
STATIC = {"/": ("index.html", "text/html; charset=utf-8"), "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
          "/static/app.css": ("app.css", "text/css; charset=utf-8")}
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def _static(name: str) -> bytes:
    return resources.files("agent.kiosk.static").joinpath(name).read_bytes()


class KioskHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr: tuple[str, int], kiosk: Kiosk, shared: dict[str, Any] | None = None, store_name: str = "our store",
                 suggestions: list[str] | None = None, health: Callable[[], dict[str, Any]] | None = None) -> None:
        self.kiosk = kiosk
        self.shared = shared if shared is not None else {}
        self.store_name = store_name
        self.suggestions = suggestions or []
        self.own_health = health or (lambda: {"ok": True})
        self.requests = 0
        self.errors = 0
        self.static = {path: (_static(name), ctype) for path, (name, ctype) in STATIC.items()}
        super().__init__(addr, Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"


class Handler(BaseHTTPRequestHandler):
    server: KioskHTTPServer
    protocol_version = "HTTP/1.1"
    timeout = 30  # an idle or trickling client cannot hold a thread forever
    server_version = "edge-agent-kiosk"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        log.debug("http", extra=fields(client=self.client_address[0], line=format % args))

    # -- helpers -------------------------------------------------------------
    def _headers(self, status: int, ctype: str, length: int | None = None, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("Referrer-Policy", "no-referrer")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()

    def _json(self, status: int, obj: Any) -> None:
        body = json.dumps(obj).encode()
        self._headers(status, "application/json", len(body))
        self.wfile.write(body)

    def _error(self, status: int, message: str) -> None:
        self.server.errors += 1
        self._json(status, {"error": message})

    def _read_question(self) -> str | None:
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            self._error(HTTPStatus.BAD_REQUEST, "Content-Length must be a number.")
            return None
        if length > MAX_BODY:
            self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the request body is {length} bytes; send at most {MAX_BODY} bytes.")
            self.close_connection = True
            return None
        raw = self.rfile.read(length) if length > 0 else b""
        if ctype != "application/json":
            self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, 'send Content-Type: application/json with a body like {"question": "Where is the milk?"}.')
            return None
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            self._error(HTTPStatus.BAD_REQUEST, f"the body is not valid JSON ({getattr(e, 'msg', 'not UTF-8')}); send {{\"question\": \"...\"}}.")
            return None
        if not isinstance(body, dict) or "question" not in body:
            self._error(HTTPStatus.BAD_REQUEST, 'the body must be a JSON object with a "question" field.')
            return None
        if not isinstance(body["question"], str):
            self._error(HTTPStatus.BAD_REQUEST, '"question" must be a string of text.')
            return None
        return body["question"]

    # -- routes ---------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.server.requests += 1
        url = urlsplit(self.path)
        if url.path in self.server.static:
            body, ctype = self.server.static[url.path]
            self._headers(HTTPStatus.OK, ctype, len(body))
            self.wfile.write(body)
        elif url.path == "/api/suggestions":
            sugg = self.server.suggestions or self.server.kiosk.suggestions()
            self._json(HTTPStatus.OK, {"store": self.server.store_name, "suggestions": sugg})
        elif url.path == "/api/ask/stream":
            q = parse_qs(url.query).get("q", [""])[0]
            self._stream(q)
        elif url.path == "/api/health":
            fn = self.server.shared.get("health")
            try:
                report = fn() if callable(fn) else self.server.own_health()
            except Exception as e:
                report = {"ok": False, "error": f"health report failed: {type(e).__name__}"}
                log.warning("health callable failed", extra=fields(error=str(e)))
            self._json(HTTPStatus.OK if report.get("ok") else HTTPStatus.SERVICE_UNAVAILABLE, report)
        elif url.path == "/metrics":
            fn = self.server.shared.get("metrics")
            text = (fn() if callable(fn) else "") + self._kiosk_metrics()
            body = text.encode()
            self._headers(HTTPStatus.OK, "text/plain; version=0.0.4; charset=utf-8", len(body))
            self.wfile.write(body)
        elif url.path == "/api/ask":
            self._error(HTTPStatus.METHOD_NOT_ALLOWED, 'use POST with {"question": "..."}, or GET /api/ask/stream?q=...')
        else:
            self._error(HTTPStatus.NOT_FOUND, f"no such page: {url.path}")

    def do_POST(self) -> None:  # noqa: N802
        self.server.requests += 1
        path = urlsplit(self.path).path
        if path not in ("/api/ask", "/api/ask/stream"):
            self._error(HTTPStatus.NOT_FOUND, f"no such endpoint: {path}")
            return
        q = self._read_question()
        if q is None:
            return
        if path == "/api/ask/stream":
            self._stream(q)
            return
        try:
            ans = self.server.kiosk.ask(q)
        except QuestionError as e:
            self._error(HTTPStatus.BAD_REQUEST, str(e))
            return
        except Exception:
            log.exception("answering failed")
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, "the kiosk could not answer; please ask a member of staff.")
            return
        self._json(HTTPStatus.OK, ans.to_dict())

    def _stream(self, q: str) -> None:
        """Server-sent events: one ``sentence`` event per checked sentence, then ``done``."""
        self._headers(HTTPStatus.OK, "text/event-stream; charset=utf-8", extra={"X-Accel-Buffering": "no"})
        self.close_connection = True
        try:
            for kind, value in self.server.kiosk.stream(q):
                if kind == "sentence":
                    self._sse("sentence", {"text": value})
                else:
                    self._sse("done", value.to_dict())
        except (BrokenPipeError, ConnectionResetError):
            return  # the shopper walked away; the answer was still logged
        except QuestionError as e:
            self._sse("error", {"error": str(e)})
        except Exception:
            log.exception("answering failed")
            self._sse("error", {"error": "the kiosk could not answer; please ask a member of staff."})

    def _sse(self, event: str, data: dict[str, Any]) -> None:
        self.wfile.write(f"event: {event}\ndata: {json.dumps(data)}\n\n".encode())
        self.wfile.flush()

    def _kiosk_metrics(self) -> str:
        k = self.server.kiosk
        return ("# HELP edge_kiosk_answers_total Questions answered by the kiosk.\n# TYPE edge_kiosk_answers_total counter\n"
                f"edge_kiosk_answers_total {k.answered}\n"
                "# HELP edge_kiosk_template_answers_total Answers that used (some) template sentences instead of the model.\n"
                f"# TYPE edge_kiosk_template_answers_total counter\nedge_kiosk_template_answers_total {k.fallbacks}\n"
                "# HELP edge_kiosk_products Products in the current catalog.\n# TYPE edge_kiosk_products gauge\n"
                f"edge_kiosk_products {len(k.catalog.products)}\n"
                "# HELP edge_kiosk_http_errors_total HTTP requests answered with an error.\n# TYPE edge_kiosk_http_errors_total counter\n"
                f"edge_kiosk_http_errors_total {self.server.errors}\n")
