"""Real OpenAI clients (the Codex CLI, the OpenAI Agents SDK) through `apxlate serve` and through
the nginx module, in front of the strict mocks of strict_upstreams.py. Everything binds
127.0.0.1; the clients are told to reach nothing else (see codex_client.py)."""
import importlib.util
import os
import socket
import sys
import threading

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "Tests", "proxy"))
sys.path.insert(0, os.path.join(ROOT, "bindings", "nginx", "test"))

import codex_client  # noqa: E402
from strict_upstreams import StrictAnthropic, StrictChat  # noqa: E402


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The proxy harness of the proxy suite (its conftest), loaded under another name.
Proxy = _load("apxlate_proxy_harness", os.path.join(ROOT, "Tests", "proxy", "conftest.py")).Proxy

ANTHROPIC_KEY = "sk-ant-upstream-clients-1111"
CHAT_KEY = "sk-upstream-clients-chat-2222"


def proxy_config(anthropic, chat):
    """`claude*` → the Anthropic mock (model unchanged); `chat-*` → the Chat mock as gpt-mock."""
    return f"""
upstreams:
  anthropic:
    base_url: {anthropic.base_url}
    format: anthropic
    api_key: {ANTHROPIC_KEY}
  chat:
    base_url: {chat.base_url}
    format: openai-chat
    api_key: {CHAT_KEY}
routes:
  - match: "claude*"
    upstream: anthropic
  - match: "chat-*"
    upstream: chat
    model: gpt-mock
"""


@pytest.fixture(scope="session")
def anthropic_mock():
    m = StrictAnthropic()
    yield m
    m.close()


@pytest.fixture(scope="session")
def chat_mock():
    m = StrictChat()
    yield m
    m.close()


class EgressTrap:
    """A loopback listener the clients' proxy variables point at: it closes every connection
    at once and counts it. A client that tries to reach anything but loopback lands here."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = "http://127.0.0.1:%d" % self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self):
        self.sock.close()


@pytest.fixture(scope="session")
def egress_trap():
    trap = EgressTrap()
    codex_client.EGRESS_PROXY = trap.url
    yield trap
    trap.close()


@pytest.fixture(autouse=True)
def _reset(anthropic_mock, chat_mock, egress_trap):
    anthropic_mock.reset()
    chat_mock.reset()
    before = egress_trap.connections
    yield
    assert egress_trap.connections == before, "a client tried to reach a host outside loopback"


@pytest.fixture(scope="session")
def proxy(anthropic_mock, chat_mock):
    p = Proxy(proxy_config(anthropic_mock, chat_mock)).wait_ready()
    yield p
    p.stop()


@pytest.fixture(scope="session")
def nginx(tmp_path_factory, chat_mock):
    """nginx with the apxlate module (bindings/nginx/test's harness): its `/v1/responses`
    location translates to Chat Completions in front of the strict Chat mock."""
    harness = pytest.importorskip("nginx_harness")
    if not os.path.exists(harness.NGINX):
        pytest.skip("nginx is not installed")
    module = harness.build_module()
    n = harness.Nginx(str(tmp_path_factory.mktemp("nginx")), module, chat_mock.port)
    n.start()
    yield n
    n.stop()
