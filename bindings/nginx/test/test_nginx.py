"""nginx with ngx_http_apxlate_module in front of a mock OpenAI-compatible upstream.

The module is built by the test (bindings/nginx/build.sh), nginx runs on 127.0.0.1 in a temp
prefix, and the anthropic SDK is the client."""
import json
import os
import threading
import time

import pytest

import mock_upstream
from nginx_harness import Nginx, build_module, http

import anthropic


@pytest.fixture(scope="module")
def upstream():
    srv = mock_upstream.serve()
    yield srv
    srv.shutdown()


@pytest.fixture(scope="module")
def nginx(tmp_path_factory, upstream):
    module = build_module()
    n = Nginx(str(tmp_path_factory.mktemp("nginx")), module, upstream.server_address[1])
    n.start()
    yield n
    n.stop()


@pytest.fixture
def client(nginx):
    return anthropic.Anthropic(base_url=nginx.url, api_key="client-key", max_retries=0, timeout=30)


def last_upstream_request():
    with mock_upstream.LOCK:
        return mock_upstream.RECORDED[-1]


def fail_if_placeholder(exc):
    text = str(exc)
    if "not implemented yet" in text:
        pytest.fail("a placeholder answered (every direction is implemented): " + text[:200])


def anthropic_call(fn):
    try:
        return fn()
    except anthropic.APIStatusError as e:
        fail_if_placeholder(e)
        raise


# ---- works with any library build (passthrough, errors, the module's own behaviour) ----------

def test_passthrough_maps_model_and_fixes_content_length(nginx):
    # 50 KB: larger than client_body_buffer_size, so the body comes from a temp file.
    filler = "x" * 50_000
    body = json.dumps({"model": "claude-test-model", "messages": [{"role": "user", "content": filler}]}).encode()
    status, headers, resp = http("POST", nginx.url + "/v1/chat/completions", body,
                                 {"Content-Type": "application/json"})
    assert status == 200, resp
    up = last_upstream_request()
    sent = json.loads(up["body"])
    assert sent["model"] == "gpt-mock"
    assert sent["messages"][0]["content"] == filler
    assert int(up["headers"]["content-length"]) == len(up["body"].encode())
    assert up["headers"]["authorization"] == "Bearer upstream-key"
    # The response carries the client's model name again, everything else as the upstream sent it.
    out = json.loads(resp)
    assert out["model"] == "claude-test-model"
    assert out["choices"][0]["message"]["content"] == "Hello from upstream"
    assert int(headers["Content-Length"]) == len(resp)


def test_the_upstream_is_asked_for_an_uncompressed_body(nginx):
    body = json.dumps({"model": "claude-test-model", "messages": [{"role": "user", "content": "Hi"}]}).encode()
    status, headers, resp = http("POST", nginx.url + "/v1/chat/completions", body,
                                 {"Content-Type": "application/json", "Accept-Encoding": "gzip, br"})
    assert status == 200, resp
    assert json.loads(resp)["model"] == "claude-test-model"
    assert last_upstream_request()["headers"]["accept-encoding"] == "identity"


def test_invalid_json_is_a_client_format_error_and_never_goes_upstream(nginx):
    before = len(mock_upstream.RECORDED)
    status, headers, resp = http("POST", nginx.url + "/v1/messages", b'{"model": ', {"Content-Type": "application/json"})
    assert status == 400
    err = json.loads(resp)
    assert err["type"] == "error" and err["error"]["type"] == "invalid_request_error"
    assert "JSON" in err["error"]["message"]
    assert headers["Content-Type"].startswith("application/json")
    assert len(mock_upstream.RECORDED) == before


def test_invalid_request_names_the_path(nginx):
    status, _, resp = http("POST", nginx.url + "/v1/chat/completions", b'{"model": 5, "messages": []}',
                           {"Content-Type": "application/json"})
    assert status == 400
    err = json.loads(resp)["error"]
    assert "model" in err["message"]


def test_count_tokens_rejects_bad_json_in_client_format(nginx):
    status, _, resp = http("POST", nginx.url + "/v1/messages/count_tokens", b"[1,", {"Content-Type": "application/json"})
    assert status == 400
    assert json.loads(resp)["error"]["type"] == "invalid_request_error"


def test_locations_without_apxlate_are_untouched(nginx):
    status, _, resp = http("GET", nginx.url + "/_requests")
    assert status == 200 and isinstance(json.loads(resp), list)


def read_sse_passthrough(nginx, content, delay=0.0):
    """POSTs a streaming Chat request to the openai-chat passthrough location; returns
    (status, [(seconds since start, data line)])."""
    import http.client
    body = json.dumps({"model": "claude-test-model", "stream": True,
                       "messages": [{"role": "user", "content": content}]})
    conn = http.client.HTTPConnection("127.0.0.1", nginx.port, timeout=30)
    start = time.time()
    conn.request("POST", "/v1/chat/completions", body,
                 {"Content-Type": "application/json", "x-mock-delay": str(delay)})
    resp = conn.getresponse()
    if resp.status != 200:
        text = resp.read().decode()
        conn.close()
        if "not implemented yet" in text:
            pytest.fail("a placeholder answered (streams are implemented): " + text[:200])
        return resp.status, [(0, text)]
    lines = []
    while True:
        line = resp.readline()
        if not line:
            break
        if line.startswith(b"data: "):
            lines.append((time.time() - start, line[6:].strip().decode()))
    conn.close()
    return resp.status, lines


def test_passthrough_stream_passes_event_by_event(nginx):
    status, lines = read_sse_passthrough(nginx, "stream please", delay=0.1)
    assert status == 200, lines
    assert lines[-1][1] == "[DONE]"
    chunks = [json.loads(d) for _, d in lines[:-1]]
    assert all(c["model"] == "claude-test-model" for c in chunks)      # the client's name again
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    assert text == "".join(mock_upstream.WORDS)
    # Events reach the client as the upstream sends them, not at the end.
    total = lines[-1][0]
    assert lines[0][0] < total - 0.5, [t for t, _ in lines]
    assert json.loads(last_upstream_request()["body"])["model"] == "gpt-mock"


def test_slow_client_gets_every_event_of_a_long_fast_stream(nginx):
    # ~10 MB of events from the upstream at once; the client reads nothing for a second, so
    # nginx's output fills up and the module holds the upstream back; nothing may be lost.
    import http.client
    n = 40000
    body = json.dumps({"model": "m", "stream": True, "messages": [{"role": "user", "content": f"MANY{n}"}]})
    conn = http.client.HTTPConnection("127.0.0.1", nginx.port, timeout=60)
    conn.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
    resp = conn.getresponse()
    if resp.status != 200:
        text = resp.read().decode()
        if "not implemented yet" in text:
            pytest.fail("a placeholder answered (streams are implemented)")
        pytest.fail(text)
    time.sleep(1.0)
    data = resp.read().decode()
    conn.close()
    events = [e for e in data.split("\n\n") if e.startswith("data: ")]
    assert events[-1] == "data: [DONE]"
    words = [json.loads(e[6:])["choices"][0]["delta"]["content"] for e in events[:-1]
             if json.loads(e[6:])["choices"] and json.loads(e[6:])["choices"][0]["delta"].get("content")]
    assert words == [f"w{i} " for i in range(n)]


def test_reload_during_passthrough_streams_loses_no_stream(nginx):
    results, errors = [], []

    def one(i):
        try:
            results.append(read_sse_passthrough(nginx, f"stream {i}", delay=0.15))
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    time.sleep(0.4)
    old = nginx.worker_pids()
    assert len(old) == 2, old
    nginx.reload()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert len(results) == 6
    for status, lines in results:
        assert status == 200 and lines[-1][1] == "[DONE]"
        text = "".join(json.loads(d)["choices"][0]["delta"].get("content") or ""
                       for _, d in lines[:-1] if json.loads(d)["choices"])
        assert text == "".join(mock_upstream.WORDS)
    deadline = time.time() + 5
    while time.time() < deadline and nginx.worker_pids() == old:
        time.sleep(0.1)
    assert nginx.worker_pids() != old


# ---- the anthropic SDK through a real translation -------------------------------------------

def test_sdk_message(client):
    msg = anthropic_call(lambda: client.messages.create(
        model="claude-test-model", max_tokens=64, messages=[{"role": "user", "content": "Hi"}]))
    assert msg.model == "claude-test-model"
    assert msg.role == "assistant"
    assert msg.content[0].type == "text" and msg.content[0].text == "Hello from upstream"
    assert msg.stop_reason == "end_turn"
    assert msg.usage.input_tokens == 12 and msg.usage.output_tokens == 6
    sent = json.loads(last_upstream_request()["body"])
    assert sent["model"] == "gpt-mock"
    assert sent["messages"][-1]["role"] == "user"


def test_sdk_count_tokens(client):
    small = anthropic_call(lambda: client.messages.count_tokens(
        model="claude-test-model", messages=[{"role": "user", "content": "Hi"}]))
    big = anthropic_call(lambda: client.messages.count_tokens(
        model="claude-test-model", messages=[{"role": "user", "content": "word " * 4000}]))
    assert 0 < small.input_tokens < big.input_tokens
    assert 3000 < big.input_tokens < 10000


def test_sdk_tool_call(client):
    tools = [{"name": "get_weather", "description": "Weather of a city",
              "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}]
    msg = anthropic_call(lambda: client.messages.create(
        model="claude-test-model", max_tokens=64, tools=tools,
        messages=[{"role": "user", "content": "Weather in Paris?"}]))
    assert msg.stop_reason == "tool_use"
    use = [b for b in msg.content if b.type == "tool_use"]
    assert len(use) == 1 and use[0].name == "get_weather" and use[0].input == {"city": "Paris"}
    sent = json.loads(last_upstream_request()["body"])
    assert sent["tools"][0]["function"]["name"] == "get_weather"


def test_sdk_stream(client):
    def run():
        with client.messages.stream(model="claude-test-model", max_tokens=64,
                                    messages=[{"role": "user", "content": "Hi"}]) as s:
            text = "".join(s.text_stream)
            return text, s.get_final_message()
    text, final = anthropic_call(run)
    assert text == "".join(mock_upstream.WORDS)
    assert final.stop_reason == "end_turn"
    assert final.model == "claude-test-model"
    assert final.usage.output_tokens == 6


def test_sdk_stream_tool_call(client):
    tools = [{"name": "get_weather", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}]

    def run():
        with client.messages.stream(model="claude-test-model", max_tokens=64, tools=tools,
                                    messages=[{"role": "user", "content": "Weather in Paris?"}]) as s:
            return s.get_final_message()
    final = anthropic_call(run)
    assert final.stop_reason == "tool_use"
    use = [b for b in final.content if b.type == "tool_use"]
    assert len(use) == 1 and use[0].input == {"city": "Paris"}


def test_upstream_error_becomes_anthropic_error(client):
    with pytest.raises(anthropic.RateLimitError) as e:
        anthropic_call(lambda: client.messages.create(
            model="claude-test-model", max_tokens=64, messages=[{"role": "user", "content": "FAIL429"}]))
    assert e.value.status_code == 429
    assert e.value.body["type"] == "rate_limit_error" or e.value.body.get("error", {}).get("type") == "rate_limit_error"
    assert "Rate limit" in str(e.value)


def test_upstream_auth_error_becomes_anthropic_error(nginx):
    # /noauth/ does not set the upstream key: the upstream's 401 reaches the client as Anthropic's.
    c = anthropic.Anthropic(base_url=nginx.url + "/noauth", api_key="client-key", max_retries=0, timeout=30)
    with pytest.raises(anthropic.AuthenticationError) as e:
        anthropic_call(lambda: c.messages.create(
            model="claude-test-model", max_tokens=64, messages=[{"role": "user", "content": "Hi"}]))
    assert e.value.status_code == 401
    assert e.value.body["error"]["type"] == "authentication_error"
    assert "Incorrect API key" in e.value.body["error"]["message"]


def test_upstream_down_gives_an_anthropic_502(nginx):
    c = anthropic.Anthropic(base_url=nginx.url + "/down", api_key="k", max_retries=0, timeout=30)
    with pytest.raises(anthropic.APIStatusError) as e:
        anthropic_call(lambda: c.messages.create(
            model="claude-test-model", max_tokens=64, messages=[{"role": "user", "content": "Hi"}]))
    assert e.value.status_code == 502
    assert e.value.body["type"] == "error" and e.value.body["error"]["type"] in ("api_error", "overloaded_error")
    assert e.value.response.headers["content-type"].startswith("application/json")


def test_library_failure_on_bad_upstream_json_is_a_502_and_the_worker_lives(client, nginx):
    workers = nginx.worker_pids()
    assert len(workers) == 2, workers
    with pytest.raises(anthropic.APIStatusError) as e:
        anthropic_call(lambda: client.messages.create(
            model="claude-test-model", max_tokens=64, messages=[{"role": "user", "content": "BADJSON"}]))
    assert e.value.status_code == 502
    assert nginx.worker_pids() == workers
    msg = anthropic_call(lambda: client.messages.create(
        model="claude-test-model", max_tokens=64, messages=[{"role": "user", "content": "Hi"}]))
    assert msg.content[0].text == "Hello from upstream"


def test_bad_upstream_event_ends_the_stream_with_an_error_event(client, nginx):
    workers = nginx.worker_pids()
    assert len(workers) == 2, workers
    events = []

    def run():
        with client.messages.stream(model="claude-test-model", max_tokens=64,
                                    messages=[{"role": "user", "content": "BADJSON"}]) as s:
            for ev in s:
                events.append(ev.type)
    with pytest.raises(anthropic.APIStatusError) as e:
        anthropic_call(run)
    assert "message_start" in events                  # the stream had started
    assert "stream" in str(e.value.body) or "JSON" in str(e.value.body)
    assert nginx.worker_pids() == workers


def test_reload_during_streams_loses_no_stream(client, nginx):
    results, errors = [], []

    def one(i):
        try:
            with client.messages.stream(model="claude-test-model", max_tokens=64,
                                        messages=[{"role": "user", "content": f"stream {i}"}],
                                        extra_headers={"x-mock-delay": "0.15"}) as s:
                results.append(("".join(s.text_stream), s.get_final_message().stop_reason))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    time.sleep(0.4)                       # streams are mid-way
    old = nginx.worker_pids()
    assert len(old) == 2, old
    nginx.reload()
    for t in threads:
        t.join(30)
    for exc in errors:
        fail_if_placeholder(exc)
    assert not errors, errors
    assert len(results) == 6
    for text, stop in results:
        assert text == "".join(mock_upstream.WORDS) and stop == "end_turn"
    deadline = time.time() + 5
    while time.time() < deadline and nginx.worker_pids() == old:
        time.sleep(0.1)
    assert nginx.worker_pids() != old      # the reload did happen
    # and the new workers translate too
    msg = client.messages.create(model="claude-test-model", max_tokens=64, messages=[{"role": "user", "content": "Hi"}])
    assert msg.content[0].text == "Hello from upstream"
    assert "[alert]" not in nginx.error_log() and "[emerg]" not in nginx.error_log()


# ---- an upstream that breaks off after the headers went out ------------------------------------

def stream_until_error(client, content, **kw):
    """Runs an SDK stream; returns (events seen, the exception that ended it)."""
    events = []
    try:
        with client.messages.stream(model="claude-test-model", max_tokens=64,
                                    messages=[{"role": "user", "content": content}], **kw) as s:
            for ev in s:
                events.append(ev.type)
    except anthropic.APIError as e:
        fail_if_placeholder(e)
        return events, e
    return events, None


@pytest.mark.parametrize("how", ["CUTOFF", "CUTRESET"])
def test_upstream_cut_mid_stream_ends_with_an_error_event(client, nginx, how):
    workers = nginx.worker_pids()
    assert len(workers) == 2, workers
    events, err = stream_until_error(client, how)
    # The text before the cut arrived, then an Anthropic error event, not a bare connection error
    # and not a message_stop that would pass the truncated answer off as complete.
    assert "message_start" in events and "content_block_delta" in events
    assert "message_stop" not in events
    assert isinstance(err, anthropic.APIStatusError), repr(err)
    assert err.body["type"] == "error" and err.body["error"]["type"] == "api_error"
    assert "mid-stream" in err.body["error"]["message"]
    assert nginx.worker_pids() == workers
    # the worker serves the next request
    msg = anthropic_call(lambda: client.messages.create(
        model="claude-test-model", max_tokens=64, messages=[{"role": "user", "content": "Hi"}]))
    assert msg.content[0].text == "Hello from upstream"


def test_upstream_read_timeout_mid_stream_ends_with_an_error_event(nginx):
    workers = nginx.worker_pids()
    c = anthropic.Anthropic(base_url=nginx.url + "/stall", api_key="k", max_retries=0, timeout=30)
    events, err = stream_until_error(c, "STALL")
    assert "content_block_delta" in events and "message_stop" not in events
    assert isinstance(err, anthropic.APIStatusError), repr(err)
    assert "mid-stream" in err.body["error"]["message"]
    assert "upstream timed out" in nginx.error_log()
    assert nginx.worker_pids() == workers


def test_upstream_cut_mid_stream_gives_a_chat_client_an_error_chunk(nginx):
    body = json.dumps({"model": "claude-test-model", "stream": True,
                       "messages": [{"role": "user", "content": "CUTOFF"}]}).encode()
    # http() reads the whole body: a stream cut without its end would raise IncompleteRead
    status, headers, resp = http("POST", nginx.url + "/v1/chat/completions", body,
                                 {"Content-Type": "application/json"})
    assert status == 200 and headers["Content-Type"].startswith("text/event-stream")
    events = [line[len("data: "):] for line in resp.decode().split("\n") if line.startswith("data: ")]
    assert json.loads(events[1])["choices"][0]["delta"]["content"] == mock_upstream.WORDS[0]
    last = json.loads(events[-1])
    assert "mid-stream" in last["error"]["message"]
    assert "[DONE]" not in events


def test_upstream_cut_in_a_json_body_is_an_anthropic_502(client, nginx):
    workers = nginx.worker_pids()
    with pytest.raises(anthropic.APIStatusError) as e:
        anthropic_call(lambda: client.messages.create(
            model="claude-test-model", max_tokens=64, messages=[{"role": "user", "content": "CUTOFF"}]))
    assert e.value.status_code == 502
    assert e.value.body["type"] == "error" and "broke" in e.value.body["error"]["message"]
    assert nginx.worker_pids() == workers


@pytest.mark.parametrize("path,how", [("/v1/chat/completions", "CUTOFF"), ("/stall/v1/chat/completions", "STALL")])
def test_slow_client_gets_every_event_then_the_error_of_a_cut_stream(nginx, path, how):
    # ~5 MB of events, then the upstream breaks off while the client reads nothing for 2 s: what
    # nginx still holds (in the module, in its output) reaches the client, then the error chunk.
    import http.client
    workers = nginx.worker_pids()
    n = 20000
    body = json.dumps({"model": "m", "stream": True, "messages": [{"role": "user", "content": f"MANY{n} {how}"}]})
    conn = http.client.HTTPConnection("127.0.0.1", nginx.port, timeout=60)
    conn.request("POST", path, body, {"Content-Type": "application/json"})
    resp = conn.getresponse()
    assert resp.status == 200
    time.sleep(2.0)
    data = resp.read().decode()                     # IncompleteRead if the stream had no end
    conn.close()
    events = [json.loads(e[6:]) for e in data.split("\n\n") if e.startswith("data: ")]
    assert "mid-stream" in events[-1]["error"]["message"]
    words = [e["choices"][0]["delta"]["content"] for e in events[:-1]
             if e.get("choices") and e["choices"][0]["delta"].get("content")]
    assert words == [f"w{i} " for i in range(n)]
    assert nginx.worker_pids() == workers
