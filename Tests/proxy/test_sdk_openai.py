"""The openai SDK through the proxy: to the Anthropic mock (translated) and to the OpenAI mock
(passthrough), streaming and not, with tools and reasoning."""
import json

import openai
import pytest

from conftest import ANTHROPIC_UPSTREAM_KEY, OPENAI_UPSTREAM_KEY
from mock_upstreams import Reply, anthropic_message, anthropic_stream_events, chat_completion, chat_stream_events

TOOLS = [{"type": "function", "function": {
    "name": "lookup", "description": "Look a word up",
    "parameters": {"type": "object", "properties": {"word": {"type": "string"}}, "required": ["word"]}}}]


def client(proxy):
    return openai.OpenAI(base_url=proxy.url + "/v1", api_key="client-key-not-for-upstream", max_retries=0)


def test_chat_to_anthropic_upstream(proxy, anthropic_mock):
    anthropic_mock.queue(Reply(body=anthropic_message(text="Hi from Claude", input_tokens=30, output_tokens=6)))
    r = client(proxy).chat.completions.create(model="sonnet-on-claude", max_tokens=50, messages=[
        {"role": "system", "content": "Be brief."}, {"role": "user", "content": "hello"}])
    assert r.choices[0].message.content == "Hi from Claude"
    assert r.choices[0].finish_reason == "stop"
    assert r.model == "sonnet-on-claude"
    assert r.usage.prompt_tokens == 30 and r.usage.completion_tokens == 6
    up = anthropic_mock.requests[0]
    assert up.path == "/v1/messages"
    assert up.json["model"] == "claude-sonnet-4-5"
    assert up.headers["x-api-key"] == ANTHROPIC_UPSTREAM_KEY
    assert up.headers["anthropic-version"]
    assert "Be brief." in json.dumps(up.json["system"])
    assert up.json["max_tokens"] == 50


def test_chat_stream_to_anthropic_upstream(proxy, anthropic_mock):
    anthropic_mock.queue(Reply(events=anthropic_stream_events(text="Streamed from Claude", output_tokens=8)))
    stream = client(proxy).chat.completions.create(model="sonnet-on-claude", max_tokens=50, stream=True,
                                                   stream_options={"include_usage": True},
                                                   messages=[{"role": "user", "content": "hello"}])
    text, finish, usage = "", None, None
    for chunk in stream:
        if chunk.usage:
            usage = chunk.usage
        for ch in chunk.choices:
            text += ch.delta.content or ""
            finish = ch.finish_reason or finish
    assert text == "Streamed from Claude"
    assert finish == "stop"
    assert usage is not None and usage.completion_tokens == 8
    assert anthropic_mock.requests[0].json["stream"] is True
    assert len(anthropic_mock.requests) == 1


@pytest.mark.parametrize("stream", [False, True])
def test_tools_with_anthropic_upstream(proxy, anthropic_mock, stream):
    tu = [{"id": "toolu_9", "name": "lookup", "input": {"word": "serendipity"}}]
    if stream:
        anthropic_mock.queue(Reply(events=anthropic_stream_events(text="", tool_uses=tu)))
    else:
        anthropic_mock.queue(Reply(body=anthropic_message(text="", tool_uses=tu)))
    c = client(proxy)
    args = dict(model="sonnet-on-claude", max_tokens=100, tools=TOOLS, messages=[{"role": "user", "content": "define serendipity"}])
    if stream:
        with c.chat.completions.stream(**args) as s:
            for _ in s:
                pass
            r = s.get_final_completion()
    else:
        r = c.chat.completions.create(**args)
    choice = r.choices[0]
    assert choice.finish_reason == "tool_calls"
    calls = choice.message.tool_calls
    assert len(calls) == 1 and calls[0].function.name == "lookup"
    assert json.loads(calls[0].function.arguments) == {"word": "serendipity"}
    up = anthropic_mock.requests[0].json
    assert up["tools"][0]["name"] == "lookup"
    assert up["tools"][0]["input_schema"]["required"] == ["word"]


@pytest.mark.parametrize("stream", [False, True])
def test_thinking_becomes_reasoning(proxy, anthropic_mock, stream):
    if stream:
        anthropic_mock.queue(Reply(events=anthropic_stream_events(text="Answer", thinking="Deep thought")))
    else:
        anthropic_mock.queue(Reply(body=anthropic_message(text="Answer", thinking="Deep thought")))
    c = client(proxy)
    args = dict(model="sonnet-on-claude", max_tokens=2000, reasoning_effort="medium",
                messages=[{"role": "user", "content": "think"}])
    if stream:
        reasoning, text = "", ""
        for chunk in c.chat.completions.create(stream=True, **args):
            for ch in chunk.choices:
                d = ch.delta.model_dump()
                reasoning += d.get("reasoning_content") or d.get("reasoning") or ""
                text += ch.delta.content or ""
    else:
        r = c.chat.completions.create(**args)
        d = r.choices[0].message.model_dump()
        reasoning = d.get("reasoning_content") or d.get("reasoning") or ""
        text = r.choices[0].message.content
    assert text == "Answer"
    assert reasoning == "Deep thought"
    assert "thinking" in anthropic_mock.requests[0].json


def test_passthrough_openai(proxy, openai_mock):
    openai_mock.queue(Reply(body=chat_completion(text="direct")))
    r = client(proxy).chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}], temperature=0.25)
    assert r.choices[0].message.content == "direct"
    up = openai_mock.requests[0]
    assert up.headers["authorization"] == "Bearer " + OPENAI_UPSTREAM_KEY
    assert up.json["temperature"] == 0.25 and up.json["model"] == "gpt-4o"


def test_passthrough_openai_stream(proxy, openai_mock):
    call = {"id": "call_1", "name": "lookup", "arguments": {"word": "x"}}
    openai_mock.queue(Reply(events=chat_stream_events(text="ab", tool_calls=[call])))
    with client(proxy).chat.completions.stream(model="gpt-4o", tools=TOOLS, messages=[{"role": "user", "content": "x"}]) as s:
        for _ in s:
            pass
        r = s.get_final_completion()
    assert json.loads(r.choices[0].message.tool_calls[0].function.arguments) == {"word": "x"}
    assert len(openai_mock.requests) == 1


def test_models_in_openai_shape(proxy):
    ids = [m.id for m in client(proxy).models.list()]
    assert "sonnet-on-claude" in ids and "gpt-big" in ids
