"""apx_stream_fail through the Python binding: every upstream → client pair (passthrough too), cut
at every event boundary and inside events, in each state (fresh, mid-stream, after a translation
error, after the end), validated strictly and by the official SDKs' stream parsers."""
import json

import anthropic
import httpx2 as httpx
import openai
import pytest

import apxlate
from canned import FORMATS, client_request, stream_events
from strict_sse import parse_sse, validate_stream

PAIRS = [(u, c) for u in FORMATS for c in FORMATS]


def new_stream(up, client):
    t = apxlate.Translator()
    req = t.translate_request(client_request(client, "client-model", True), client, up)
    return t.stream(req.exchange)


def cut_points(up):
    raw = b"".join(stream_events(up))
    ends, n = [], 0
    for e in stream_events(up):
        n += len(e)
        ends.append(n)
    points = sorted(set([0] + ends[:-1] + [e - 7 for e in ends] + [e - 1 for e in ends]))
    # past the finish (Chat: the finish and usage chunks; Anthropic: message_delta) the answer may be whole
    return raw, [p for p in points if 0 <= p < len(raw)], ends[-3]


@pytest.mark.parametrize("up,client", PAIRS)
def test_fail_at_every_cut(up, client):
    raw, points, whole = cut_points(up)
    for p in points:
        s = new_stream(up, client)
        out = s.feed(raw[:p]) + s.fail(502, "upstream broke at %d" % p)
        got = validate_stream(client, out)
        assert got == "error" or (got == "complete" and p >= whole), (p, out[-400:])
        assert s.fail(502, "again") == b""            # ended: nothing more
        assert s.feed(b"") == b""
        with pytest.raises(apxlate.StreamStateError):
            s.feed(b"data: {}\n\n")


@pytest.mark.parametrize("up,client", PAIRS)
def test_fail_after_a_translation_error(up, client):
    events = stream_events(up)
    prefix = b"".join(events[:3])
    s = new_stream(up, client)
    got = s.feed(prefix)
    if up == client:
        pytest.skip("passthrough does not parse: garbage passes through")
    with pytest.raises(apxlate.StreamError):
        s.feed(b"data: {not json\n\n")
    out = got + s.fail(502, "the upstream stream could not be translated")
    assert validate_stream(client, out) == "error", out[-400:]


@pytest.mark.parametrize("client", FORMATS)
def test_fail_before_any_byte(client):
    for up in FORMATS:
        s = new_stream(up, client)
        out = s.fail(504, "upstream timed out")
        assert validate_stream(client, out) == "error", out
        body = json.loads(parse_sse(out)[-1][1])
        if client == "anthropic":
            assert body["error"]["type"] == "timeout_error" or body["error"]["type"] == "api_error", body
            assert body["error"]["message"] == "upstream timed out"
        elif client == "openai-chat":
            assert body["error"]["message"] == "upstream timed out"
        else:
            assert body["response"]["status"] == "failed" and body["response"]["error"]["message"] == "upstream timed out"


@pytest.mark.parametrize("up,client", PAIRS)
def test_fail_after_the_end_adds_nothing(up, client):
    s = new_stream(up, client)
    out = s.feed(b"".join(stream_events(up))) + s.finish()
    assert validate_stream(client, out) == "complete"
    assert s.fail(502, "late") == b""


@pytest.mark.parametrize("up,client", PAIRS)
def test_fail_after_the_upstream_completed_but_before_end(up, client):
    """The upstream's last event arrived, then the connection broke: the answer is complete."""
    s = new_stream(up, client)
    out = s.feed(b"".join(stream_events(up)))
    out += s.fail(502, "connection reset after the last event")
    assert validate_stream(client, out) == "complete", out[-300:]


def test_status_picks_the_error_kind():
    kinds = {}
    for status in (429, 502, 503, 504):
        s = new_stream("openai-chat", "anthropic")
        body = json.loads(parse_sse(s.fail(status, "x"))[-1][1])
        kinds[status] = body["error"]["type"]
    assert kinds[429] == "rate_limit_error" and kinds[503] == "overloaded_error" and kinds[502] == "api_error", kinds


# ---- the official SDKs' stream parsers ----------------------------------------------------------

def sse_client(cls, body):
    def handler(request):
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body)
    return cls(api_key="k", base_url="http://sdk.test/v1" if cls is not anthropic.Anthropic else "http://sdk.test",
               http_client=httpx.Client(transport=httpx.MockTransport(handler)), max_retries=0)


def failing_stream(up, client, cut_event=6):
    events = stream_events(up)
    s = new_stream(up, client)
    raw = b"".join(events)
    cut = len(b"".join(events[:cut_event])) + 5
    return s.feed(raw[:cut]) + s.fail(502, "upstream broke mid-stream")


@pytest.mark.parametrize("up", FORMATS)
def test_anthropic_sdk_raises_the_error(up):
    c = sse_client(anthropic.Anthropic, failing_stream(up, "anthropic"))
    with pytest.raises(anthropic.APIStatusError) as e:
        with c.messages.stream(model="m", max_tokens=10, messages=[{"role": "user", "content": "hi"}]) as st:
            for _ in st:
                pass
    assert "upstream broke mid-stream" in str(e.value)


@pytest.mark.parametrize("up", FORMATS)
def test_openai_chat_sdk_raises_the_error(up):
    c = sse_client(openai.OpenAI, failing_stream(up, "openai-chat"))
    with pytest.raises(openai.APIError) as e:
        for _ in c.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}], stream=True):
            pass
    assert "upstream broke mid-stream" in str(e.value)
    # the stream helper too
    c = sse_client(openai.OpenAI, failing_stream(up, "openai-chat"))
    with pytest.raises(openai.APIError):
        with c.chat.completions.stream(model="m", messages=[{"role": "user", "content": "hi"}]) as st:
            st.get_final_completion()


@pytest.mark.parametrize("up", FORMATS)
@pytest.mark.parametrize("cut_event", [0, 3, 6, 8])
def test_openai_responses_sdk_sees_error_then_failed(up, cut_event):
    body = failing_stream(up, "openai-responses", cut_event)
    c = sse_client(openai.OpenAI, body)
    types = []
    with c.responses.stream(model="m", input="hi") as st:
        for ev in st:
            types.append(ev.type)
            if ev.type == "error":
                assert ev.message == "upstream broke mid-stream" and isinstance(ev.sequence_number, int)
            if ev.type == "response.failed":
                assert ev.response.status == "failed" and ev.response.error.message == "upstream broke mid-stream"
        with pytest.raises(RuntimeError, match="response.completed"):
            st.get_final_response()
    assert types[0] == "response.created" and types[-2:] == ["error", "response.failed"], types
    # and the raw event stream of responses.create(stream=True)
    c = sse_client(openai.OpenAI, body)
    raw = [ev.type for ev in c.responses.create(model="m", input="hi", stream=True)]
    assert raw[-2:] == ["error", "response.failed"]
