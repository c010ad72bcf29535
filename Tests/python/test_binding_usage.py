"""The Python binding's usage and model readers: Translator.request_model,
Translator.response_usage, Stream.usage."""

import pytest

import apxlate

CHAT_SSE = (
    b'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o",'
    b'"choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}]}\n\n'
    b'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[],'
    b'"usage":{"prompt_tokens":5,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":3},'
    b'"completion_tokens_details":{"reasoning_tokens":1}}}\n\n'
    b"data: [DONE]\n\n"
)


@pytest.fixture
def translator():
    with apxlate.Translator() as t:
        yield t


def test_request_model(translator):
    assert translator.request_model({"model": "claude-x", "messages": []}, "anthropic") == "claude-x"
    assert translator.request_model(b'{"input":"hi","model":"gpt-\\u00e9"}', "openai-responses") == "gpt-\u00e9"


@pytest.mark.parametrize("body,error,path", [
    (b'{"model": 5}', apxlate.InvalidDocumentError, "model"),
    (b'{"messages": []}', apxlate.InvalidDocumentError, "model"),
    (b'{"model": "m"', apxlate.JSONError, ""),
])
def test_request_model_errors_say_where(translator, body, error, path):
    with pytest.raises(error) as e:
        translator.request_model(body, "anthropic")
    assert e.value.path == path


def test_response_usage_each_format(translator):
    u = translator.response_usage({"model": "claude-x", "content": [], "usage": {
        "input_tokens": 10, "cache_read_input_tokens": 100, "cache_creation_input_tokens": 5, "output_tokens": 7}},
        "anthropic")
    assert u == apxlate.Usage(115, 7, 100, 5, None, "claude-x")
    assert u.input_tokens == 115 and u.reasoning_tokens is None
    u = translator.response_usage(b'{"model":"gpt-4o","choices":[],"usage":{"prompt_tokens":1e400,"completion_tokens":2}}',
                                  "openai-chat")
    assert u.input_tokens == 2 ** 48 and u.output_tokens == 2
    u = translator.response_usage({"output": []}, "openai-responses")
    assert u == apxlate.Usage(None, None, None, None, None, None)
    with pytest.raises(apxlate.InvalidDocumentError) as e:
        translator.response_usage({"usage": {"input_tokens": -3}}, "openai-responses")
    assert e.value.path == "usage.input_tokens"


@pytest.mark.parametrize("target", ["anthropic", "openai-chat", "openai-responses"])
def test_stream_usage_from_the_upstream_events(translator, target):
    with translator.stream(source="openai-chat", target=target) as s:
        assert s.usage == apxlate.Usage(None, None, None, None, None, None)
        for i in range(len(CHAT_SSE)):
            s.feed(CHAT_SSE[i:i + 1])
        s.finish()
        assert s.usage == apxlate.Usage(5, 2, 3, 0, 1, "gpt-4o")
        s.reset()
        assert s.usage.input_tokens is None
