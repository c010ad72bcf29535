"""A mock OpenAI-compatible upstream (Chat Completions) on 127.0.0.1 for the nginx module tests.

POST /v1/chat/completions answers by what the request asks:
  - "tools" present        -> a get_weather tool call (arguments {"city": "Paris"})
  - a message says FAIL429 -> a 429 OpenAI error
  - a message says BADJSON -> a 200 whose body is not JSON (a stream: one good chunk, then a bad one)
  - a message says MANY<n>  -> (stream) n content chunks sent as fast as possible
  - a message says CUTOFF   -> the response breaks off: the connection is closed (CUTRESET: reset)
                               after a few stream chunks / half of the JSON body
  - a message says CUTMID   -> (stream) as CUTOFF, but the connection closes inside an event
  - a message says GARBAGE  -> (stream) the role chunk, then binary bytes that are not SSE
  - a message says STALL    -> (stream) a few chunks, then silence for 3 s (past a short proxy_read_timeout)
  - a message says SLOWHEAD -> no answer for 3 s, then the usual one (nginx's 504 comes first)
  - "stream": true         -> SSE chunks (delay between chunks from the x-mock-delay header)
  - otherwise              -> the text "Hello from upstream"
Every request is recorded (headers and body) for the test to inspect: GET /_requests.
It requires "Authorization: Bearer upstream-key" (nginx's proxy_set_header), else 401.
"""
import gzip
import json
import re
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RECORDED = []
LOCK = threading.Lock()
WORDS = ["Hello", " from", " the", " streaming", " upstream", "."]


def chunk(model, delta, finish=None, usage=None):
    c = {"id": "chatcmpl-mock", "object": "chat.completion.chunk", "created": 1, "model": model,
         "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    if usage is not None:
        c["choices"] = []
        c["usage"] = usage
    return c


def cut_mode(req):
    text = json.dumps(req.get("messages", []))
    return "reset" if "CUTRESET" in text else "close" if "CUTOFF" in text or "CUTMID" in text else None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def break_off(self, mode):
        """Ends the connection in the middle of the response: a close (FIN) or a reset (RST)."""
        self.wfile.flush()
        if mode == "reset":
            time.sleep(0.2)                       # a reset drops what the peer has not read yet
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.rfile.close()                    # drops makefile's reference: close() really closes
            self.connection.close()
        self.close_connection = True

    def log_message(self, *args):
        pass

    def send_json(self, status, obj, raw=None):
        body = raw if raw is not None else json.dumps(obj).encode()
        self.send_response(status)
        if "gzip" in (self.headers.get("Accept-Encoding") or ""):   # compress whenever allowed
            body = gzip.compress(body)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/_requests":
            with LOCK:
                self.send_json(200, RECORDED)
        else:
            self.send_json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n)
        with LOCK:
            RECORDED.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                             "body": raw.decode("utf-8", "replace")})
        if self.headers.get("Authorization") != "Bearer upstream-key":
            return self.send_json(401, {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error",
                                                  "code": "invalid_api_key"}})
        try:
            req = json.loads(raw)
        except ValueError:
            return self.send_json(400, {"error": {"message": "body is not JSON", "type": "invalid_request_error"}})
        text = json.dumps(req.get("messages", []))
        model = req.get("model", "")
        if "SLOWHEAD" in text:
            time.sleep(3)
        if "FAIL429" in text:
            return self.send_json(429, {"error": {"message": "Rate limit reached for requests", "type": "requests",
                                                  "param": None, "code": "rate_limit_exceeded"}})
        if "BADJSON" in text and not req.get("stream"):
            return self.send_json(200, None, raw=b"{this is not json")
        if cut_mode(req) and not req.get("stream"):
            body = json.dumps({"id": "chatcmpl-mock", "object": "chat.completion", "created": 1, "model": model,
                               "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello"},
                                            "finish_reason": "stop"}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            return self.break_off(cut_mode(req))
        usage = {"prompt_tokens": 12, "completion_tokens": 6, "total_tokens": 18}
        if req.get("stream"):
            return self.stream(req, model, usage)
        if req.get("tools"):
            msg = {"role": "assistant", "content": None, "tool_calls": [
                {"id": "call_mock1", "type": "function",
                 "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}]}
            finish = "tool_calls"
        else:
            msg = {"role": "assistant", "content": "Hello from upstream"}
            finish = "stop"
        self.send_json(200, {"id": "chatcmpl-mock", "object": "chat.completion", "created": 1, "model": model,
                             "choices": [{"index": 0, "message": msg, "finish_reason": finish}], "usage": usage})

    def send_many(self, model, n):
        """A long fast stream of n content chunks, in big writes."""
        batch = []
        for i in range(n):
            batch.append(("data: " + json.dumps(chunk(model, {"content": f"w{i} "})) + "\n\n").encode())
            if len(batch) == 200 or i == n - 1:
                data = b"".join(batch)
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                batch = []
        self.wfile.flush()

    def stream(self, req, model, usage):
        delay = float(self.headers.get("x-mock-delay") or 0)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

        def send(obj):
            data = ("data: " + (obj if isinstance(obj, str) else json.dumps(obj)) + "\n\n").encode()
            # split each event in two chunks so nginx sees events cut mid-line
            for part in (data[: len(data) // 2], data[len(data) // 2:]):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.flush()
            if delay:
                time.sleep(delay)

        send(chunk(model, {"role": "assistant", "content": ""}))
        if "BADJSON" in json.dumps(req.get("messages", [])):
            send(chunk(model, {"content": "partial"}))
            send("{this is not json")
            send("[DONE]")
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
            return
        if "GARBAGE" in json.dumps(req.get("messages", [])):
            junk = b"\x00\xff\xfe garbage \x01\x8f" * 64
            self.wfile.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(junk), junk))
            self.wfile.flush()
            return
        many = re.search(r"MANY(\d+)", json.dumps(req.get("messages", [])))
        if cut_mode(req) or "STALL" in json.dumps(req.get("messages", [])):
            if not many:
                for w in WORDS[:3]:
                    send(chunk(model, {"content": w}))
            else:
                self.send_many(model, int(many.group(1)))
            if "CUTMID" in json.dumps(req.get("messages", [])):
                half = ("data: " + json.dumps(chunk(model, {"content": "never whole"})))[:40].encode()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(half), half))
            if cut_mode(req):
                return self.break_off(cut_mode(req))
            time.sleep(3)                         # nginx gives up first (proxy_read_timeout 1s)
            self.close_connection = True
            return
        if many:
            self.send_many(model, int(many.group(1)))
        elif req.get("tools"):
            send(chunk(model, {"tool_calls": [{"index": 0, "id": "call_mock1", "type": "function",
                                               "function": {"name": "get_weather", "arguments": ""}}]}))
            for piece in ["{\"ci", "ty\": ", "\"Paris\"}"]:
                send(chunk(model, {"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}))
            send(chunk(model, {}, "tool_calls"))
        else:
            for w in WORDS:
                send(chunk(model, {"content": w}))
            send(chunk(model, {}, "stop"))
        if (req.get("stream_options") or {}).get("include_usage"):
            send(chunk(model, {}, usage=usage))
        send("[DONE]")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


def serve(port=0):
    srv = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


if __name__ == "__main__":
    s = serve(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    print(s.server_address[1], flush=True)
    threading.Event().wait()
