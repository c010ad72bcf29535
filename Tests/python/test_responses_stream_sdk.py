"""The official SDKs judge the Responses stream fixtures: every expected.sse the library must
produce (Tests/SwiftTranslateTests/StreamFixtureTests.swift checks the bytes) is fed to the
strict `.stream()` helpers of `openai` (Responses and Chat) and `anthropic`, through an httpx
mock transport. The synthetic upstream inputs of the Responses fixtures are judged too, so they
are streams the real API could send."""
import glob
import json
import os

import pytest

openai = pytest.importorskip("openai")
anthropic = pytest.importorskip("anthropic")

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fixtures")


def cases(group, name="expected.sse"):
    return sorted(glob.glob(os.path.join(FIXTURES, group, "stream-*", name)))


def read(path):
    with open(path, "rb") as f:
        return f.read()


def http_client(sdk, body):
    """A client of the httpx flavour the SDK uses (anthropic 2.x: httpx2) that answers every
    request with `body` as an event stream."""
    import importlib
    import inspect
    name = "httpx2" if "httpx2" in inspect.getsource(importlib.import_module(sdk.__name__ + "._base_client")) else "httpx"
    hx = importlib.import_module(name)
    answer = lambda request: hx.Response(200, headers={"content-type": "text/event-stream"}, content=body)
    return hx.Client(transport=hx.MockTransport(answer))


def openai_client(body):
    return openai.OpenAI(api_key="x", base_url="http://127.0.0.1:9/v1", max_retries=0, http_client=http_client(openai, body))


def anthropic_client(body):
    return anthropic.Anthropic(api_key="x", base_url="http://127.0.0.1:9", max_retries=0, http_client=http_client(anthropic, body))


def payloads(body):
    out = []
    for block in body.decode().split("\n\n"):
        for line in block.split("\n"):
            if line.startswith("data: ") and line != "data: [DONE]":
                out.append(json.loads(line[6:]))
    return out


def judge_responses_stream(body):
    """Runs `responses.stream()`; returns (events, final response or None, error or None)."""
    data = payloads(body)
    assert [d["sequence_number"] for d in data] == list(range(len(data))), "sequence numbers must count from 0"
    events, final, error = [], None, None
    client = openai_client(body)
    try:
        with client.responses.stream(model="m", input="hi") as stream:
            for e in stream:
                events.append(e)
            final = stream.get_final_response()
    except Exception as e:  # the helper raises on error / failed streams
        error = e
    return events, final, error


@pytest.mark.parametrize("path", cases("*-openai-responses") + cases("openai-responses-*", "input.sse"),
                         ids=lambda p: os.path.relpath(p, FIXTURES))
def test_responses_clients_accept_the_stream(path):
    body = read(path)
    data = payloads(body)
    events, final, error = judge_responses_stream(body)
    terminal = data[-1]["type"]
    if terminal == "response.failed":
        # the helper parses the error and the failed response, then has no completed response
        assert events and events[-1].type == "response.failed" and events[-1].response.error.message
        assert "response.completed" in str(error)
        return
    if terminal == "response.incomplete":
        # the helper only builds a final response from response.completed (as with OpenAI's own
        # incomplete streams); the terminal event it parsed carries it
        assert "response.completed" in str(error)
        final = events[-1].response
    else:
        assert error is None, f"{path}: {error!r}"
        assert terminal == "response.completed"
    assert final.status == data[-1]["response"]["status"]
    # the helper's own accumulation from the deltas equals the final response's items
    streamed = {}
    for e in events:
        if e.type == "response.output_text.delta":
            streamed.setdefault(e.item_id, "")
            streamed[e.item_id] += e.delta
    for item in final.output:
        if item.type == "message":
            assert "".join(c.text for c in item.content if c.type == "output_text") == streamed.get(item.id, "")
        if item.type == "function_call":
            # complete, valid arguments; an upstream input may send none at all (a compatible
            # server's call without parameters: stream-function-call-empty-arguments), which
            # the library turns into {} for its clients
            if item.arguments or not path.endswith("input.sse"):
                json.loads(item.arguments)
            assert item.call_id and item.id.startswith("fc")
    # ids are stable: every item event names an item announced by output_item.added
    added = {d["output_index"]: d["item"]["id"] for d in data if d["type"] == "response.output_item.added"}
    for d in data:
        if "item_id" in d:
            assert added.get(d["output_index"]) == d["item_id"]


@pytest.mark.parametrize("path", cases("openai-responses-anthropic"), ids=lambda p: os.path.relpath(p, FIXTURES))
def test_anthropic_clients_accept_the_stream(path):
    body = read(path)
    client = anthropic_client(body)
    if any(d.get("type") == "error" for d in payloads(body)):
        with pytest.raises(anthropic.APIStatusError):
            with client.messages.stream(model="m", max_tokens=10, messages=[{"role": "user", "content": "hi"}]) as s:
                for _ in s:
                    pass
        return
    with client.messages.stream(model="m", max_tokens=10, messages=[{"role": "user", "content": "hi"}]) as s:
        for _ in s:
            pass
        msg = s.get_final_message()
    assert msg.stop_reason in ("end_turn", "tool_use", "max_tokens")
    for block in msg.content:
        if block.type == "tool_use":
            assert isinstance(block.input, dict)
        if block.type == "thinking":
            assert block.signature.startswith("apx1.r.")


@pytest.mark.parametrize("path", cases("openai-responses-openai-chat"), ids=lambda p: os.path.relpath(p, FIXTURES))
def test_chat_clients_accept_the_stream(path):
    body = read(path)
    client = openai_client(body)
    if any("error" in d for d in payloads(body)):
        with pytest.raises(openai.APIError):
            with client.chat.completions.stream(model="m", messages=[{"role": "user", "content": "hi"}]) as s:
                for _ in s:
                    pass
        return
    with client.chat.completions.stream(model="m", messages=[{"role": "user", "content": "hi"}]) as s:
        for _ in s:
            pass
        snapshot = s.current_completion_snapshot
        if snapshot.choices[0].finish_reason == "length":
            with pytest.raises(openai.LengthFinishReasonError):  # the helper's rule for cut answers
                s.get_final_completion()
            return
        if snapshot.choices[0].finish_reason == "content_filter":
            with pytest.raises(openai.ContentFilterFinishReasonError):  # and for filtered ones
                s.get_final_completion()
            return
        done = s.get_final_completion()
    choice = done.choices[0]
    for call in choice.message.tool_calls or []:
        json.loads(call.function.arguments)
