"""The fault suite's representative faults through nginx and the module, for the three client
formats (Anthropic and Responses clients translated to the Chat mock, Chat clients passed
through): a stream cut inside an event and between events (close and reset), a stalled upstream
(proxy_read_timeout), garbage and a bad event, a JSON body cut short. Each answer is validated
strictly (Tests/faults/strict_sse.py): complete, or ending with the client format's error ending
(Responses: `error` with `sequence_number`, then `response.failed`). The workers stay up."""
import json
import os
import sys
import time

import pytest

from nginx_harness import Nginx, build_module, http
import mock_upstream

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "Tests", "faults"))
from strict_sse import validate_body, validate_stream  # noqa: E402

CLIENTS = {"anthropic": "/v1/messages", "openai-chat": "/v1/chat/completions", "openai-responses": "/v1/responses"}


@pytest.fixture(scope="module")
def nginx(tmp_path_factory):
    srv = mock_upstream.serve()
    n = Nginx(str(tmp_path_factory.mktemp("nginx-faults")), build_module(), srv.server_address[1])
    n.start()
    deadline = time.time() + 10
    while len(n.worker_pids()) < 2 and time.time() < deadline:
        time.sleep(0.05)
    yield n
    n.stop()
    srv.shutdown()


def request(fmt, text, stream):
    if fmt == "openai-responses":
        b = {"model": "claude-test-model", "input": text}
    else:
        b = {"model": "claude-test-model", "max_tokens": 64, "messages": [{"role": "user", "content": text}]}
    if stream:
        b["stream"] = True
    return json.dumps(b).encode()


def call(nginx, fmt, text, stream=True, prefix=""):
    status, headers, body = http("POST", nginx.url + prefix + CLIENTS[fmt], request(fmt, text, stream),
                                 {"Content-Type": "application/json", "anthropic-version": "2023-06-01"})
    ctype = headers.get("Content-Type", "")
    if stream and status == 200:
        return validate_stream(fmt, body), body
    return validate_body(fmt, status, body, ctype), body


@pytest.mark.parametrize("fmt", list(CLIENTS))
@pytest.mark.parametrize("fault", ["CUTOFF", "CUTRESET", "CUTMID", "BADJSON", "GARBAGE"])
def test_stream_faults_end_in_the_clients_format(nginx, fmt, fault):
    if fault == "BADJSON" and fmt == "openai-chat":
        pytest.skip("a passthrough relays whole events as they are, even bad ones")
    workers = nginx.worker_pids()
    got, body = call(nginx, fmt, fault)
    if fault == "GARBAGE" and fmt != "openai-chat":
        # lines that are not SSE are ignored (WHATWG): the translated stream is closed well-formed
        # after the events that came; the Chat passthrough ends with an error (no finish)
        assert got in ("complete", "error")
    else:
        assert got == "error", body[-500:]
    assert nginx.worker_pids() == workers
    got, body = call(nginx, fmt, "hello")               # the worker serves the next request
    assert got == "complete", body[-300:]


@pytest.mark.parametrize("fmt", list(CLIENTS))
def test_stalled_stream_ends_in_the_clients_format(nginx, fmt):
    workers = nginx.worker_pids()
    got, body = call(nginx, fmt, "STALL", prefix="/stall")
    assert got == "error", body[-500:]
    assert nginx.worker_pids() == workers


@pytest.mark.parametrize("fmt", list(CLIENTS))
@pytest.mark.parametrize("fault", ["CUTOFF", "BADJSON"])
def test_cut_or_bad_json_body_is_an_error_in_the_clients_format(nginx, fmt, fault):
    workers = nginx.worker_pids()
    got, body = call(nginx, fmt, fault, stream=False)
    assert got == "error", body
    assert nginx.worker_pids() == workers
