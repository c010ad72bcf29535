"""POST /v1/responses: the openai SDK's Responses API through the proxy."""
import json

import openai
import pytest

from mock_upstreams import Reply, anthropic_message, anthropic_stream_events


def client(proxy):
    return openai.OpenAI(base_url=proxy.url + "/v1", api_key="k", max_retries=0)


def test_responses_to_anthropic_upstream(proxy, anthropic_mock):
    tu = [{"id": "toolu_5", "name": "lookup", "input": {"word": "apx"}}]
    anthropic_mock.queue(Reply(body=anthropic_message(text="Looking it up", tool_uses=tu, input_tokens=40, output_tokens=12)))
    r = client(proxy).responses.create(
        model="sonnet-on-claude", input="define apx", instructions="Be brief.", max_output_tokens=200,
        tools=[{"type": "function", "name": "lookup", "description": "Look up",
                "parameters": {"type": "object", "properties": {"word": {"type": "string"}}, "required": ["word"]}}])
    assert r.output_text == "Looking it up"
    calls = [o for o in r.output if o.type == "function_call"]
    assert len(calls) == 1 and calls[0].name == "lookup" and json.loads(calls[0].arguments) == {"word": "apx"}
    assert r.usage.input_tokens == 40 and r.usage.output_tokens == 12
    up = anthropic_mock.requests[0].json
    assert up["model"] == "claude-sonnet-4-5"
    assert "Be brief." in json.dumps(up["system"])
    assert up["tools"][0]["name"] == "lookup"


def test_responses_stream_to_anthropic_upstream(proxy, anthropic_mock):
    anthropic_mock.queue(Reply(events=anthropic_stream_events(text="Streamed response text")))
    try:
        with client(proxy).responses.stream(model="sonnet-on-claude", input="hi") as s:
            deltas = [e.delta for e in s if e.type == "response.output_text.delta"]
            final = s.get_final_response()
    except openai.APIStatusError as e:
        if e.status_code == 501 and "not supported yet" in str(e):
            pytest.xfail("the library does not stream Anthropic to Responses yet")
        raise
    assert "".join(deltas) == "Streamed response text"
    assert final.output_text == "Streamed response text"
    assert len(anthropic_mock.requests) == 1
