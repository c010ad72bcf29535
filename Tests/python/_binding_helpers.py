"""Shared inputs and helpers of the binding tests."""

import json

import pytest

import apxlate

ANTHROPIC_REQUEST = {
    "model": "claude-sonnet-4-5",
    "max_tokens": 1024,
    "system": [{"type": "text", "text": "You are terse."}],
    "messages": [{"role": "user", "content": [{"type": "text", "text": "héllo \u2603 \"quoted\""}]}],
    "tools": [{
        "name": "get_weather",
        "description": "Weather for a city",
        "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    }],
}

CHAT_REQUEST = {
    "model": "gpt-4o",
    "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}],
    "max_tokens": 100,
}

CHAT_RESPONSE = {
    "id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000, "model": "gpt-4o",
    "choices": [{"index": 0, "finish_reason": "stop",
                 "message": {"role": "assistant", "content": "Hello there."}}],
    "usage": {"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15},
}

CHAT_SSE = (
    b'data: {"id":"c1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o",'
    b'"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n'
    b'data: {"id":"c1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o",'
    b'"choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}\n\n'
    b'data: {"id":"c1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o",'
    b'"choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":null}]}\n\n'
    b'data: {"id":"c1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o",'
    b'"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n'
    b'data: {"id":"c1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o",'
    b'"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":2,"total_tokens":14}}\n\n'
    b"data: [DONE]\n\n"
)


def implemented(fn, *args, **kwargs):
    """Calls fn. Every direction is implemented: a placeholder's "not implemented" answer is a
    failure, never a skip."""
    try:
        return fn(*args, **kwargs)
    except apxlate.UnsupportedError as e:
        if "not implemented" in e.message:
            pytest.fail("a placeholder answered: " + e.message)
        raise


def sse_events(data):
    """(event name or None, parsed data or raw str) for each SSE event of a byte stream."""
    events = []
    for block in data.decode("utf-8").split("\n\n"):
        if not block.strip():
            continue
        name, payload = None, []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                payload.append(line[5:].lstrip(" "))
        text = "\n".join(payload)
        try:
            events.append((name, json.loads(text)))
        except ValueError:
            events.append((name, text))
    return events
