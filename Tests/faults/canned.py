"""Canned upstream answers per upstream format: a stream (as a list of SSE events, bytes) and a
one-shot JSON body. Text deltas and one tool call, so that every client format opens and closes
several blocks / items."""
import json

TEXT = ["Hel", "lo ", "wor", "ld!"]


def _ev(data, name=None):
    head = ("event: %s\n" % name) if name else ""
    return (head + "data: " + (data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))) + "\n\n").encode()


def stream_events(fmt, model="up-model"):
    if fmt == "openai-chat":
        base = {"id": "chatcmpl-F1", "object": "chat.completion.chunk", "created": 1700000000, "model": model}

        def chunk(delta, finish=None, **extra):
            return _ev(dict(base, choices=[{"index": 0, "delta": delta, "finish_reason": finish}], **extra))
        evs = [chunk({"role": "assistant", "content": ""})]
        evs += [chunk({"content": t}) for t in TEXT]
        evs.append(chunk({"tool_calls": [{"index": 0, "id": "call_1", "type": "function",
                                          "function": {"name": "get_weather", "arguments": ""}}]}))
        evs += [chunk({"tool_calls": [{"index": 0, "function": {"arguments": a}}]}) for a in ('{"city":', '"Paris"}')]
        evs.append(chunk({}, "tool_calls"))
        evs.append(_ev(dict(base, choices=[], usage={"prompt_tokens": 12, "completion_tokens": 7, "total_tokens": 19})))
        evs.append(b"data: [DONE]\n\n")
        return evs
    if fmt == "anthropic":
        evs = [_ev({"type": "message_start", "message": {"id": "msg_F1", "type": "message", "role": "assistant",
                                                         "model": model, "content": [], "stop_reason": None,
                                                         "stop_sequence": None,
                                                         "usage": {"input_tokens": 12, "output_tokens": 1}}}, "message_start")]
        evs.append(_ev({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}, "content_block_start"))
        evs.append(_ev({"type": "ping"}, "ping"))
        evs += [_ev({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": t}}, "content_block_delta") for t in TEXT]
        evs.append(_ev({"type": "content_block_stop", "index": 0}, "content_block_stop"))
        evs.append(_ev({"type": "content_block_start", "index": 1, "content_block": {"type": "tool_use", "id": "toolu_1",
                                                                                    "name": "get_weather", "input": {}}}, "content_block_start"))
        evs += [_ev({"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": a}},
                    "content_block_delta") for a in ('{"city":', '"Paris"}')]
        evs.append(_ev({"type": "content_block_stop", "index": 1}, "content_block_stop"))
        evs.append(_ev({"type": "message_delta", "delta": {"stop_reason": "tool_use", "stop_sequence": None},
                        "usage": {"output_tokens": 7}}, "message_delta"))
        evs.append(_ev({"type": "message_stop"}, "message_stop"))
        return evs
    if fmt == "openai-responses":
        seq = [0]

        def ev(obj):
            obj = dict(obj, sequence_number=seq[0])
            seq[0] += 1
            return _ev(obj, obj["type"])
        resp = {"id": "resp_F1", "object": "response", "created_at": 1700000000, "status": "in_progress", "error": None,
                "incomplete_details": None, "model": model, "output": [], "usage": None}
        msg = {"id": "msg_F1", "type": "message", "status": "in_progress", "role": "assistant", "content": []}
        part = {"type": "output_text", "text": "", "annotations": []}
        text = "".join(TEXT)
        done_part = dict(part, text=text)
        done_msg = dict(msg, status="completed", content=[done_part])
        call = {"id": "fc_1", "type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": "", "status": "in_progress"}
        done_call = dict(call, arguments='{"city":"Paris"}', status="completed")
        evs = [ev({"type": "response.created", "response": resp}), ev({"type": "response.in_progress", "response": resp}),
               ev({"type": "response.output_item.added", "output_index": 0, "item": msg}),
               ev({"type": "response.content_part.added", "item_id": "msg_F1", "output_index": 0, "content_index": 0, "part": part})]
        evs += [ev({"type": "response.output_text.delta", "item_id": "msg_F1", "output_index": 0, "content_index": 0, "delta": t})
                for t in TEXT]
        evs += [ev({"type": "response.output_text.done", "item_id": "msg_F1", "output_index": 0, "content_index": 0, "text": text}),
                ev({"type": "response.content_part.done", "item_id": "msg_F1", "output_index": 0, "content_index": 0, "part": done_part}),
                ev({"type": "response.output_item.done", "output_index": 0, "item": done_msg}),
                ev({"type": "response.output_item.added", "output_index": 1, "item": call})]
        evs += [ev({"type": "response.function_call_arguments.delta", "item_id": "fc_1", "output_index": 1, "delta": a})
                for a in ('{"city":', '"Paris"}')]
        evs += [ev({"type": "response.function_call_arguments.done", "item_id": "fc_1", "output_index": 1, "arguments": done_call["arguments"]}),
                ev({"type": "response.output_item.done", "output_index": 1, "item": done_call}),
                ev({"type": "response.completed", "response": dict(resp, status="completed", output=[done_msg, done_call],
                                                                    usage={"input_tokens": 12, "output_tokens": 7, "total_tokens": 19})})]
        return evs
    raise ValueError(fmt)


def json_body(fmt, model="up-model"):
    text = "".join(TEXT)
    if fmt == "openai-chat":
        b = {"id": "chatcmpl-F1", "object": "chat.completion", "created": 1700000000, "model": model,
             "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
             "usage": {"prompt_tokens": 12, "completion_tokens": 7, "total_tokens": 19}}
    elif fmt == "anthropic":
        b = {"id": "msg_F1", "type": "message", "role": "assistant", "model": model, "content": [{"type": "text", "text": text}],
             "stop_reason": "end_turn", "stop_sequence": None, "usage": {"input_tokens": 12, "output_tokens": 7}}
    else:
        b = {"id": "resp_F1", "object": "response", "created_at": 1700000000, "status": "completed", "error": None,
             "incomplete_details": None, "model": model,
             "output": [{"id": "msg_F1", "type": "message", "status": "completed", "role": "assistant",
                         "content": [{"type": "output_text", "text": text, "annotations": []}]}],
             "usage": {"input_tokens": 12, "output_tokens": 7, "total_tokens": 19}}
    return json.dumps(b).encode()


def client_request(fmt, model, stream):
    """A request body in the client's format."""
    if fmt == "anthropic":
        b = {"model": model, "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]}
    elif fmt == "openai-chat":
        b = {"model": model, "messages": [{"role": "user", "content": "hi"}]}
    else:
        b = {"model": model, "input": "hi"}
    if stream:
        b["stream"] = True
    return json.dumps(b).encode()


CLIENT_PATHS = {"anthropic": "/v1/messages", "openai-chat": "/v1/chat/completions", "openai-responses": "/v1/responses"}
FORMATS = ["anthropic", "openai-chat", "openai-responses"]
