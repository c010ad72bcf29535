"""Memory the proxy holds per idle stream: a Python upstream sends each stream's first event
and then only waits; N clients keep their streams open; RSS before vs after, divided by N."""
import json
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

binary, n = sys.argv[1], int(sys.argv[2])
release = threading.Event()


class Upstream(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        ev = b'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"hi"},"finish_reason":null}]}\n\n'
        try:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(ev), ev))
            self.wfile.flush()
            release.wait(120)
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024

    def handle_error(self, request, client_address):
        pass


up = Server(("127.0.0.1", 0), Upstream)
threading.Thread(target=up.serve_forever, daemon=True).start()
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
cfg = f"/tmp/apxlate-idle-{os.getpid()}.yaml"
with open(cfg, "w") as f:
    f.write(f'upstreams:\n  u: {{base_url: "http://127.0.0.1:{up.server_address[1]}/v1", format: openai-chat}}\n'
            f'routes:\n  - {{match: "*", upstream: u}}\n')
proc = subprocess.Popen([binary, "serve", "--config", cfg, "--port", str(port), "--log-level", "error"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


try:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    body = json.dumps({"model": "m", "stream": True, "messages": [{"role": "user", "content": "hi"}]}).encode()
    req = b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body)

    def open_streams(k):
        socks = []
        for _ in range(k):
            time.sleep(0.002)
            c = socket.create_connection(("127.0.0.1", port))
            c.sendall(req)
            socks.append(c)
        for c in socks:
            got = b""
            c.settimeout(10)
            while b"hi" not in got:
                got += c.recv(65536)
        return socks

    warm = open_streams(20)  # warm-up: engine, allocator arenas, connection pool
    time.sleep(0.5)
    before = rss_kb(proc.pid)
    socks = open_streams(n)
    time.sleep(1.0)
    after = rss_kb(proc.pid)
    per = (after - before) * 1024 / n
    print(f"\nidle streams: {n}   proxy RSS {before} KB -> {after} KB   per idle stream: {per / 1024:.1f} KB")
    release.set()
    for c in socks + warm:
        c.close()
finally:
    release.set()
    proc.terminate()
    proc.wait(timeout=10)
    up.shutdown()
    os.unlink(cfg)
