"""The anthropic SDK (as Claude Code uses it) through the proxy to an OpenAI Responses upstream:
text, tools and reasoning, streaming and not, and a two-turn tool loop whose reasoning item
reaches the upstream again intact."""
import json

import anthropic
import pytest

from conftest import RESPONSES_UPSTREAM_KEY
from mock_upstreams import Reply, responses_object, responses_stream_events

TOOLS = [{"name": "get_weather", "description": "Weather for a city",
          "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}]
CALL = {"id": "fc_01abc", "call_id": "call_W1x", "name": "get_weather", "arguments": {"city": "Paris", "units": ["c", "f"]}}
REASONING = {"id": "rs_0123456789abcdef", "encrypted_content": "gAAAAABo-opaque+/encrypted==blob",
             "summary": ["**Checking the weather** The user wants Paris.", "I should call get_weather."]}


def client(proxy):
    return anthropic.Anthropic(base_url=proxy.url, api_key="client-key-not-for-upstream", max_retries=0)


def reply(stream, **kw):
    return Reply(events=responses_stream_events(**kw)) if stream else Reply(body=responses_object(**kw))


def ask(c, stream, **args):
    if stream:
        with c.messages.stream(**args) as s:
            events = list(s)
            msg = s.get_final_message()
        check_event_sequence(events, msg)
        return msg
    return c.messages.create(**args)


def check_event_sequence(events, msg):
    """The Anthropic stream is well formed: message_start first, message_stop last, blocks opened
    in index order, each one closed before the next opens, and the deltas add up to the final
    message's content."""
    raw = [e for e in events if e.type in ("message_start", "content_block_start", "content_block_delta",
                                           "content_block_stop", "message_delta", "message_stop")]
    kinds = [e.type for e in raw]
    assert kinds[0] == "message_start" and kinds[-2:] == ["message_delta", "message_stop"]
    open_index, next_index, text = None, 0, {}
    for e in raw[1:-2]:
        if e.type == "content_block_start":
            assert open_index is None and e.index == next_index
            open_index, next_index = e.index, next_index + 1
            text[e.index] = ""
        elif e.type == "content_block_delta":
            assert e.index == open_index
            d = e.delta
            text[e.index] += {"text_delta": lambda: d.text, "thinking_delta": lambda: d.thinking,
                              "input_json_delta": lambda: d.partial_json,
                              "signature_delta": lambda: ""}[d.type]()
        else:
            assert e.type == "content_block_stop" and e.index == open_index
            open_index = None
    assert open_index is None and next_index == len(msg.content)
    for i, b in enumerate(msg.content):
        want = {"text": lambda: b.text, "thinking": lambda: b.thinking,
                "tool_use": lambda: b.input}[b.type]()
        got = json.loads(text[i]) if b.type == "tool_use" else text[i]
        assert got == want


def one_request(responses_mock, openai_mock, anthropic_mock, turn):
    """Exactly one upstream request per turn, all to the Responses upstream."""
    assert len(responses_mock.requests) == turn
    assert openai_mock.requests == [] and anthropic_mock.requests == []
    return responses_mock.requests[turn - 1]


@pytest.mark.parametrize("stream", [False, True])
def test_text_to_responses_upstream(proxy, responses_mock, openai_mock, anthropic_mock, stream):
    responses_mock.queue(reply(stream, text="Bonjour tout le monde!", input_tokens=25, output_tokens=6))
    msg = ask(client(proxy), stream, model="claude-on-responses", max_tokens=100, system="Answer in French.",
              messages=[{"role": "user", "content": "Say hello"}])
    assert [b.type for b in msg.content] == ["text"]
    assert msg.content[0].text == "Bonjour tout le monde!"
    assert msg.model == "claude-on-responses"
    assert msg.stop_reason == "end_turn"
    assert msg.usage.input_tokens == 25 and msg.usage.output_tokens == 6

    up = one_request(responses_mock, openai_mock, anthropic_mock, 1)
    assert up.path == "/v1/responses"
    assert up.headers["authorization"] == "Bearer " + RESPONSES_UPSTREAM_KEY
    body = up.json
    assert body["model"] == "gpt-5-resp"
    assert body["store"] is False
    assert body.get("stream", False) is stream
    assert "Answer in French." in json.dumps([body.get("instructions"), body["input"]])
    assert "Say hello" in json.dumps(body["input"])


@pytest.mark.parametrize("stream", [False, True])
def test_tool_call_from_responses_upstream(proxy, responses_mock, openai_mock, anthropic_mock, stream):
    responses_mock.queue(reply(stream, text="Let me check.", function_calls=[CALL], input_tokens=30, output_tokens=14))
    msg = ask(client(proxy), stream, model="claude-on-responses", max_tokens=300, tools=TOOLS,
              tool_choice={"type": "auto"}, messages=[{"role": "user", "content": "Weather in Paris?"}])
    assert [b.type for b in msg.content] == ["text", "tool_use"]
    assert msg.content[0].text == "Let me check."
    tool_use = msg.content[1]
    assert tool_use.id == "call_W1x" and tool_use.name == "get_weather"
    assert tool_use.input == {"city": "Paris", "units": ["c", "f"]}
    assert msg.stop_reason == "tool_use"
    assert msg.usage.input_tokens == 30 and msg.usage.output_tokens == 14

    body = one_request(responses_mock, openai_mock, anthropic_mock, 1).json
    assert len(body["tools"]) == 1
    tool = body["tools"][0]
    assert (tool["type"], tool["name"], tool["description"]) == ("function", "get_weather", "Weather for a city")
    assert tool["parameters"] == TOOLS[0]["input_schema"]
    assert body["tool_choice"] == "auto"


@pytest.mark.parametrize("thinking", [True, False], ids=["thinking", "no-thinking-param"])
@pytest.mark.parametrize("stream", [False, True])
def test_reasoning_item_survives_a_tool_loop(proxy, responses_mock, openai_mock, anthropic_mock, stream, thinking):
    """Turn 1: the upstream answers with a reasoning item and a function call. Turn 2: the client
    sends the assistant content back (as Claude Code does) with the tool result; the upstream must
    get the same reasoning item (id, encrypted_content) right before its function_call, with
    store: false and include: ["reasoning.encrypted_content"] (also when the client did not ask
    for thinking: the replayed item alone needs it)."""
    c = client(proxy)
    common = dict(model="claude-on-responses", max_tokens=4000, tools=TOOLS)
    if thinking:
        common["thinking"] = {"type": "enabled", "budget_tokens": 2048}
    question = {"role": "user", "content": "Weather in Paris?"}

    responses_mock.queue(reply(stream, text=None, function_calls=[CALL], reasoning=REASONING,
                               output_tokens=50, reasoning_tokens=36))
    msg = ask(c, stream, messages=[question], **common)
    assert [b.type for b in msg.content] == ["thinking", "tool_use"]
    assert msg.content[0].thinking == "\n\n".join(REASONING["summary"])
    assert msg.content[0].signature  # opaque; it carries the reasoning item
    assert msg.content[1].id == "call_W1x" and msg.content[1].input == CALL["arguments"]
    assert msg.stop_reason == "tool_use"
    assert msg.usage.output_tokens == 50  # reasoning tokens included, as Anthropic counts thinking
    first = one_request(responses_mock, openai_mock, anthropic_mock, 1).json
    assert first["store"] is False
    if thinking:
        assert first["include"] == ["reasoning.encrypted_content"]
        assert first["reasoning"]["effort"] in ("low", "medium", "high")

    responses_mock.queue(reply(stream, text="It is sunny in Paris, 21°C."))
    msg2 = ask(c, stream, messages=[
        question,
        {"role": "assistant", "content": msg.content},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": msg.content[1].id,
                                      "content": "sunny, 21C"}]},
    ], **common)
    assert msg2.content[-1].text == "It is sunny in Paris, 21°C."
    assert msg2.stop_reason == "end_turn"

    second = one_request(responses_mock, openai_mock, anthropic_mock, 2).json
    assert second["store"] is False
    assert second["include"] == ["reasoning.encrypted_content"]
    items = second["input"]
    kinds = [i.get("type", "message") for i in items]
    assert kinds.count("reasoning") == 1
    r = kinds.index("reasoning")
    reasoning = items[r]
    assert reasoning["id"] == REASONING["id"]
    assert reasoning["encrypted_content"] == REASONING["encrypted_content"]
    assert "\n\n".join(s["text"] for s in reasoning["summary"]) == "\n\n".join(REASONING["summary"])
    assert r + 1 < len(items) and items[r + 1]["type"] == "function_call"
    call = items[r + 1]
    assert call["call_id"] == "call_W1x" and call["name"] == "get_weather"
    assert json.loads(call["arguments"]) == CALL["arguments"]
    outputs = [i for i in items if i.get("type") == "function_call_output"]
    assert len(outputs) == 1 and outputs[0]["call_id"] == "call_W1x"
    assert "sunny, 21C" in json.dumps(outputs[0]["output"])
    assert kinds.index("function_call_output") > r + 1
    assert "Weather in Paris?" in json.dumps(items[:r])
