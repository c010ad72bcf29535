"""POST /v1/responses: the openai SDK's Responses API through the proxy to the Anthropic mock,
streaming and not, with tools."""
import json

import openai
import pytest

from mock_upstreams import Reply, anthropic_message, anthropic_stream_events

TOOLS = [{"type": "function", "name": "lookup", "description": "Look up",
          "parameters": {"type": "object", "properties": {"word": {"type": "string"}}, "required": ["word"]}}]


def client(proxy):
    return openai.OpenAI(base_url=proxy.url + "/v1", api_key="k", max_retries=0)


def only_upstream_request(mock, *others):
    """Exactly one upstream request for the turn, on the expected upstream and nowhere else."""
    assert len(mock.requests) == 1
    for o in others:
        assert o.requests == []
    return mock.requests[0].json


@pytest.mark.parametrize("stream", [False, True])
def test_responses_to_anthropic_upstream(proxy, anthropic_mock, openai_mock, responses_mock, stream):
    tu = [{"id": "toolu_5", "name": "lookup", "input": {"word": "apx", "senses": [1, 2]}}]
    if stream:
        anthropic_mock.queue(Reply(events=anthropic_stream_events(text="Looking it up", tool_uses=tu,
                                                                  input_tokens=40, output_tokens=12)))
    else:
        anthropic_mock.queue(Reply(body=anthropic_message(text="Looking it up", tool_uses=tu,
                                                          input_tokens=40, output_tokens=12)))
    args = dict(model="sonnet-on-claude", input="define apx", instructions="Be brief.", max_output_tokens=200,
                tools=TOOLS)
    events = []
    if stream:
        with client(proxy).responses.stream(**args) as s:
            events = list(s)
            r = s.get_final_response()
    else:
        r = client(proxy).responses.create(**args)
    assert r.status == "completed"
    assert r.output_text == "Looking it up"
    assert [o.type for o in r.output] == ["message", "function_call"]
    call = r.output[1]
    assert call.name == "lookup" and call.call_id == "toolu_5"
    assert json.loads(call.arguments) == {"word": "apx", "senses": [1, 2]}
    assert r.usage.input_tokens == 40 and r.usage.output_tokens == 12
    assert r.model == "sonnet-on-claude"

    up = only_upstream_request(anthropic_mock, openai_mock, responses_mock)
    assert up["model"] == "claude-sonnet-4-5"
    assert up["max_tokens"] == 200
    assert "Be brief." in json.dumps(up["system"])
    assert up["tools"] == [{"name": "lookup", "description": "Look up", "input_schema": TOOLS[0]["parameters"]}]
    assert up.get("stream", False) is stream

    if stream:
        kinds = [e.type for e in events]
        assert kinds[0] == "response.created" and kinds[-1] == "response.completed"
        assert [e.sequence_number for e in events] == list(range(len(events)))
        assert "".join(e.delta for e in events if e.type == "response.output_text.delta") == "Looking it up"
        arg_deltas = "".join(e.delta for e in events if e.type == "response.function_call_arguments.delta")
        assert json.loads(arg_deltas) == {"word": "apx", "senses": [1, 2]}
        added = [e.item.type for e in events if e.type == "response.output_item.added"]
        done = [e.item.type for e in events if e.type == "response.output_item.done"]
        assert added == done == ["message", "function_call"]


def test_responses_tool_result_turn_to_anthropic_upstream(proxy, anthropic_mock, openai_mock, responses_mock):
    """Turn 2 of a tool loop: the function_call and its output reach Anthropic as a tool_use and
    a tool_result bound to the same id."""
    anthropic_mock.queue(Reply(events=anthropic_stream_events(text="apx: a translator")))
    with client(proxy).responses.stream(model="sonnet-on-claude", tools=TOOLS, input=[
        {"role": "user", "content": "define apx"},
        {"type": "function_call", "call_id": "toolu_5", "name": "lookup", "arguments": '{"word":"apx"}'},
        {"type": "function_call_output", "call_id": "toolu_5", "output": "a translator"},
    ]) as s:
        final = s.get_final_response()
    assert final.output_text == "apx: a translator"
    up = only_upstream_request(anthropic_mock, openai_mock, responses_mock)
    msgs = up["messages"]
    assert [m["role"] for m in msgs] == ["user", "assistant", "user"]
    tool_use = [b for b in msgs[1]["content"] if b["type"] == "tool_use"]
    assert tool_use == [{"type": "tool_use", "id": "toolu_5", "name": "lookup", "input": {"word": "apx"}}]
    results = [b for b in msgs[2]["content"] if b["type"] == "tool_result"]
    assert len(results) == 1 and results[0]["tool_use_id"] == "toolu_5"
    assert "a translator" in json.dumps(results[0]["content"])
