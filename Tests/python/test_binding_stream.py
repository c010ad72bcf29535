"""The Python Stream object: feeding, finishing, splitting, state errors, reset, close."""

import pytest

import apxlate
from _binding_helpers import ANTHROPIC_REQUEST, CHAT_SSE, implemented, sse_events


@pytest.fixture
def setup():
    t = apxlate.Translator({"models": {"default": "gpt-4o"}})
    _, ex = implemented(t.translate_request, dict(ANTHROPIC_REQUEST, stream=True), "anthropic", "openai-chat")
    yield t, ex
    ex.close()
    t.close()


def whole(stream, data):
    return stream.feed(data) + stream.finish()


def test_chat_stream_becomes_a_well_formed_anthropic_stream(setup):
    t, ex = setup
    with implemented(t.stream, ex) as s:
        out = whole(s, CHAT_SSE)
    events = sse_events(out)
    names = [name for name, _ in events]
    assert names[0] == "message_start" and names[-1] == "message_stop"
    assert events[0][1]["message"]["model"] == "claude-sonnet-4-5"
    text = "".join(d["delta"]["text"] for n, d in events if n == "content_block_delta" and d["delta"]["type"] == "text_delta")
    assert text == "Hello"
    delta = [d for n, d in events if n == "message_delta"][0]
    assert delta["delta"]["stop_reason"] == "end_turn"
    assert delta["usage"]["output_tokens"] == 2
    assert s.closed


def test_output_is_the_same_however_the_input_is_split(setup):
    t, ex = setup
    with implemented(t.stream, ex) as s:
        reference = whole(s, CHAT_SSE)
    for size in (1, 2, 7, 64):
        with t.stream(ex) as s:
            out = b"".join(s.feed(CHAT_SSE[i:i + size]) for i in range(0, len(CHAT_SSE), size)) + s.finish()
        assert out == reference, size
    with t.stream(ex) as s:
        assert b"".join(s.translate(CHAT_SSE[i:i + 5] for i in range(0, len(CHAT_SSE), 5))) == reference


def test_formats_given_explicitly_without_an_exchange(setup):
    t, ex = setup
    with implemented(t.stream, ex) as s:
        reference = whole(s, CHAT_SSE)
    with t.stream(source="openai-chat", target="anthropic") as s:
        out = whole(s, CHAT_SSE)
    names = [n for n, _ in sse_events(out)]
    assert names == [n for n, _ in sse_events(reference)]
    with pytest.raises(apxlate.ArgumentError):
        t.stream()


def test_stream_survives_closing_its_exchange_and_translator(setup):
    t, _ = setup
    t2 = apxlate.Translator()
    _, ex = t2.translate_request(dict(ANTHROPIC_REQUEST, stream=True), "anthropic", "openai-chat")
    s = implemented(t2.stream, ex)
    ex.close()
    t2.close()
    out = whole(s, CHAT_SSE)
    assert sse_events(out)[-1][0] == "message_stop"
    s.close()


def test_feeding_after_the_end_is_a_state_error_until_reset(setup):
    t, ex = setup
    s = implemented(t.stream, ex)
    first = whole(s, CHAT_SSE)
    with pytest.raises(apxlate.StreamStateError) as e:
        s.feed(b"data: {}\n\n")
    assert e.value.status == 8
    s.reset()
    assert whole(s, CHAT_SSE) == first
    s.close()


def test_malformed_stream_raises_and_then_needs_reset(setup):
    t, ex = setup
    s = implemented(t.stream, ex)
    with pytest.raises(apxlate.ApxError) as e:
        s.feed(b"data: {\"choices\": [oops\n\n")
        s.finish()
    assert e.value.status in (2, 3, 7)
    with pytest.raises(apxlate.StreamStateError):
        s.feed(CHAT_SSE)
    s.reset()
    assert sse_events(whole(s, CHAT_SSE))[-1][0] == "message_stop"
    s.close()


def test_closed_stream_refuses_use(setup):
    t, ex = setup
    s = implemented(t.stream, ex)
    s.close()
    s.close()
    for call in (lambda: s.feed(b"x"), s.finish, s.reset):
        with pytest.raises(ValueError):
            call()


def test_feed_accepts_bytes_like_and_str(setup):
    t, ex = setup
    with implemented(t.stream, ex) as s:
        reference = whole(s, CHAT_SSE)
    with t.stream(ex) as s:
        half = len(CHAT_SSE) // 2
        out = s.feed(bytearray(CHAT_SSE[:half])) + s.feed(CHAT_SSE[half:].decode()) + s.finish()
    assert out == reference
    with t.stream(ex) as s, pytest.raises(TypeError):
        s.feed(123)


def test_stream_creation_errors_are_typed():
    with apxlate.Translator() as t:
        with pytest.raises(apxlate.ArgumentError):
            t.stream(source="anthropic", target="nope")
        with pytest.raises(TypeError):
            t.stream(exchange=object())


def test_one_feed_larger_than_the_output_window(setup):
    """feed() drains more than its 64 KB window in one call; the bytes equal event-by-event feeding."""
    t, ex = setup
    head, _, rest = CHAT_SSE.partition(b"\n\n")
    delta = rest.partition(b"\n\n")[0] + b"\n\n"
    tail = CHAT_SSE[len(head) + 2 + len(delta):]
    upstream = head + b"\n\n" + delta * 3000 + tail
    with implemented(t.stream, ex) as s:
        whole_out = s.feed(upstream) + s.finish()
    with t.stream(ex) as s:
        pieces = [s.feed(head + b"\n\n")] + [s.feed(delta) for _ in range(3000)] + [s.feed(tail), s.finish()]
    assert len(whole_out) > 3 * 65536
    assert whole_out == b"".join(pieces)
    text = "".join(d["delta"]["text"] for n, d in sse_events(whole_out)
                   if n == "content_block_delta" and d["delta"]["type"] == "text_delta")
    assert text == "Hel" * 3000 + "lo"
