"""apxlate.httpx.Transport / AsyncTransport: the official SDKs, unchanged, talk through the
in-process transports to strict loopback upstreams of another format (Tests/python/
_strict_mocks.py), sync and async, streaming and not, with tools, errors and broken streams."""

import asyncio
import json
import threading
import time

import pytest

anthropic = pytest.importorskip("anthropic")
openai = pytest.importorskip("openai")
httpx2 = pytest.importorskip("httpx2")

import apxlate.httpx  # noqa: E402
from _strict_mocks import (  # noqa: E402
    CLIENT_KEY, UPSTREAM_KEY, Reply, StrictAnthropic, StrictOpenAI, StrictResponses, anthropic_message,
    anthropic_stream_events, chat_completion, chat_stream_events, responses_object, responses_stream_events)

CONFIG = {"models": {"default": "gpt-up"}}
WEATHER = {"name": "get_weather", "description": "Weather for a city",
           "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}
LOOKUP = {"type": "function", "function": {"name": "lookup", "description": "Look a word up", "parameters": {
    "type": "object", "properties": {"word": {"type": "string"}}, "required": ["word"]}}}
HI = [{"role": "user", "content": "hello"}]


@pytest.fixture
def openai_up():
    m = StrictOpenAI()
    yield m
    assert m.rejected == []
    m.close()


@pytest.fixture
def responses_up():
    m = StrictResponses()
    yield m
    assert m.rejected == []
    m.close()


@pytest.fixture
def anthropic_up():
    m = StrictAnthropic()
    yield m
    assert m.rejected == []
    m.close()


def transport(mock, fmt, cls=apxlate.httpx.Transport, config=CONFIG):
    return cls(upstream=mock.base_url, upstream_format=fmt, api_key=UPSTREAM_KEY, config=config)


def claude(mock, fmt, **kw):
    http = httpx2.Client(transport=transport(mock, fmt, **kw))
    return anthropic.Anthropic(api_key=CLIENT_KEY, base_url="http://apxlate.invalid", http_client=http, max_retries=0)


def claude_async(mock, fmt):
    http = httpx2.AsyncClient(transport=transport(mock, fmt, apxlate.httpx.AsyncTransport))
    return anthropic.AsyncAnthropic(api_key=CLIENT_KEY, base_url="http://apxlate.invalid", http_client=http,
                                    max_retries=0)


def gpt(mock, is_async=False):
    cls = apxlate.httpx.AsyncTransport if is_async else apxlate.httpx.Transport
    t = cls(upstream=mock.base_url, upstream_format="anthropic", api_key=UPSTREAM_KEY,
            config={"models": {"default": "claude-up"}})
    if is_async:
        return openai.AsyncOpenAI(api_key=CLIENT_KEY, base_url="http://apxlate.invalid/v1",
                                  http_client=httpx2.AsyncClient(transport=t), max_retries=0)
    return openai.OpenAI(api_key=CLIENT_KEY, base_url="http://apxlate.invalid/v1",
                         http_client=httpx2.Client(transport=t), max_retries=0)


# ---------------------------------------------------------------- Anthropic SDK → OpenAI upstreams

def test_anthropic_sdk_to_chat_upstream(openai_up):
    openai_up.queue(Reply(body=chat_completion(text="Hi from GPT", prompt_tokens=21, completion_tokens=4)))
    msg = claude(openai_up, "openai-chat").messages.create(model="claude-sonnet-4-5", max_tokens=64, messages=HI)
    assert isinstance(msg, anthropic.types.Message)
    assert [b.text for b in msg.content] == ["Hi from GPT"]
    assert msg.model == "claude-sonnet-4-5" and msg.stop_reason == "end_turn"
    assert msg.usage.input_tokens == 21 and msg.usage.output_tokens == 4
    up = openai_up.requests[0]
    assert up.json["model"] == "gpt-up" and up.json["max_completion_tokens"] == 64
    assert up.headers["authorization"] == "Bearer " + UPSTREAM_KEY


def test_anthropic_sdk_stream_with_tools_to_chat_upstream(openai_up):
    tc = [{"id": "call_1", "name": "get_weather", "arguments": {"city": "Paris"}}]
    openai_up.queue(Reply(events=chat_stream_events(text="Let me check.", tool_calls=tc)))
    with claude(openai_up, "openai-chat").messages.stream(model="claude-sonnet-4-5", max_tokens=64, messages=HI,
                                                          tools=[WEATHER]) as s:
        events = [e.type for e in s]
        final = s.get_final_message()
    assert events[0] == "message_start" and events[-1] == "message_stop"
    assert final.content[0].text == "Let me check."
    assert final.content[1].type == "tool_use" and final.content[1].name == "get_weather"
    assert final.content[1].input == {"city": "Paris"}
    assert final.stop_reason == "tool_use"
    assert openai_up.requests[0].json["stream"] is True
    assert openai_up.requests[0].json["tools"][0]["function"]["name"] == "get_weather"


def test_anthropic_async_to_responses_upstream(responses_up):
    fc = [{"id": "fc_1", "call_id": "call_9", "name": "get_weather", "arguments": {"city": "Oslo"}}]
    responses_up.queue(Reply(body=responses_object(text="Calling.", function_calls=fc)),
                       Reply(events=responses_stream_events(text="Streamed from Responses")))

    async def run():
        client = claude_async(responses_up, "openai-responses")
        msg = await client.messages.create(model="claude-opus-4-1", max_tokens=64, messages=HI, tools=[WEATHER])
        async with client.messages.stream(model="claude-opus-4-1", max_tokens=64, messages=HI) as s:
            text = "".join([t async for t in s.text_stream])
            final = await s.get_final_message()
        await client.close()
        return msg, text, final

    msg, text, final = asyncio.run(run())
    assert msg.content[1].input == {"city": "Oslo"} and msg.content[1].id
    assert text == "Streamed from Responses" and final.stop_reason == "end_turn"
    assert [r.path for r in responses_up.requests] == ["/v1/responses"] * 2


def test_anthropic_sdk_stream_sync_to_responses_upstream(responses_up):
    responses_up.queue(Reply(events=responses_stream_events(text="Plain stream")))
    stream = claude(responses_up, "openai-responses").messages.create(
        model="claude-haiku-4-5", max_tokens=64, messages=HI, stream=True)
    deltas = [e.delta.text for e in stream if e.type == "content_block_delta"]
    assert "".join(deltas) == "Plain stream"


# ---------------------------------------------------------------- OpenAI SDKs → Anthropic upstream

def test_openai_chat_sdk_to_anthropic_upstream(anthropic_up):
    tu = [{"id": "toolu_1", "name": "lookup", "input": {"word": "serendipity"}}]
    anthropic_up.queue(Reply(body=anthropic_message(text="Hi from Claude", input_tokens=30, output_tokens=6)),
                       Reply(body=anthropic_message(text="", tool_uses=tu)))
    client = gpt(anthropic_up)
    r = client.chat.completions.create(model="gpt-4o", max_tokens=50, messages=HI)
    assert r.choices[0].message.content == "Hi from Claude" and r.model == "gpt-4o"
    assert r.usage.prompt_tokens == 30 and r.usage.completion_tokens == 6
    r = client.chat.completions.create(model="gpt-4o", max_tokens=50, messages=HI, tools=[LOOKUP])
    call = r.choices[0].message.tool_calls[0]
    assert call.function.name == "lookup" and json.loads(call.function.arguments) == {"word": "serendipity"}
    assert r.choices[0].finish_reason == "tool_calls"
    assert anthropic_up.requests[0].json["model"] == "claude-up"


def test_openai_chat_sdk_stream_sync_and_async(anthropic_up):
    tu = [{"id": "toolu_2", "name": "lookup", "input": {"word": "ok"}}]
    anthropic_up.queue(Reply(events=anthropic_stream_events(text="Streamed from Claude", output_tokens=8)),
                       Reply(events=anthropic_stream_events(text="", tool_uses=tu)))

    def collect(chunks):
        text, args, usage = "", "", None
        for c in chunks:
            usage = c.usage or usage
            for ch in c.choices:
                text += ch.delta.content or ""
                for tc in ch.delta.tool_calls or []:
                    args += tc.function.arguments or ""
        return text, args, usage

    text, _, usage = collect(gpt(anthropic_up).chat.completions.create(
        model="gpt-4o", messages=HI, stream=True, stream_options={"include_usage": True}))
    assert text == "Streamed from Claude" and usage.completion_tokens == 8

    async def run():
        client = gpt(anthropic_up, is_async=True)
        stream = await client.chat.completions.create(model="gpt-4o", messages=HI, stream=True, tools=[LOOKUP])
        chunks = [c async for c in stream]
        await client.close()
        return chunks

    _, args, _ = collect(asyncio.run(run()))
    assert json.loads(args) == {"word": "ok"}


def test_openai_responses_sdk_to_anthropic_upstream(anthropic_up):
    anthropic_up.queue(Reply(body=anthropic_message(text="Responses via Claude")),
                       Reply(events=anthropic_stream_events(text="Streamed responses")))
    client = gpt(anthropic_up)
    r = client.responses.create(model="gpt-5", input="hello", max_output_tokens=40)
    assert r.output_text == "Responses via Claude" and r.status == "completed"
    with client.responses.stream(model="gpt-5", input="hello") as s:
        kinds = [e.type for e in s]
        final = s.get_final_response()
    assert kinds[0] == "response.created" and kinds[-1] == "response.completed"
    assert final.output_text == "Streamed responses"

    async def run():
        c = gpt(anthropic_up, is_async=True)
        out = await c.responses.create(model="gpt-5", input="again")
        await c.close()
        return out

    assert asyncio.run(run()).output_text == "Hello from mock Anthropic"


# ---------------------------------------------------------------- errors

def test_upstream_errors_become_the_sdks_exceptions(openai_up, anthropic_up):
    openai_up.queue(Reply(429, body={"error": {"message": "slow down", "type": "rate_limit_exceeded"}},
                          headers={"retry-after": "7"}),
                    Reply(400, body={"error": {"message": "context too long", "type": "invalid_request_error"}}))
    client = claude(openai_up, "openai-chat")
    with pytest.raises(anthropic.RateLimitError) as e:
        client.messages.create(model="claude-sonnet-4-5", max_tokens=8, messages=HI)
    assert e.value.status_code == 429 and "slow down" in e.value.message
    assert e.value.response.headers["retry-after"] == "7"
    assert e.value.body["error"]["type"] == "rate_limit_error"
    with pytest.raises(anthropic.BadRequestError, match="context too long"):
        client.messages.create(model="claude-sonnet-4-5", max_tokens=8, messages=HI, stream=True)

    anthropic_up.queue(Reply(401, body={"type": "error", "error": {"type": "authentication_error",
                                                                    "message": "invalid x-api-key"}}))
    with pytest.raises(openai.AuthenticationError) as e:
        gpt(anthropic_up).chat.completions.create(model="gpt-4o", messages=HI)
    assert e.value.status_code == 401 and "invalid x-api-key" in e.value.message


def test_connection_failure_is_the_sdks_connection_error():
    dead = StrictOpenAI()
    dead.close()  # the port is closed now
    with pytest.raises(anthropic.APIConnectionError):
        claude(dead, "openai-chat").messages.create(model="claude-sonnet-4-5", max_tokens=8, messages=HI)
    with pytest.raises(openai.APIConnectionError):
        asyncio.run(gpt(dead, is_async=True).chat.completions.create(model="gpt-4o", messages=HI))


def test_invalid_request_is_rejected_locally(openai_up):
    client = claude(openai_up, "openai-chat")
    with pytest.raises(anthropic.BadRequestError) as e:
        client.messages.create(model="claude-sonnet-4-5", max_tokens=8,
                               messages=[{"role": "user", "content": [{"type": "text"}]}])
    assert e.value.status_code == 400 and "messages[0].content[0]" in e.value.message
    assert openai_up.requests == []


def test_broken_upstream_stream_ends_with_an_error_event(openai_up):
    events = chat_stream_events(text="This stream breaks off")[:3]
    openai_up.queue(Reply(events=events, cut=True))
    stream = claude(openai_up, "openai-chat").messages.create(model="claude-sonnet-4-5", max_tokens=8,
                                                             messages=HI, stream=True)
    seen = []
    with pytest.raises(anthropic.APIStatusError) as e:
        for ev in stream:
            seen.append(ev.type)
    assert seen[0] == "message_start" and "content_block_delta" in seen
    assert "upstream" in str(e.value)


def test_count_tokens_is_answered_locally(openai_up):
    n = claude(openai_up, "openai-chat").messages.count_tokens(model="claude-sonnet-4-5", messages=HI, tools=[WEATHER])
    assert n.input_tokens > 5
    assert openai_up.requests == []


def test_untranslated_path_is_a_404_in_the_clients_format(openai_up):
    with pytest.raises(anthropic.NotFoundError):
        claude(openai_up, "openai-chat").models.list()
    assert openai_up.requests == []


# ---------------------------------------------------------------- streaming is incremental

def test_stream_reaches_the_sdk_before_the_upstream_ends(openai_up):
    """The SDK holds the first text delta while the upstream still has events to send."""
    openai_up.queue(Reply(events=chat_stream_events(text="one two three four five six seven"), gap=0.08))
    finished_before_first = []

    def check(ev):
        if ev.type == "content_block_delta" and not finished_before_first:
            finished_before_first.append(openai_up.streams_completed)
            return True
        return False

    stream = claude(openai_up, "openai-chat").messages.create(model="claude-sonnet-4-5", max_tokens=8,
                                                             messages=HI, stream=True)
    t0 = time.monotonic()
    first = None
    for ev in stream:
        if check(ev):
            first = time.monotonic() - t0
    total = time.monotonic() - t0
    assert finished_before_first == [0], "the first delta only came after the upstream finished"
    assert first < total / 2 and openai_up.streams_completed == 1


def test_async_stream_is_incremental(anthropic_up):
    anthropic_up.queue(Reply(events=anthropic_stream_events(text="alpha beta gamma delta"), gap=0.08))
    seen = []

    async def run():
        client = gpt(anthropic_up, is_async=True)
        stream = await client.chat.completions.create(model="gpt-4o", messages=HI, stream=True)
        async for c in stream:
            if c.choices and c.choices[0].delta.content and not seen:
                seen.append(anthropic_up.streams_completed)
        await client.close()

    asyncio.run(run())
    assert seen == [0]


def test_transport_is_shareable_between_threads(openai_up):
    client = claude(openai_up, "openai-chat")
    out, errors = [], []

    def one(i):
        try:
            m = client.messages.create(model="claude-sonnet-4-5", max_tokens=8, messages=HI)
            out.append(m.content[0].text)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and out == ["Hello from mock OpenAI"] * 8


# ---------------------------------------------------------------- plain httpx and httpx2 clients

@pytest.mark.parametrize("module", ["httpx", "httpx2"])
def test_plain_clients_of_either_module(openai_up, module):
    """No SDK: a bare Client/AsyncClient of httpx or httpx2 posts Anthropic JSON and gets Anthropic back."""
    mod = pytest.importorskip(module)
    openai_up.queue(Reply(body=chat_completion(text="plain")), Reply(events=chat_stream_events(text="streamed")),
                    Reply(body=chat_completion(text="async plain")))
    req = {"model": "claude-sonnet-4-5", "max_tokens": 16, "messages": HI}
    with mod.Client(transport=transport(openai_up, "openai-chat"), base_url="http://apxlate.invalid") as c:
        r = c.post("/v1/messages", json=req, headers={"x-api-key": CLIENT_KEY})
        assert r.status_code == 200 and r.json()["content"][0]["text"] == "plain"
        with c.stream("POST", "/v1/messages", json=dict(req, stream=True)) as s:
            assert s.headers["content-type"].startswith("text/event-stream")
            lines = [ln for ln in s.iter_lines() if ln.startswith("event: ")]
        assert lines[0] == "event: message_start" and lines[-1] == "event: message_stop"

    async def run():
        t = transport(openai_up, "openai-chat", apxlate.httpx.AsyncTransport)
        async with mod.AsyncClient(transport=t, base_url="http://apxlate.invalid") as c:
            return await c.post("/v1/messages", json=req)

    assert asyncio.run(run()).json()["content"][0]["text"] == "async plain"


def test_upstream_key_echoed_in_an_error_is_masked(openai_up):
    openai_up.queue(Reply(401, body={"error": {"message": "Incorrect API key provided: %s" % UPSTREAM_KEY,
                                               "type": "invalid_request_error", "code": "invalid_api_key"}}))
    with pytest.raises(anthropic.AuthenticationError) as e:
        claude(openai_up, "openai-chat").messages.create(model="claude-sonnet-4-5", max_tokens=8, messages=HI)
    assert UPSTREAM_KEY not in json.dumps(e.value.body) and "Incorrect API key provided" in e.value.message
    events = chat_stream_events(text="")  # one delta carrying the whole key (as a JSON escape)
    piece = {"id": "chatcmpl-mock", "object": "chat.completion.chunk", "created": 1700000000, "model": "gpt-mock",
             "choices": [{"index": 0, "delta": {"content": "echo %s done" % UPSTREAM_KEY}, "finish_reason": None}]}
    events.insert(1, (None, json.dumps(piece).replace("sk-", "\\u0073k-")))
    openai_up.queue(Reply(events=events))
    with claude(openai_up, "openai-chat").messages.stream(model="claude-sonnet-4-5", max_tokens=8, messages=HI) as s:
        assert "".join(s.text_stream) == "echo *** done"


def test_stalled_upstream_stream_ends_with_a_timeout_error(openai_up):
    """The SDK's read timeout reaches the inner transport; a stall mid-stream ends the SDK's
    stream with a 504-kind error event (Stream.fail), not a hang or a truncated stream."""
    openai_up.queue(Reply(events=chat_stream_events(text="stall after this"), gap=1.5))
    client = claude(openai_up, "openai-chat").with_options(timeout=httpx2.Timeout(5.0, read=0.4))
    seen = []
    t0 = time.monotonic()
    with pytest.raises(anthropic.APIStatusError) as e:
        for ev in client.messages.create(model="claude-sonnet-4-5", max_tokens=8, messages=HI, stream=True):
            seen.append(ev.type)
    assert seen and seen[0] == "message_start"
    assert "timed out" in str(e.value) or "timeout" in str(e.value).lower(), str(e.value)
    assert time.monotonic() - t0 < 1.4


def test_the_strict_mocks_reject_malformed_requests():
    """The mocks above would catch a transport that sends the client's key, the wrong auth
    header, or a body the upstream's format does not accept."""
    for cls, path, body, headers in [
        (StrictOpenAI, "/chat/completions", {"model": "m", "max_tokens": 5, "messages": HI},
         {"authorization": "Bearer " + UPSTREAM_KEY}),
        (StrictOpenAI, "/chat/completions", {"model": "m", "messages": HI}, {"x-api-key": CLIENT_KEY}),
        (StrictResponses, "/responses", {"model": "m", "messages": HI}, {"authorization": "Bearer " + UPSTREAM_KEY}),
        (StrictAnthropic, "/v1/messages", {"model": "m", "messages": HI},
         {"x-api-key": UPSTREAM_KEY, "anthropic-version": "2023-06-01"}),
    ]:
        mock = cls()
        try:
            r = httpx2.post(mock.base_url + path, json=body, headers=headers)
            assert r.status_code == 400 and len(mock.rejected) == 1, (cls.__name__, body, r.text)
        finally:
            mock.close()


def test_unknown_upstream_format_is_refused_at_construction():
    with pytest.raises(apxlate.ArgumentError, match="unknown upstream_format 'openai'"):
        apxlate.httpx.Transport(upstream="http://127.0.0.1:9/v1", upstream_format="openai")
