"""Fault-injection suite: the library's stream failure ending (through the Python binding) and the
proxy (build/bin/apxlate serve) in front of an upstream that misbehaves (fault_upstream.py)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
os.environ.setdefault("APXLATE_LIBRARY", os.path.join(ROOT, "build", "lib", "libapxlate.so"))

import http.client
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest

from fault_upstream import FaultUpstream, GarbageTLS, UntrustedTLS

BINARY = os.environ.get("APXLATE_BIN", os.path.join(ROOT, "build", "bin", "apxlate"))
SECRET = "sk-fault-upstream-SECRET-4242"
# A label longer than 63 bytes: glibc's resolver refuses to build the query, so the lookup fails
# on this machine without a packet to any name server (checked with strace: no connect/sendto to
# port 53); curl reports "Could not resolve host" at once.
UNRESOLVABLE = "a" * 70 + ".invalid"
IDLE_TIMEOUT = 1.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Proxy:
    def __init__(self, config, args=()):
        self.dir = tempfile.mkdtemp(prefix="apxlate-faults-")
        self.port = free_port()
        path = os.path.join(self.dir, "config.yaml")
        with open(path, "w") as f:
            f.write(config)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ANTHROPIC_", "PROXY_API_KEY"))}
        env["NO_PROXY"] = env["no_proxy"] = "*"
        self.log = open(os.path.join(self.dir, "proxy.log"), "wb")
        self.proc = subprocess.Popen([BINARY, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--config", path,
                                      *args], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while time.time() < deadline:
            assert self.proc.poll() is None, self.logs()
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/health" % self.port, timeout=1):
                    break
            except OSError:
                time.sleep(0.05)

    def logs(self):
        self.log.flush()
        with open(self.log.name, "rb") as f:
            return f.read().decode(errors="replace")

    def metrics(self):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        c.request("GET", "/metrics")
        text = c.getresponse().read().decode()
        c.close()
        return {m.group(1): float(m.group(2)) for m in re.finditer(r"^(apxlate_\w+_in_flight) (\S+)$", text, re.M)}

    def fds(self):
        return len(os.listdir("/proc/%d/fd" % self.proc.pid))

    def settle(self, baseline, timeout=6.0):
        """Waits until nothing is in flight and the descriptors are back to `baseline`."""
        deadline = time.time() + timeout
        while True:
            assert self.proc.poll() is None, "the proxy died:\n" + self.logs()[-3000:]
            m, n = self.metrics(), self.fds()
            if all(v == 0 for v in m.values()) and n <= baseline:
                return
            if time.time() > deadline:
                raise AssertionError("not back to baseline: %r, %d fds (baseline %d):\n%s" % (m, n, baseline, os.listdir("/proc/%d/fd" % self.proc.pid)))
            time.sleep(0.02)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@pytest.fixture(scope="session")
def upstream():
    u = FaultUpstream()
    yield u
    u.close()


@pytest.fixture(scope="session")
def proxy(upstream, tmp_path_factory):
    if not os.path.exists(BINARY):
        pytest.skip("build/bin/apxlate is not built")
    garbage = GarbageTLS()
    untrusted = UntrustedTLS(str(tmp_path_factory.mktemp("tls"))) if shutil.which("openssl") else None
    u = "http://127.0.0.1:%d" % upstream.port
    config = f"""
upstreams:
  chat: {{base_url: "{u}/v1", format: openai-chat, api_key: "{SECRET}"}}
  anth: {{base_url: "{u}", format: anthropic, api_key: "{SECRET}"}}
  resp: {{base_url: "{u}/v1", format: openai-responses, api_key: "{SECRET}"}}
  tlsgarbage: {{base_url: "https://127.0.0.1:{garbage.port}/v1", format: openai-chat}}
  tlsuntrusted: {{base_url: "https://127.0.0.1:{untrusted.port if untrusted else 9}/v1", format: openai-chat}}
  nxdomain: {{base_url: "http://{UNRESOLVABLE}:9/v1", format: openai-chat}}
routes:
  - {{match: "openai-chat-*", upstream: chat}}
  - {{match: "anthropic-*", upstream: anth}}
  - {{match: "openai-responses-*", upstream: resp}}
  - {{match: tlsgarbage, upstream: tlsgarbage}}
  - {{match: tlsuntrusted, upstream: tlsuntrusted}}
  - {{match: nxdomain, upstream: nxdomain}}
"""
    p = Proxy(config, ["--idle-timeout", str(IDLE_TIMEOUT), "--connect-timeout", "3", "--retries", "2",
                       "--retry-max-delay", "2"])
    p.untrusted = untrusted is not None
    yield p
    p.stop()
    garbage.close()
    if untrusted:
        untrusted.close()


@pytest.fixture(scope="session")
def baseline(proxy, upstream):
    """The proxy's descriptors once warmed up (a request served, curl initialised)."""
    from canned import client_request, json_body
    from fault_upstream import json_response
    name = upstream.add([("send", json_response(json_body("openai-chat"))), ("close",)], tag="openai-chat")
    c = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=10)
    c.request("POST", "/v1/chat/completions", client_request("openai-chat", name, False), {"content-type": "application/json"})
    assert c.getresponse().read()
    c.close()
    time.sleep(0.3)
    return proxy.fds()
