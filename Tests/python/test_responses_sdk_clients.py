"""SDK clients on the other vendor, two turns each, through libapxlate (request, stream or
one-shot response) with a mock upstream behind an httpx mock transport (no network):

- the `openai` Responses client on a Claude upstream: Claude's signed thinking reaches it as a
  reasoning item and comes back to Claude as the same thinking block;
- the `anthropic` client on a Responses upstream: the reasoning item (id, encrypted content,
  summary) reaches it as a thinking block and comes back as the same item;
- the `openai` Chat client on a Responses upstream: tool call and reasoning text.
"""
import importlib
import inspect
import json

import pytest

openai = pytest.importorskip("openai")
anthropic = pytest.importorskip("anthropic")
apxlate = pytest.importorskip("apxlate")

T = apxlate.Translator({"models": {"default": "upstream-model"}})
TOOL_SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}


def http_client(sdk, handler):
    name = "httpx2" if "httpx2" in inspect.getsource(importlib.import_module(sdk.__name__ + "._base_client")) else "httpx"
    hx = importlib.import_module(name)

    def answer(request):
        status, ctype, body = handler(json.loads(request.content))
        return hx.Response(status, headers={"content-type": ctype}, content=body)
    return hx.Client(transport=hx.MockTransport(answer))


def translate_stream(exchange, upstream):
    out = b""
    with T.stream(exchange) as s:
        for i in range(0, len(upstream), 5):
            out += s.feed(upstream[i:i + 5])
        out += s.finish()
    return out


def sse(type_, **o):
    return b"event: " + type_.encode() + b"\ndata: " + json.dumps(dict({"type": type_}, **o)).encode() + b"\n\n"


class Responses:
    """A Responses event stream with sequence numbers."""
    def __init__(self):
        self.seq, self.out = 0, b""

    def ev(self, type_, **o):
        self.out += sse(type_, sequence_number=self.seq, **o)
        self.seq += 1
        return self


# ---------------------------------------------------------------- openai Responses client → Claude

def test_openai_responses_client_on_claude_keeps_thinking():
    seen = []

    def claude(body):
        upstream, exchange = T.translate_request(json.dumps(body).encode(), "openai-responses", "anthropic")
        req = json.loads(upstream)
        seen.append(req)
        assert req["tools"][0]["name"] == "get_weather" and req["tools"][0]["input_schema"] == TOOL_SCHEMA
        if body.get("stream"):
            a = (sse("message_start", message={"id": "msg_01", "type": "message", "role": "assistant", "content": [], "model": "claude",
                                                "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 30, "output_tokens": 1}}) +
                 sse("content_block_start", index=0, content_block={"type": "thinking", "thinking": "", "signature": ""}) +
                 sse("content_block_delta", index=0, delta={"type": "thinking_delta", "thinking": "Need the weather."}) +
                 sse("content_block_delta", index=0, delta={"type": "signature_delta", "signature": "EqQBsig/+=="}) +
                 sse("content_block_stop", index=0) +
                 sse("content_block_start", index=1, content_block={"type": "tool_use", "id": "toolu_01", "name": "get_weather", "input": {}}) +
                 sse("content_block_delta", index=1, delta={"type": "input_json_delta", "partial_json": "{\"city\": \"Pa"}) +
                 sse("content_block_delta", index=1, delta={"type": "input_json_delta", "partial_json": "ris\"}"}) +
                 sse("content_block_stop", index=1) +
                 sse("message_delta", delta={"stop_reason": "tool_use", "stop_sequence": None}, usage={"output_tokens": 20}) +
                 sse("message_stop"))
            return 200, "text/event-stream", translate_stream(exchange, a)
        message = {"id": "msg_02", "type": "message", "role": "assistant", "model": "claude", "content": [{"type": "text", "text": "18C in Paris."}],
                   "stop_reason": "end_turn", "stop_sequence": None, "usage": {"input_tokens": 60, "output_tokens": 6}}
        return 200, "application/json", bytes(T.translate_response(json.dumps(message).encode(), exchange=exchange))

    client = openai.OpenAI(api_key="x", base_url="http://127.0.0.1:9/v1", max_retries=0, http_client=http_client(openai, claude))
    tools = [{"type": "function", "name": "get_weather", "parameters": TOOL_SCHEMA, "strict": False}]
    with client.responses.stream(model="gpt-client", input="weather in Paris?", tools=tools, reasoning={"effort": "high"}) as s:
        first = s.get_final_response()
    assert [i.type for i in first.output] == ["reasoning", "function_call"]
    call = first.output[1]
    assert call.call_id == "toolu_01" and json.loads(call.arguments) == {"city": "Paris"}
    assert first.output[0].summary[0].text == "Need the weather."

    replay = [{"role": "user", "content": "weather in Paris?"}] + [i.model_dump(exclude_none=True) for i in first.output] + \
             [{"type": "function_call_output", "call_id": call.call_id, "output": "18C"}]
    second = client.responses.create(model="gpt-client", input=replay, tools=tools, reasoning={"effort": "high"})
    assert second.output_text == "18C in Paris."
    assistant = seen[-1]["messages"][1]["content"]
    assert assistant[0] == {"type": "thinking", "thinking": "Need the weather.", "signature": "EqQBsig/+=="}
    assert assistant[1]["type"] == "tool_use" and assistant[1]["id"] == "toolu_01"


# ---------------------------------------------------------------- anthropic client → Responses upstream

REASONING = {"type": "reasoning", "id": "rs_01", "summary": [{"type": "summary_text", "text": "Need the weather."}], "encrypted_content": "gAAAAopaque=="}


def responses_upstream(seen):
    def handler(body, source):
        upstream, exchange = T.translate_request(json.dumps(body).encode(), source, "openai-responses")
        req = json.loads(upstream)
        seen.append(req)
        assert req["store"] is False and req["include"] == ["reasoning.encrypted_content"]
        assert req["tools"][0] == {"type": "function", "name": "get_weather", "parameters": TOOL_SCHEMA, "strict": False}
        if body.get("stream"):
            r = Responses()
            head = {"id": "resp_01", "object": "response", "status": "in_progress", "model": "upstream-model", "output": []}
            r.ev("response.created", response=head).ev("response.in_progress", response=head)
            r.ev("response.output_item.added", output_index=0, item={"id": "rs_01", "type": "reasoning", "summary": []})
            r.ev("response.reasoning_summary_text.delta", item_id="rs_01", output_index=0, summary_index=0, delta="Need the weather.")
            r.ev("response.output_item.done", output_index=0, item=REASONING)
            call = {"id": "fc_01", "type": "function_call", "call_id": "call_01", "name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}
            r.ev("response.output_item.added", output_index=1, item=dict(call, arguments=""))
            r.ev("response.function_call_arguments.delta", item_id="fc_01", output_index=1, delta="{\"city\":")
            r.ev("response.function_call_arguments.delta", item_id="fc_01", output_index=1, delta="\"Paris\"}")
            r.ev("response.output_item.done", output_index=1, item=call)
            r.ev("response.completed", response=dict(head, status="completed", output=[REASONING, call],
                                                     usage={"input_tokens": 40, "input_tokens_details": {"cached_tokens": 10}, "output_tokens": 20, "output_tokens_details": {"reasoning_tokens": 8}}))
            return 200, "text/event-stream", translate_stream(exchange, r.out)
        answer = {"id": "resp_02", "object": "response", "status": "completed", "model": "upstream-model",
                  "output": [{"type": "message", "id": "msg_2", "role": "assistant", "status": "completed", "content": [{"type": "output_text", "text": "18C in Paris.", "annotations": []}]}],
                  "usage": {"input_tokens": 70, "output_tokens": 6}}
        return 200, "application/json", bytes(T.translate_response(json.dumps(answer).encode(), exchange=exchange))
    return handler


def test_anthropic_client_on_responses_keeps_the_reasoning_item():
    seen = []
    handler = responses_upstream(seen)
    client = anthropic.Anthropic(api_key="x", base_url="http://127.0.0.1:9", max_retries=0,
                                 http_client=http_client(anthropic, lambda b: handler(b, "anthropic")))
    tools = [{"name": "get_weather", "input_schema": TOOL_SCHEMA}]
    messages = [{"role": "user", "content": "weather in Paris?"}]
    with client.messages.stream(model="claude-x", max_tokens=2000, tools=tools, messages=messages,
                                thinking={"type": "enabled", "budget_tokens": 1024}) as s:
        first = s.get_final_message()
    assert [b.type for b in first.content] == ["thinking", "tool_use"]
    assert first.stop_reason == "tool_use"
    assert first.content[0].thinking == "Need the weather." and first.content[0].signature.startswith("apx1.r.")
    assert first.content[1].input == {"city": "Paris"}
    assert first.usage.cache_read_input_tokens == 10 and first.usage.input_tokens == 30

    messages += [{"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in first.content]},
                 {"role": "user", "content": [{"type": "tool_result", "tool_use_id": first.content[1].id, "content": "18C"}]}]
    second = client.messages.create(model="claude-x", max_tokens=2000, tools=tools, messages=messages,
                                    thinking={"type": "enabled", "budget_tokens": 1024})
    assert second.content[0].text == "18C in Paris."
    items = seen[-1]["input"]
    assert items[1] == REASONING
    assert items[2]["type"] == "function_call" and items[2]["call_id"] == "call_01"
    assert items[3] == {"type": "function_call_output", "call_id": "call_01", "output": "18C"}


def test_chat_client_on_responses_upstream():
    seen = []
    handler = responses_upstream(seen)
    client = openai.OpenAI(api_key="x", base_url="http://127.0.0.1:9/v1", max_retries=0,
                           http_client=http_client(openai, lambda b: handler(b, "openai-chat")))
    tools = [{"type": "function", "function": {"name": "get_weather", "parameters": TOOL_SCHEMA}}]
    with client.chat.completions.stream(model="gpt-client", messages=[{"role": "user", "content": "weather?"}], tools=tools,
                                        reasoning_effort="low") as s:
        done = s.get_final_completion()
    choice = done.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert json.loads(choice.message.tool_calls[0].function.arguments) == {"city": "Paris"}
    assert seen[0]["reasoning"] == {"effort": "low", "summary": "auto"}
