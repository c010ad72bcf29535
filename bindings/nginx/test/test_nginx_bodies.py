"""Claude Code-sized bodies through the README's example configuration (the harness's second
server: nginx's own body defaults, client_max_body_size 1m and client_body_buffer_size 8k, which
`apxlate on` raises to 32m and 4m), and nginx's own error pages in an apxlate location (a body over
the limit) reaching the client as a JSON error in its format instead of nginx's HTML."""
import json
import socket
import time

import pytest

import mock_upstream
from nginx_harness import Nginx, build_module, http

TEMP_FILE_WARNING = "a client request body is buffered to a temporary file"


@pytest.fixture(scope="module")
def nginx(tmp_path_factory):
    srv = mock_upstream.serve()
    n = Nginx(str(tmp_path_factory.mktemp("nginx-bodies")), build_module(), srv.server_address[1])
    n.start()
    yield n
    n.stop()
    srv.shutdown()


def claude_code_request(size):
    """A request shaped like a late Claude Code session: a cached system prompt, a dozen tools, and
    a long history of Read tool calls and their (large) results, until the body reaches size."""
    tools = [{"name": f"Tool{i}", "description": "Does a thing. " * 40,
              "input_schema": {"type": "object", "properties": {"file_path": {"type": "string"},
                                                                "limit": {"type": "number"}},
                               "required": ["file_path"]}} for i in range(12)]
    body = {"model": "claude-test-model", "max_tokens": 32000, "stream": False,
            "system": [{"type": "text", "text": "You are Claude Code. " * 200, "cache_control": {"type": "ephemeral"}}],
            "tools": tools, "metadata": {"user_id": "user_abc_account__session_1"},
            "messages": [{"role": "user", "content": [{"type": "text", "text": "Read the sources and fix the bug."}]}]}
    source = "".join(f"{n:6}\tlet value{n} = compute({n}) // a line of a source file\n" for n in range(300))
    i = 0
    while len(json.dumps(body)) < size:
        body["messages"].append({"role": "assistant", "content": [
            {"type": "text", "text": f"Reading file {i}."},
            {"type": "tool_use", "id": f"toolu_{i:04}", "name": "Tool1", "input": {"file_path": f"/src/f{i}.swift"}}]})
        body["messages"].append({"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": f"toolu_{i:04}", "content": source}]})
        i += 1
    body["messages"].append({"role": "assistant", "content": [{"type": "text", "text": "Now the fix."}]})
    body["messages"].append({"role": "user", "content": "Go on."})
    return json.dumps(body).encode()


def raw_post(port, path, length, sent):
    """A POST announcing `length` body bytes but sending only `sent` of them: nginx judges the
    announced length before reading the body. Returns (status, headers, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall((f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   f"anthropic-version: 2023-06-01\r\nContent-Length: {length}\r\n\r\n").encode() + b"{" * sent)
        data = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            data += chunk
            head, _, rest = data.partition(b"\r\n\r\n")
            cl = [int(h.split(b":")[1]) for h in head.split(b"\r\n") if h.lower().startswith(b"content-length:")]
            if cl and len(rest) >= cl[0]:
                break
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def test_a_2mb_claude_code_request_is_translated_in_memory(nginx):
    body = claude_code_request(2 * 1024 * 1024)
    assert len(body) > 2 * 1024 * 1024
    t0 = time.perf_counter()
    status, headers, out = http("POST", nginx.readme_url + "/v1/messages", body,
                                {"Content-Type": "application/json", "anthropic-version": "2023-06-01"})
    elapsed = time.perf_counter() - t0
    assert status == 200, out[:500]
    msg = json.loads(out)
    assert msg["type"] == "message" and msg["content"][0]["type"] == "tool_use", msg
    with mock_upstream.LOCK:
        sent = mock_upstream.RECORDED[-1]
    up = json.loads(sent["body"])
    assert up["model"] == "gpt-mock" and len(up["tools"]) == 12
    assert len(up["messages"]) > 100 and up["messages"][-1]["content"] == "Go on."
    # nginx's default 8k buffer would have written the body to a temporary file first
    assert TEMP_FILE_WARNING not in nginx.error_log()
    assert elapsed < 10


@pytest.mark.parametrize("path,fmt", [("/v1/messages", "anthropic"), ("/v1/chat/completions", "openai-chat")])
def test_a_body_over_the_limit_is_a_json_413_in_the_clients_format(nginx, path, fmt):
    status, headers, body = raw_post(nginx.readme_port, path, 40 * 1024 * 1024, 1000)
    assert status == 413
    assert headers["content-type"].startswith("application/json"), body[:300]
    assert int(headers["content-length"]) == len(body)
    err = json.loads(body)
    if fmt == "anthropic":
        assert err["type"] == "error" and err["error"]["type"] == "request_too_large", err
        message = err["error"]["message"]
    else:
        assert set(err) == {"error"} and err["error"]["type"], err
        message = err["error"]["message"]
    assert "33554432 bytes" in message and "client_max_body_size" in message


def test_a_limit_set_on_purpose_stays_and_its_413_is_json(nginx):
    status, headers, body = raw_post(nginx.readme_port, "/small/v1/messages", 100 * 1024, 10)
    assert status == 413 and headers["content-type"].startswith("application/json")
    assert "65536 bytes" in json.loads(body)["error"]["message"]
    small = json.dumps({"model": "claude-test-model", "max_tokens": 9,
                        "messages": [{"role": "user", "content": "x" * 50000}]}).encode()
    status, _, out = http("POST", nginx.readme_url + "/small/v1/messages", small,
                          {"Content-Type": "application/json"})
    assert status == 200, out[:300]


def test_a_body_over_nginx_default_limit_passes_the_raised_one(nginx):
    """1.5 MB: over nginx's own 1m default, under apxlate's 32m."""
    body = claude_code_request(1536 * 1024)
    status, _, out = http("POST", nginx.readme_url + "/v1/messages", body, {"Content-Type": "application/json"})
    assert status == 200, out[:300]


@pytest.mark.parametrize("path,fmt", [("/stall/v1/messages", "anthropic"), ("/stall/v1/responses", "openai-responses")])
def test_nginx_own_504_is_a_json_error_in_the_clients_format(nginx, path, fmt):
    """proxy_read_timeout (1 s here) fires before the upstream's headers: nginx's 504."""
    if fmt == "anthropic":
        req = {"model": "claude-test-model", "max_tokens": 9, "messages": [{"role": "user", "content": "SLOWHEAD"}]}
    else:
        req = {"model": "claude-test-model", "input": "SLOWHEAD"}
    status, headers, body = http("POST", nginx.url + path, json.dumps(req).encode(), {"Content-Type": "application/json"})
    assert status == 504 and headers["Content-Type"].startswith("application/json"), body[:300]
    err = json.loads(body)
    if fmt == "anthropic":
        assert err["type"] == "error" and "did not answer in time" in err["error"]["message"], err
    else:
        assert "did not answer in time" in err["error"]["message"], err


def test_count_tokens_takes_claude_code_bodies_and_answers_413_in_json(nginx):
    """Claude Code counts the tokens of the same large conversations."""
    body = claude_code_request(2 * 1024 * 1024)
    status, _, out = http("POST", nginx.readme_url + "/v1/messages/count_tokens", body,
                          {"Content-Type": "application/json"})
    assert status == 200 and json.loads(out)["input_tokens"] > 100000, out[:300]
    status, headers, out = raw_post(nginx.readme_port, "/v1/messages/count_tokens", 40 * 1024 * 1024, 10)
    assert status == 413 and headers["content-type"].startswith("application/json")
    assert json.loads(out)["error"]["type"] == "request_too_large"
    assert TEMP_FILE_WARNING not in nginx.error_log()
