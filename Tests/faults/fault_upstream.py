"""An upstream that misbehaves on purpose: asyncio raw sockets on 127.0.0.1, so a response can be
cut at any byte, reset, stalled or trickled. The request's `model` names a scenario registered by
the test (FaultUpstream.add); a scenario is a list of steps run on the connection:

    ("send", bytes)             write bytes
    ("trickle", bytes, delay)   write one byte every `delay` seconds
    ("sleep", seconds)          wait (also notices the proxy hanging up: see `closed_by_peer`)
    ("close",)                  FIN
    ("reset",)                  RST (SO_LINGER 0)

Every connection is closed after its steps (responses say `Connection: close`). `log` records,
per scenario, how each connection ended, so tests can check the proxy let go of the upstream.
"""
import asyncio
import itertools
import json
import os
import socket
import ssl
import subprocess
import struct
import threading
import time


def http_head(status=200, content_type="text/event-stream", extra=(), version="HTTP/1.1", length=None, chunked=True):
    reason = {200: "OK", 401: "Unauthorized", 429: "Too Many Requests", 500: "Internal Server Error",
              502: "Bad Gateway", 503: "Service Unavailable"}.get(status, "Status")
    lines = ["%s %d %s" % (version, status, reason)]
    if content_type:
        lines.append("Content-Type: " + content_type)
    if length is not None:
        lines.append("Content-Length: %d" % length)
    elif chunked and version == "HTTP/1.1":
        lines.append("Transfer-Encoding: chunked")
    lines.append("Connection: close")
    lines += list(extra)
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def chunked(pieces):
    """Chunked transfer coding of pieces, with the last chunk."""
    out = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces if p)
    return out + b"0\r\n\r\n"


def stream_response(events, framing="chunked"):
    """A whole HTTP response carrying SSE events: chunked (one chunk per event), content-length,
    or HTTP/1.0 close-delimited. Returns (bytes, event end offsets in those bytes)."""
    body = b"".join(events)
    if framing == "chunked":
        head = http_head()
        out, ends = head, []
        for e in events:
            out += b"%x\r\n%s\r\n" % (len(e), e)
            ends.append(len(out))
        return out + b"0\r\n\r\n", ends
    if framing == "length":
        head = http_head(length=len(body))
    else:
        head = http_head(version="HTTP/1.0", chunked=False)
    ends, n = [], len(head)
    for e in events:
        n += len(e)
        ends.append(n)
    return head + body, ends


def json_response(body, status=200, content_type="application/json", extra=()):
    return http_head(status, content_type, extra, length=len(body)) + body


class FaultUpstream:
    def __init__(self):
        self.scenarios = {}
        self.log = {}
        self.connections = 0
        self._ids = itertools.count(1)
        self.loop = asyncio.new_event_loop()
        started = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(started,), daemon=True)
        self.thread.start()
        started.wait(10)

    def _run(self, started):
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0))
        self.port = self.server.sockets[0].getsockname()[1]
        started.set()
        self.loop.run_forever()

    def add(self, *steps_per_attempt, tag="f"):
        """Registers a scenario; returns its model name. With several step lists, attempt n (a
        retry) runs list n (the last one repeats)."""
        name = "%s-%d" % (tag, next(self._ids))
        self.scenarios[name] = [list(s) for s in steps_per_attempt]
        self.log[name] = []
        return name

    def attempts(self, name):
        return len(self.log[name])

    def close(self):
        self.loop.call_soon_threadsafe(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)

    async def _read_request(self, reader):
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        body = await reader.readexactly(length) if length else b""
        return head, body

    async def _serve(self, reader, writer):
        self.connections += 1
        record = {"start": time.time(), "end": None, "how": None}
        name = None
        try:
            try:
                head, body = await asyncio.wait_for(self._read_request(reader), 10)
                name = json.loads(body).get("model")
            except Exception:
                writer.close()
                return
            if name not in self.scenarios:
                writer.write(json_response(b'{"error":{"message":"unknown scenario"}}', 404))
                await writer.drain()
                writer.close()
                return
            attempts = self.scenarios[name]
            record["request"] = body
            self.log[name].append(record)
            steps = attempts[min(len(self.log[name]) - 1, len(attempts) - 1)]
            record["how"] = await self._run_steps(steps, reader, writer)
        except (ConnectionError, OSError) as e:
            record["how"] = "peer-gone: %s" % type(e).__name__
        finally:
            record["end"] = time.time()
            if not writer.is_closing():
                writer.close()

    async def _run_steps(self, steps, reader, writer):
        sock = writer.get_extra_info("socket")
        for step in steps:
            kind = step[0]
            if kind == "send":
                writer.write(step[1])
                await writer.drain()
            elif kind == "trickle":
                for i in range(len(step[1])):
                    writer.write(step[1][i:i + 1])
                    await writer.drain()
                    await asyncio.sleep(step[2])
            elif kind == "sleep":
                # reading tells us when the proxy hangs up
                try:
                    data = await asyncio.wait_for(reader.read(1), step[1])
                    if data == b"":
                        return "closed-by-peer"
                except asyncio.TimeoutError:
                    pass
            elif kind == "close":
                await writer.drain()
                writer.close()
                return "closed"
            elif kind == "reset":
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                writer.transport.abort()
                return "reset"
        await writer.drain()
        writer.close()
        return "done"


class LoopbackServer:
    """A thread accepting connections on 127.0.0.1 and handing each to `handle` (then closed)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            try:
                c.settimeout(2)
                self.handle(c)
            except (OSError, ssl.SSLError):
                pass
            finally:
                c.close()

    def close(self):
        self.sock.close()


class GarbageTLS(LoopbackServer):
    """Answers a TLS ClientHello with bytes that are not TLS."""

    def handle(self, c):
        c.recv(4096)
        c.sendall(b"HTTP/1.1 200 OK\r\nthis is not TLS at all\r\n\r\n" + bytes(range(256)))


class UntrustedTLS(LoopbackServer):
    """A TLS server whose self-signed certificate the proxy does not trust (needs openssl)."""

    def __init__(self, tmp):
        key, cert = os.path.join(tmp, "k.pem"), os.path.join(tmp, "c.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)
        super().__init__()

    def handle(self, c):
        self.ctx.wrap_socket(c, server_side=True).close()
