"""Strict validators for what a client receives: an SSE stream or a JSON body, per client format.

validate_stream(fmt, raw) -> "complete" | "error"   (raises AssertionError when malformed)
validate_body(fmt, status, raw) -> "complete" | "error"

A stream is either complete (Anthropic message_start … message_stop; Chat chunks then [DONE];
Responses response.created … response.completed/incomplete) or ends with its format's error
ending (Anthropic `event: error`; Chat a `{"error":{…}}` chunk; Responses `error` with `type` and
`sequence_number`, then `response.failed` with the same response id), with nothing after it.
"""
import json


def parse_sse(raw):
    """WHATWG event-stream parsing: a list of (event name or None, data string); comments dropped.
    An incomplete last event (no blank line after it) is an error: a client never sees it."""
    text = raw.decode("utf-8")
    assert text == "" or text.endswith(("\n\n", "\r\n\r\n", "\r\r")), "stream does not end with a blank line: %r" % text[-200:]
    events, name, data = [], None, []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line == "":
            if data:
                events.append((name, "\n".join(data)))
            name, data = None, []
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if field == "event":
            name = value
        elif field == "data":
            data.append(value)
        elif field in ("id", "retry"):
            pass
        else:
            raise AssertionError("unknown SSE field %r" % field)
    return events


def _anthropic_error(body):
    assert body.get("type") == "error", body
    err = body.get("error")
    assert isinstance(err, dict) and isinstance(err.get("type"), str) and isinstance(err.get("message"), str), body


def _openai_error(body, strict=False):
    """`strict`: the shape apxlate writes (every field); else what a passthrough may relay."""
    err = body.get("error")
    assert isinstance(err, dict), body
    assert isinstance(err.get("message"), str) and isinstance(err.get("type"), str), body
    if strict:
        assert "param" in err and "code" in err, body


def validate_stream(fmt, raw):
    events = parse_sse(raw)
    assert events, "empty stream"
    return {"anthropic": _anthropic, "openai-chat": _chat, "openai-responses": _responses}[fmt](events)


def _anthropic(events):
    state, index, block_open, deltas = "start", -1, False, 0
    for i, (name, data) in enumerate(events):
        assert name, "anthropic event without event: line: %r" % data
        body = json.loads(data)
        assert body.get("type") == name, (name, body)
        if name == "ping":
            assert state != "start", "ping before message_start"
            continue
        assert state != "done", "event after the end: %s" % name
        if name == "error":
            _anthropic_error(body)
            assert i == len(events) - 1, "events after error"
            return "error"
        if state == "start":
            assert name == "message_start", "first event %s" % name
            msg = body["message"]
            assert msg["type"] == "message" and msg["role"] == "assistant" and isinstance(msg["content"], list)
            assert isinstance(msg["usage"]["input_tokens"], int)
            state = "blocks"
        elif name == "content_block_start":
            assert state == "blocks" and not block_open
            assert body["index"] == index + 1, body
            index, block_open = body["index"], True
            assert body["content_block"]["type"] in ("text", "thinking", "redacted_thinking", "tool_use")
        elif name == "content_block_delta":
            assert block_open and body["index"] == index, body
            assert body["delta"]["type"] in ("text_delta", "thinking_delta", "signature_delta", "input_json_delta")
            deltas += 1
        elif name == "content_block_stop":
            assert block_open and body["index"] == index
            block_open = False
        elif name == "message_delta":
            assert state == "blocks" and not block_open
            assert "stop_reason" in body["delta"] and isinstance(body["usage"]["output_tokens"], int)
            state = "delta"
        elif name == "message_stop":
            assert state == "delta", "message_stop without message_delta"
            state = "done"
        else:
            raise AssertionError("unknown anthropic event %s" % name)
    assert state == "done", "anthropic stream ended without message_stop or error"
    return "complete"


def _chat(events):
    ident, finished, done = None, False, False
    for i, (name, data) in enumerate(events):
        assert name is None, "chat event with an event: line"
        assert not done, "data after [DONE]"
        if data == "[DONE]":
            assert finished, "[DONE] before a finish_reason"
            done = True
            continue
        body = json.loads(data)
        if "error" in body:
            _openai_error(body)
            assert i == len(events) - 1, "data after the error chunk"
            return "error"
        assert body["object"] == "chat.completion.chunk", body
        ident = ident or body["id"]
        assert body["id"] == ident and isinstance(body["created"], int) and isinstance(body["model"], str)
        for c in body["choices"]:
            assert c["index"] == 0 and isinstance(c["delta"], dict)
            if c.get("finish_reason"):
                finished = True
    assert done, "chat stream ended without [DONE] or an error chunk"
    return "complete"


def _responses(events):
    seq, rid, open_items, state = 0, None, {}, "start"
    for i, (name, data) in enumerate(events):
        body = json.loads(data)
        assert name == body.get("type"), (name, body.get("type"))
        assert body.get("sequence_number") == seq, "sequence_number %r, expected %d (%s)" % (body.get("sequence_number"), seq, name)
        seq += 1
        assert state not in ("done",), "event after the end: %s" % name
        if state == "failing":
            assert name == "response.failed", "after error comes response.failed, not %s" % name
        if state == "start":
            assert name == "response.created", "first event %s" % name
            rid = body["response"]["id"]
            assert body["response"]["status"] in ("in_progress", "queued")
            state = "open"
            continue
        if name == "error":
            assert isinstance(body.get("message"), str) and "code" in body and "param" in body, body
            state = "failing"
        elif name in ("response.in_progress",):
            assert body["response"]["id"] == rid
        elif name == "response.output_item.added":
            open_items[body["output_index"]] = body["item"]["id"]
        elif name == "response.output_item.done":
            assert open_items.pop(body["output_index"], None) == body["item"]["id"], "done without added"
        elif name in ("response.completed", "response.incomplete", "response.failed"):
            r = body["response"]
            assert r["id"] == rid, "response id changed"
            assert r["object"] == "response" and isinstance(r["output"], list)
            if name == "response.failed":
                assert state == "failing", "response.failed without an error event first"
                assert r["status"] == "failed" and isinstance(r["error"], dict) and isinstance(r["error"].get("message"), str)
                assert i == len(events) - 1
                return "error"
            assert not open_items, "completed with open items %r" % open_items
            assert r["status"] == name.split(".")[1]
            state = "done"
        elif name.startswith("response."):
            if "item_id" in body:
                assert body["output_index"] in open_items, "event for an item not open: %s" % name
        else:
            raise AssertionError("unknown responses event %s" % name)
    assert state == "done", "responses stream ended in state %s" % state
    return "complete"


def validate_body(fmt, status, raw, content_type=""):
    """A one-shot answer: a 200 in the client's response shape, or an error status with its error body."""
    assert "application/json" in content_type, "content-type %r" % content_type
    body = json.loads(raw)
    if status >= 400:
        (_anthropic_error if fmt == "anthropic" else _openai_error)(body)
        return "error"
    assert status == 200, status
    if fmt == "anthropic":
        assert body["type"] == "message" and isinstance(body["content"], list)
    elif fmt == "openai-chat":
        assert body["object"] == "chat.completion" and body["choices"]
    else:
        assert body["object"] == "response" and isinstance(body["output"], list)
    return "complete"
