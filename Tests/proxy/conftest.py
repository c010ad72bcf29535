"""Fixtures: mock upstreams and apxlate proxies (build/bin/apxlate serve) on 127.0.0.1."""
import os
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest

from mock_upstreams import MockAnthropic, MockOpenAI, MockResponses

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("APXLATE_BIN", os.path.join(ROOT, "build", "bin", "apxlate"))
OPENAI_UPSTREAM_KEY = "sk-upstream-openai-SECRET-1111"
ANTHROPIC_UPSTREAM_KEY = "sk-ant-upstream-SECRET-2222"
RESPONSES_UPSTREAM_KEY = "sk-upstream-responses-SECRET-3333"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Proxy:
    def __init__(self, config_text=None, env=None, args=(), host="127.0.0.1", port=None):
        self.port = port or free_port()
        self.dir = tempfile.mkdtemp(prefix="apxlate-test-")
        self.log_path = os.path.join(self.dir, "proxy.log")
        cmd = [BINARY, "serve", "--host", host, "--port", str(self.port), *args]
        if config_text is not None:
            path = os.path.join(self.dir, "config.yaml")
            with open(path, "w") as f:
                f.write(config_text)
            cmd += ["--config", path]
        full_env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("OPENAI_", "ANTHROPIC_", "PROXY_API_KEY", "BIG_MODEL", "SMALL_MODEL", "MIDDLE_MODEL"))}
        full_env["NO_PROXY"] = full_env["no_proxy"] = "127.0.0.1,localhost"  # mocks are on loopback
        full_env.update(env or {})
        self.cmd = cmd
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, env=full_env, stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"proxy exited with {self.proc.returncode}: {self.logs()}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("proxy did not become ready: " + self.logs())

    def logs(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def config_for(openai, anthropic, extra_upstream="", extra_routes="", responses=None):
    """Routes used by the tests:
    - claude* (Anthropic clients, Claude Code) → the OpenAI mock, opus/sonnet → gpt-big, haiku → gpt-small
    - gpt* (OpenAI clients) → the OpenAI mock, passthrough
    - sonnet-on-claude (OpenAI clients reaching Claude) → the Anthropic mock as claude-sonnet-4-5
    - pass-anthropic → the Anthropic mock, passthrough
    - with `responses` (a Responses mock): claude-on-responses (Anthropic clients reaching a Responses
      upstream) → the Responses mock as gpt-5-resp"""
    if responses is not None:
        extra_upstream += f"""
  responses:
    base_url: {responses.base_url}
    format: openai-responses
    api_key: {RESPONSES_UPSTREAM_KEY}
"""
        extra_routes += """
  - match: claude-on-responses
    upstream: responses
    model: gpt-5-resp
"""
    return f"""
upstreams:
  openai:
    base_url: {openai.base_url}
    format: openai-chat
    api_key: {OPENAI_UPSTREAM_KEY}
  anthropic:
    base_url: {anthropic.base_url}
    format: anthropic
    api_key: {ANTHROPIC_UPSTREAM_KEY}
{extra_upstream}
routes:
  - match: sonnet-on-claude
    upstream: anthropic
    model: claude-sonnet-4-5
  - match: pass-anthropic
    upstream: anthropic
  - match: "gpt*"
    upstream: openai
{extra_routes}
  - match: "claude*"
    upstream: openai
    models:
      big: gpt-big
      small: gpt-small
"""


@pytest.fixture(scope="session")
def openai_mock():
    m = MockOpenAI()
    yield m
    m.close()


@pytest.fixture(scope="session")
def anthropic_mock():
    m = MockAnthropic()
    yield m
    m.close()


@pytest.fixture(scope="session")
def responses_mock():
    m = MockResponses()
    yield m
    m.close()


@pytest.fixture(autouse=True)
def _reset_mocks(openai_mock, anthropic_mock, responses_mock):
    openai_mock.reset()
    anthropic_mock.reset()
    responses_mock.reset()
    yield


@pytest.fixture(scope="session")
def proxy(openai_mock, anthropic_mock, responses_mock):
    p = Proxy(config_for(openai_mock, anthropic_mock, responses=responses_mock),
              args=["--retry-max-delay", "2"]).wait_ready()
    yield p
    p.stop()


@pytest.fixture
def make_proxy():
    started = []

    def make(*a, **kw):
        p = Proxy(*a, **kw)
        started.append(p)
        return p

    yield make
    for p in started:
        p.stop()
