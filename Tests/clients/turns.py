"""Scripted model turns for the strict mocks: streamed (or JSON) Anthropic messages whose thinking
signatures the mock registers as its own, and Chat completions."""
import itertools
import json

from mock_upstreams import Reply, chat_completion, chat_stream_events

_ids = itertools.count(1)


def anthropic_turn(mock, rec, *, thinking=None, text=None, tool_uses=(), quirks=False):
    """One model turn in the shape the request asked for (stream or JSON). `tool_uses`:
    [(name, input dict)]; the ids are fresh `toolu_…`. `quirks`: the stream opens with a `ping`
    and each tool_use carries its whole input in `content_block_start` (no input_json_delta), as
    upstreams may. Returns (reply, tool_use ids, signature)."""
    n = next(_ids)
    signature = f"EqMsig{n:04d}" if thinking else None
    if signature:
        mock.issued_signatures.add(signature)
    blocks = []
    if thinking:
        blocks.append({"type": "thinking", "thinking": thinking, "signature": signature})
    if text:
        blocks.append({"type": "text", "text": text})
    ids = []
    for name, inp in tool_uses:
        ids.append(f"toolu_{n:04d}_{len(ids)}")
        blocks.append({"type": "tool_use", "id": ids[-1], "name": name, "input": inp})
    stop = "tool_use" if tool_uses else "end_turn"
    usage = {"input_tokens": 120, "output_tokens": 40}
    if not (rec.json or {}).get("stream"):
        return Reply(body={"id": f"msg_{n:04d}", "type": "message", "role": "assistant", "model": rec.json["model"],
                           "content": blocks, "stop_reason": stop, "stop_sequence": None, "usage": usage}), ids, signature
    ev = [("message_start", {"type": "message_start", "message": {
        "id": f"msg_{n:04d}", "type": "message", "role": "assistant", "model": rec.json["model"], "content": [],
        "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 120, "output_tokens": 1}}}),
          ("ping", {"type": "ping"})]
    if quirks:
        ev.insert(0, ("ping", {"type": "ping"}))
    for i, b in enumerate(blocks):
        if b["type"] == "thinking":
            ev.append(("content_block_start", {"type": "content_block_start", "index": i,
                                               "content_block": {"type": "thinking", "thinking": "", "signature": ""}}))
            ev.append(("content_block_delta", {"type": "content_block_delta", "index": i,
                                               "delta": {"type": "thinking_delta", "thinking": b["thinking"]}}))
            ev.append(("content_block_delta", {"type": "content_block_delta", "index": i,
                                               "delta": {"type": "signature_delta", "signature": b["signature"]}}))
        elif b["type"] == "text":
            ev.append(("content_block_start", {"type": "content_block_start", "index": i,
                                               "content_block": {"type": "text", "text": ""}}))
            for k in range(0, len(b["text"]), 7):
                ev.append(("content_block_delta", {"type": "content_block_delta", "index": i,
                                                   "delta": {"type": "text_delta", "text": b["text"][k:k + 7]}}))
        elif quirks:
            ev.append(("content_block_start", {"type": "content_block_start", "index": i, "content_block": b}))
        else:
            ev.append(("content_block_start", {"type": "content_block_start", "index": i, "content_block": {
                "type": "tool_use", "id": b["id"], "name": b["name"], "input": {}}}))
            args = json.dumps(b["input"])
            for k in range(0, len(args), 9):
                ev.append(("content_block_delta", {"type": "content_block_delta", "index": i,
                                                   "delta": {"type": "input_json_delta", "partial_json": args[k:k + 9]}}))
        ev.append(("content_block_stop", {"type": "content_block_stop", "index": i}))
    ev.append(("message_delta", {"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
                                 "usage": {"output_tokens": 40}}))
    ev.append(("message_stop", {"type": "message_stop"}))
    return Reply(events=[(name, json.dumps(data)) for name, data in ev]), ids, signature


def chat_turn(rec, *, text=None, tool_calls=()):
    """One Chat model turn (stream or JSON): `tool_calls` [(name, arguments dict)]. Returns
    (reply, call ids)."""
    n = next(_ids)
    calls = [{"id": f"call_{n:04d}_{i}", "name": name, "arguments": args} for i, (name, args) in enumerate(tool_calls)]
    stream = bool((rec.json or {}).get("stream"))
    if stream:
        return Reply(events=chat_stream_events(text=text, tool_calls=calls)), [c["id"] for c in calls]
    return Reply(body=chat_completion(text=text, tool_calls=calls)), [c["id"] for c in calls]
