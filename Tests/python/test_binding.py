"""The Python binding: results, exchanges, errors, formats, bodies, handles."""

import gc
import json
import weakref

import pytest

import apxlate
from _binding_helpers import ANTHROPIC_REQUEST, CHAT_REQUEST, CHAT_RESPONSE, implemented


@pytest.fixture
def translator():
    with apxlate.Translator({"models": {"map": {"claude-sonnet-4-5": "gpt-4o"}, "default": "gpt-4o-mini"}}) as t:
        yield t


def test_library_is_loaded_with_matching_abi():
    assert apxlate.abi_version() == apxlate.ABI_VERSION == 1
    assert apxlate.library_version.count(".") == 2
    assert apxlate.library_path


# ---- requests ------------------------------------------------------------------------------

def test_passthrough_request_maps_the_model_and_keeps_every_other_byte(translator):
    body = json.dumps(ANTHROPIC_REQUEST, ensure_ascii=False, indent=1).encode()
    result = translator.translate_request(body, "anthropic", "anthropic")
    output, exchange = result
    assert isinstance(output, bytes)
    assert output == body.replace(b'"claude-sonnet-4-5"', b'"gpt-4o"')
    assert result.output is output and result.exchange is exchange
    assert result.warnings == [] and output.warnings == []
    exchange.close()


def test_bodies_may_be_bytes_str_or_dict(translator):
    as_dict = translator.translate_request(ANTHROPIC_REQUEST, "anthropic", "anthropic").output
    text = json.dumps(ANTHROPIC_REQUEST, ensure_ascii=False, separators=(",", ":"))
    assert translator.translate_request(text, "anthropic", "anthropic").output == as_dict
    assert translator.translate_request(text.encode(), "anthropic", "anthropic").output == as_dict
    assert translator.translate_request(bytearray(text.encode()), "anthropic", "anthropic").output == as_dict
    assert json.loads(as_dict)["messages"] == ANTHROPIC_REQUEST["messages"]
    with pytest.raises(TypeError):
        translator.translate_request(42, "anthropic", "anthropic")


def test_exchange_reports_models_formats_stream_and_tokens(translator):
    req = dict(CHAT_REQUEST, model="claude-3-5-haiku", stream=True)
    _, ex = translator.translate_request(req, "openai-chat", "openai-chat")
    assert ex.client_model == "claude-3-5-haiku"
    assert ex.upstream_model == "gpt-4o-mini"
    assert ex.stream is True
    assert ex.client_format == "openai-chat" and ex.client_format is apxlate.Format.OPENAI_CHAT
    assert ex.upstream_format == apxlate.Format.OPENAI_CHAT
    assert ex.input_tokens > 0
    _, ex2 = translator.translate_request(CHAT_REQUEST, "openai-chat", "openai-chat")
    assert ex2.stream is False
    assert "claude-3-5-haiku" in repr(ex)


def test_translated_request_between_formats(translator):
    out, ex = implemented(translator.translate_request, ANTHROPIC_REQUEST, "anthropic", "openai-chat")
    doc = json.loads(out)
    assert doc["model"] == "gpt-4o"
    assert doc["messages"][0] == {"role": "system", "content": "You are terse."}
    assert doc["messages"][-1]["role"] == "user"
    content = doc["messages"][-1]["content"]
    text = content if isinstance(content, str) else "".join(p.get("text", "") for p in content)
    assert text == "héllo \u2603 \"quoted\""
    assert doc["tools"][0]["function"]["name"] == "get_weather"
    assert doc["tools"][0]["function"]["parameters"] == ANTHROPIC_REQUEST["tools"][0]["input_schema"]
    assert (ex.client_format, ex.upstream_format) == ("anthropic", "openai-chat")
    assert (ex.client_model, ex.upstream_model) == ("claude-sonnet-4-5", "gpt-4o")


def test_warnings_name_what_was_dropped(translator):
    req = dict(ANTHROPIC_REQUEST, top_k=5)
    result = implemented(translator.translate_request, req, "anthropic", "openai-chat")
    assert any(w.startswith("top_k") for w in result.warnings)
    assert result.output.warnings == result.warnings
    assert "top_k" not in json.loads(result.output)
    out, _ = result  # still unpacks as two values
    assert out is result.output


def test_count_tokens_grows_with_the_request(translator):
    small = implemented(translator.count_tokens, ANTHROPIC_REQUEST, "anthropic")
    bigger = dict(ANTHROPIC_REQUEST, messages=[{"role": "user", "content": "word " * 4000}])
    assert 0 < small < translator.count_tokens(bigger, "anthropic")
    assert translator.count_tokens(bigger, apxlate.Format.ANTHROPIC) >= 4000 * 5 // 4 // 2


# ---- responses and errors ------------------------------------------------------------------

def test_passthrough_response_restores_the_client_model(translator):
    _, ex = translator.translate_request(dict(CHAT_REQUEST, model="claude-opus-4"), "openai-chat", "openai-chat")
    upstream = dict(CHAT_RESPONSE, model="gpt-4o-mini")
    out = translator.translate_response(upstream, exchange=ex)
    assert isinstance(out, apxlate.Translated) and isinstance(out, bytes)
    assert json.loads(out) == dict(CHAT_RESPONSE, model="claude-opus-4")
    assert out.warnings == [] and out.http_status == 0


def test_response_translated_through_the_exchange(translator):
    _, ex = implemented(translator.translate_request, ANTHROPIC_REQUEST, "anthropic", "openai-chat")
    out = implemented(translator.translate_response, CHAT_RESPONSE, exchange=ex)
    doc = json.loads(out)
    assert doc["type"] == "message" and doc["role"] == "assistant"
    assert doc["model"] == "claude-sonnet-4-5"
    assert doc["content"] == [{"type": "text", "text": "Hello there."}]
    assert doc["stop_reason"] == "end_turn"
    assert doc["usage"]["input_tokens"] == 12 and doc["usage"]["output_tokens"] == 3


def test_failed_generation_comes_back_as_an_error_body_with_its_status(translator):
    failed = {"id": "resp_1", "object": "response", "created_at": 1, "status": "failed", "model": "gpt-5",
              "output": [], "error": {"code": "server_error", "message": "The model failed."}}
    out = implemented(translator.translate_response, failed, "openai-responses", "anthropic")
    assert out.http_status >= 400
    doc = json.loads(out)
    assert doc["type"] == "error" and "The model failed." in doc["error"]["message"]


def test_response_formats_are_required_without_an_exchange(translator):
    with pytest.raises(apxlate.ArgumentError) as e:
        translator.translate_response(CHAT_RESPONSE)
    assert e.value.status == 1 and isinstance(e.value, ValueError)
    _, ex = translator.translate_request(CHAT_REQUEST, "openai-chat", "openai-chat")
    with pytest.raises(apxlate.ArgumentError):  # formats that contradict the exchange
        translator.translate_response(CHAT_RESPONSE, "anthropic", "openai-chat", exchange=ex)
    with pytest.raises(TypeError):
        translator.translate_response(CHAT_RESPONSE, exchange="not an exchange")


def test_upstream_error_translated_to_the_client_format(translator):
    body = {"error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}}
    result = translator.translate_error(429, body, "openai-chat", "anthropic")
    status, out = result
    assert status == 429 == result.status and out is result.body
    assert json.loads(out) == {"type": "error", "error": {"type": "rate_limit_error", "message": "Rate limit reached"}}
    # any body, even not JSON, becomes a well-formed error
    status, out = translator.translate_error(502, b"<html>Bad Gateway</html>", "openai-chat", "anthropic")
    doc = json.loads(out)
    assert status == 502 and doc["type"] == "error" and "Bad Gateway" in doc["error"]["message"]
    status, out = translator.translate_error(529, "", "anthropic", "openai-chat")
    assert status == 503 and json.loads(out)["error"]["code"] == "server_is_overloaded"


def test_error_translated_through_the_exchange(translator):
    _, ex = translator.translate_request(ANTHROPIC_REQUEST, "anthropic", "anthropic")
    status, out = translator.translate_error(400, b'{"type":"error","error":{"type":"invalid_request_error","message":"bad"}}', exchange=ex)
    assert status == 400 and json.loads(out)["error"]["message"] == "bad"


def test_build_error_in_each_format():
    status, out = apxlate.build_error("anthropic", 413, "too big")
    assert status == 413
    assert json.loads(out) == {"type": "error", "error": {"type": "request_too_large", "message": "too big"}}
    status, out = apxlate.build_error(apxlate.Format.OPENAI_RESPONSES, 502, "upstream down")
    assert status == 502 and json.loads(out)["error"]["message"] == "upstream down"


# ---- errors --------------------------------------------------------------------------------

def test_invalid_json_raises_json_error_with_offset(translator):
    body = b'{"model": "x", "messages": [1,]}'
    with pytest.raises(apxlate.JSONError) as e:
        translator.translate_request(body, "anthropic", "openai-chat")
    err = e.value
    assert isinstance(err, apxlate.ApxError)
    assert err.status == 2 and err.offset == body.index(b"]") and err.path == ""
    assert "byte %d" % err.offset in err.message and str(err) == err.message
    with pytest.raises(apxlate.JSONError) as e:
        translator.translate_request(b'{"model": "caf\xc3"}', "anthropic", "anthropic")
    assert e.value.offset == 14


def test_invalid_request_raises_with_a_path(translator):
    with pytest.raises(apxlate.InvalidRequestError) as e:
        translator.translate_request({"model": 7, "messages": []}, "anthropic", "anthropic")
    assert e.value.status == 3 and e.value.path == "model" and e.value.offset is None
    with pytest.raises(apxlate.InvalidRequestError) as e:
        translator.translate_request(b"[1,2]", "openai-chat", "anthropic")
    assert "JSON object" in e.value.message


def test_invalid_message_content_names_its_path(translator):
    req = dict(ANTHROPIC_REQUEST, messages=[{"role": "user", "content": "ok"},
                                            {"role": "assistant", "content": [{"type": "text", "text": 5}]}])
    with pytest.raises(apxlate.InvalidRequestError) as e:
        implemented(translator.translate_request, req, "anthropic", "openai-chat")
    assert e.value.path.startswith("messages[1].content[0]")
    assert e.value.path in e.value.message


def test_deep_nesting_is_a_limit_error(translator):
    with pytest.raises(apxlate.LimitError) as e:
        translator.translate_request(b"[" * 100000, "anthropic", "anthropic")
    assert e.value.status == 6


@pytest.mark.parametrize("config, path", [
    ({"models": {"bogus": "x"}}, "models.bogus"),
    ({"upstream": {"max_tokens_field": "nope"}}, "upstream.max_tokens_field"),
    ({"nope": 1}, "nope"),
])
def test_bad_config_raises_config_error_with_path(config, path):
    with pytest.raises(apxlate.ConfigError) as e:
        apxlate.Translator(config)
    assert e.value.status == 5 and e.value.path == path


def test_config_as_str_bytes_or_none():
    for config in (None, "", "{}", b'{"models":{"default":"m"}}', {"models": {"default": "m"}}):
        apxlate.Translator(config).close()
    with pytest.raises(apxlate.ConfigError) as e:
        apxlate.Translator('{"models": ')
    assert e.value.offset == 11
    with pytest.raises(apxlate.ConfigError):
        apxlate.Translator("[]")
    with pytest.raises(TypeError):
        apxlate.Translator(3)


@pytest.mark.parametrize("bad", ["openai", "Anthropic", "", 0, 4, True, 1.0])
def test_unknown_format_is_an_argument_error(translator, bad):
    with pytest.raises(apxlate.ArgumentError):
        translator.translate_request(ANTHROPIC_REQUEST, bad, "anthropic")


def test_formats_by_enum_or_code(translator):
    a = translator.translate_request(ANTHROPIC_REQUEST, apxlate.Format.ANTHROPIC, 1).output
    b = translator.translate_request(ANTHROPIC_REQUEST, "anthropic", "anthropic").output
    assert a == b


def test_exception_hierarchy_covers_every_status():
    classes = [apxlate.ArgumentError, apxlate.JSONError, apxlate.InvalidRequestError, apxlate.UnsupportedError,
               apxlate.ConfigError, apxlate.LimitError, apxlate.StreamError, apxlate.StreamStateError,
               apxlate.OutOfMemoryError, apxlate.InternalError]
    assert [c.status for c in classes] == list(range(1, 11))
    assert all(issubclass(c, apxlate.ApxError) for c in classes)
    assert apxlate.InvalidDocumentError is apxlate.InvalidRequestError


# ---- handles -------------------------------------------------------------------------------

def test_closed_objects_refuse_use_and_close_twice_is_fine():
    t = apxlate.Translator()
    _, ex = t.translate_request(CHAT_REQUEST, "openai-chat", "openai-chat")
    ex.close()
    ex.close()
    assert ex.closed and "closed" in repr(ex)
    with pytest.raises(ValueError):
        ex.client_model
    with pytest.raises(ValueError):
        t.translate_response(CHAT_RESPONSE, exchange=ex)
    t.close()
    t.close()
    assert t.closed
    with pytest.raises(ValueError):
        t.translate_request(CHAT_REQUEST, "openai-chat", "openai-chat")


def test_context_managers_close():
    with apxlate.Translator() as t:
        with t.translate_request(CHAT_REQUEST, "openai-chat", "openai-chat").exchange as ex:
            assert ex.client_model == "gpt-4o"
        assert ex.closed
    assert t.closed


def test_garbage_collector_frees_unclosed_handles():
    t = apxlate.Translator()
    _, ex = t.translate_request(CHAT_REQUEST, "openai-chat", "openai-chat")
    refs = [weakref.ref(t), weakref.ref(ex)]
    del t, ex
    gc.collect()
    assert all(r() is None for r in refs)


def test_exchange_outlives_its_translator():
    t = apxlate.Translator({"models": {"default": "m2"}})
    _, ex = t.translate_request(CHAT_REQUEST, "openai-chat", "openai-chat")
    t.close()
    assert ex.upstream_model == "m2"
    with apxlate.Translator() as t2:
        out = t2.translate_response(CHAT_RESPONSE, exchange=ex)
    assert json.loads(out)["model"] == "gpt-4o"
