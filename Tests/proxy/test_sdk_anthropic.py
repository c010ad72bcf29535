"""The anthropic SDK through the proxy: to the OpenAI mock (translated) and to the Anthropic mock
(passthrough), streaming and not, with tools and thinking."""
import json

import anthropic
import pytest

from conftest import ANTHROPIC_UPSTREAM_KEY, OPENAI_UPSTREAM_KEY
from mock_upstreams import (Reply, anthropic_message, anthropic_stream_events, chat_completion,
                            chat_stream_events)

TOOLS = [{"name": "get_weather", "description": "Weather for a city",
          "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}]


def client(proxy, **kw):
    return anthropic.Anthropic(base_url=proxy.url, api_key="client-key-not-for-upstream", max_retries=0, **kw)


def test_text_to_openai_upstream(proxy, openai_mock):
    openai_mock.queue(Reply(body=chat_completion(text="Bonjour!", prompt_tokens=21, completion_tokens=4)))
    msg = client(proxy).messages.create(model="claude-sonnet-4-5", max_tokens=100,
                                        messages=[{"role": "user", "content": "Say hello in French"}])
    assert [b.type for b in msg.content] == ["text"]
    assert msg.content[0].text == "Bonjour!"
    assert msg.model == "claude-sonnet-4-5"
    assert msg.stop_reason == "end_turn"
    assert msg.usage.input_tokens == 21 and msg.usage.output_tokens == 4
    assert len(openai_mock.requests) == 1
    up = openai_mock.requests[0]
    assert up.path == "/v1/chat/completions"
    assert up.json["model"] == "gpt-big"
    assert up.headers["authorization"] == "Bearer " + OPENAI_UPSTREAM_KEY
    assert up.json["messages"][-1]["content"] in ("Say hello in French", [{"type": "text", "text": "Say hello in French"}])


def test_stream_text_to_openai_upstream(proxy, openai_mock):
    openai_mock.queue(Reply(events=chat_stream_events(text="Streaming works fine", completion_tokens=5)))
    with client(proxy).messages.stream(model="claude-haiku-4-5", max_tokens=100,
                                       messages=[{"role": "user", "content": "hi"}]) as s:
        texts = list(s.text_stream)
        final = s.get_final_message()
    assert "".join(texts) == "Streaming works fine"
    assert final.content[0].text == "Streaming works fine"
    assert final.stop_reason == "end_turn"
    assert final.usage.output_tokens == 5
    assert len(openai_mock.requests) == 1
    assert openai_mock.requests[0].json["model"] == "gpt-small"
    assert openai_mock.requests[0].json["stream"] is True


@pytest.mark.parametrize("stream", [False, True])
def test_tool_call_from_openai_upstream(proxy, openai_mock, stream):
    call = {"id": "call_abc123", "name": "get_weather", "arguments": {"city": "Paris", "units": ["c", "f"]}}
    if stream:
        openai_mock.queue(Reply(events=chat_stream_events(text="Let me check.", tool_calls=[call])))
    else:
        openai_mock.queue(Reply(body=chat_completion(text="Let me check.", tool_calls=[call])))
    c = client(proxy)
    args = dict(model="claude-opus-4-1", max_tokens=200, tools=TOOLS,
                messages=[{"role": "user", "content": "Weather in Paris?"}])
    if stream:
        with c.messages.stream(**args) as s:
            msg = s.get_final_message()
    else:
        msg = c.messages.create(**args)
    assert msg.stop_reason == "tool_use"
    tool_uses = [b for b in msg.content if b.type == "tool_use"]
    assert len(tool_uses) == 1
    assert tool_uses[0].name == "get_weather"
    assert tool_uses[0].input == {"city": "Paris", "units": ["c", "f"]}
    up = openai_mock.requests[0].json
    assert up["tools"][0]["function"]["name"] == "get_weather"
    assert up["tools"][0]["function"]["parameters"]["required"] == ["city"]

    # The tool result goes back upstream as a tool message bound to the same call id.
    openai_mock.queue(Reply(body=chat_completion(text="It is sunny.")))
    msg2 = c.messages.create(model="claude-opus-4-1", max_tokens=200, tools=TOOLS, messages=[
        {"role": "user", "content": "Weather in Paris?"},
        {"role": "assistant", "content": msg.content},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": tool_uses[0].id, "content": "sunny, 21C"}]},
    ])
    assert msg2.content[0].text == "It is sunny."
    sent = openai_mock.requests[1].json["messages"]
    tool_msgs = [m for m in sent if m["role"] == "tool"]
    assert len(tool_msgs) == 1
    assert "sunny, 21C" in json.dumps(tool_msgs[0]["content"])
    assistant = [m for m in sent if m["role"] == "assistant"][0]
    assert assistant["tool_calls"][0]["id"] == tool_msgs[0]["tool_call_id"]
    assert json.loads(assistant["tool_calls"][0]["function"]["arguments"]) == {"city": "Paris", "units": ["c", "f"]}


@pytest.mark.parametrize("stream", [False, True])
def test_reasoning_becomes_thinking(proxy, openai_mock, stream):
    if stream:
        openai_mock.queue(Reply(events=chat_stream_events(text="42", reasoning="Six times seven is 42.")))
    else:
        openai_mock.queue(Reply(body=chat_completion(text="42", reasoning="Six times seven is 42.")))
    c = client(proxy)
    args = dict(model="claude-sonnet-4-5", max_tokens=2000, thinking={"type": "enabled", "budget_tokens": 1024},
                messages=[{"role": "user", "content": "6*7?"}])
    if stream:
        with c.messages.stream(**args) as s:
            msg = s.get_final_message()
    else:
        msg = c.messages.create(**args)
    kinds = [b.type for b in msg.content]
    assert kinds == ["thinking", "text"]
    assert msg.content[0].thinking == "Six times seven is 42."
    assert msg.content[1].text == "42"


@pytest.mark.parametrize("stream", [False, True])
def test_passthrough_to_anthropic_upstream(proxy, anthropic_mock, stream):
    tu = [{"id": "toolu_01", "name": "get_weather", "input": {"city": "Oslo"}}]
    if stream:
        anthropic_mock.queue(Reply(events=anthropic_stream_events(text="Checking", tool_uses=tu, thinking="hmm")))
    else:
        anthropic_mock.queue(Reply(body=anthropic_message(text="Checking", tool_uses=tu, thinking="hmm")))
    c = client(proxy, default_headers={"anthropic-beta": "interleaved-thinking-2025-05-14"})
    body = dict(model="pass-anthropic", max_tokens=300, tools=TOOLS, messages=[{"role": "user", "content": "Oslo?"}])
    if stream:
        with c.messages.stream(**body) as s:
            msg = s.get_final_message()
    else:
        msg = c.messages.create(**body)
    assert [b.type for b in msg.content] == ["thinking", "text", "tool_use"]
    assert msg.content[2].input == {"city": "Oslo"}
    up = anthropic_mock.requests[0]
    assert up.path == "/v1/messages"
    assert up.headers["x-api-key"] == ANTHROPIC_UPSTREAM_KEY
    assert up.headers["anthropic-beta"] == "interleaved-thinking-2025-05-14"
    assert "anthropic-version" in up.headers
    assert up.json["tools"] == TOOLS and up.json["model"] == "pass-anthropic"


def test_passthrough_is_byte_faithful_with_model_mapping(proxy, anthropic_mock, openai_mock):
    import urllib.request
    raw = b'{"model":"sonnet-on-claude" ,"max_tokens":7,"messages":[{"role":"user","content":"\\u00e9t\\u00e9"}],"x_unknown":{"keep":[1,2.50]}}'
    req = urllib.request.Request(proxy.url + "/v1/messages?beta=true", data=raw,
                                 headers={"content-type": "application/json", "anthropic-version": "2023-06-01"})
    with urllib.request.urlopen(req, timeout=10) as r:
        out = json.loads(r.read())
    assert out["model"] == "sonnet-on-claude"
    sent = anthropic_mock.requests[0].raw
    assert sent == raw.replace(b'"sonnet-on-claude"', b'"claude-sonnet-4-5"')
