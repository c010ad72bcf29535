"""Metering and the request log line read the usage and model the library reports
(apx_response_usage, apx_stream_usage) and route by the model the library reads
(apx_request_model): the host scans no JSON."""

import json
import time
import urllib.error
import urllib.request

import anthropic
import pytest

from mock_upstreams import Reply, chat_completion, chat_stream_events

MSG = [{"role": "user", "content": "hi"}]


def ant(proxy):
    return anthropic.Anthropic(base_url=proxy.url, api_key="client-key", max_retries=0)


def request_line(proxy, model):
    # The line is written when the call ends, which may be just after the client read the last
    # byte of a stream: wait for it a little.
    deadline = time.monotonic() + 5
    while True:
        lines = [l for l in proxy.logs().splitlines() if f"model={model}" in l and "latency_ms=" in l]
        if lines or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert lines, proxy.logs()[-2000:]
    return lines[-1]


def cached_usage(body):
    body["usage"]["prompt_tokens_details"] = {"cached_tokens": 40}
    return body


def test_tokens_in_counts_the_whole_prompt_for_an_anthropic_client(proxy, openai_mock):
    # The Anthropic client sees input_tokens 10 + cache_read_input_tokens 40; the metric and the
    # log count the whole prompt (50), as for an OpenAI client.
    openai_mock.queue(Reply(body=cached_usage(chat_completion(prompt_tokens=50, completion_tokens=5))))
    msg = ant(proxy).messages.create(model="claude-sonnet-usage", max_tokens=10, messages=MSG)
    assert msg.usage.input_tokens == 10 and msg.usage.cache_read_input_tokens == 40
    line = request_line(proxy, "claude-sonnet-usage")
    assert "tokens_in=50" in line and "tokens_out=5" in line, line


def test_stream_usage_comes_from_the_upstream_events(proxy, openai_mock):
    events = chat_stream_events(prompt_tokens=50, completion_tokens=6)
    name, data = events[-2]
    chunk = json.loads(data)
    chunk["usage"]["prompt_tokens_details"] = {"cached_tokens": 40}
    events[-2] = (name, json.dumps(chunk))
    openai_mock.queue(Reply(events=events))
    with ant(proxy).messages.stream(model="claude-sonnet-usage-stream", max_tokens=10, messages=MSG) as s:
        final = s.get_final_message()
    assert final.usage.input_tokens == 10 and final.usage.output_tokens == 6
    line = request_line(proxy, "claude-sonnet-usage-stream")
    assert "tokens_in=50" in line and "tokens_out=6" in line and "stream=true" in line, line


@pytest.mark.parametrize("body,where", [
    (b'{"max_tokens": 5, "messages": []}', "at model"),
    (b'{"model": 7, "max_tokens": 5, "messages": []}', "at model"),
    (b'{"model": "claude-x", "max_tokens": 5,', "offset 38"),
])
def test_a_body_without_a_usable_model_gets_the_library_error(proxy, body, where):
    req = urllib.request.Request(proxy.url + "/v1/messages", data=body,
                                 headers={"content-type": "application/json", "x-api-key": "k"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=10)
    assert e.value.code == 400
    err = json.loads(e.value.read())
    assert err["type"] == "error" and err["error"]["type"] == "invalid_request_error"
    assert err["error"]["message"].startswith("invalid request: ") and where in err["error"]["message"], err


def test_passthrough_stream_usage_is_metered(proxy, openai_mock):
    # Same format on both sides: the bytes pass as they are; the library still reads the usage
    # chunk for the log line.
    openai_mock.queue(Reply(events=chat_stream_events(prompt_tokens=33, completion_tokens=3)))
    body = json.dumps({"model": "gpt-usage-pass", "stream": True, "stream_options": {"include_usage": True},
                       "messages": MSG}).encode()
    req = urllib.request.Request(proxy.url + "/v1/chat/completions", data=body,
                                 headers={"content-type": "application/json", "authorization": "Bearer k"})
    text = urllib.request.urlopen(req, timeout=10).read().decode()
    assert '"prompt_tokens": 33' in text or '"prompt_tokens":33' in text
    line = request_line(proxy, "gpt-usage-pass")
    assert "tokens_in=33" in line and "tokens_out=3" in line, line


def test_a_failed_generation_gets_the_error_status(proxy, responses_mock):
    # HTTP 200 with a Responses body whose status is "failed": the library turns it into the
    # client's error body and gives the status to send (apx_output.http_status), not 200.
    responses_mock.queue(Reply(body={"id": "resp_1", "object": "response", "created_at": 1, "model": "gpt-5-resp",
                                     "status": "failed", "output": [],
                                     "error": {"code": "server_error", "message": "the model broke"}}))
    with pytest.raises(anthropic.APIStatusError) as e:
        ant(proxy).messages.create(model="claude-on-responses", max_tokens=10, messages=MSG)
    assert e.value.status_code >= 500
    assert "the model broke" in str(e.value.body)
