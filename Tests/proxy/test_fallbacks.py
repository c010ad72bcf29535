"""Route fallbacks: when the route's upstream cannot be reached, times out before its first
byte, answers 5xx, or 429 after the retries, the next fallback is asked, with the request
translated for its format; nothing is retried once a byte reached the client. The log line and
the metrics name the upstream that served."""
import json
import re
import socket
import time
import urllib.error
import urllib.request

import anthropic
import openai

from conftest import free_port
from mock_upstreams import Reply, anthropic_stream_events, chat_completion, chat_stream_events

MSG = [{"role": "user", "content": "hi"}]


def cfg(openai_mock, anthropic_mock, dead_port):
    return f"""
upstreams:
  dead-chat: {{base_url: "http://127.0.0.1:{dead_port}/v1", format: openai-chat, api_key: sk-dead-0000}}
  dead-anthropic: {{base_url: "http://127.0.0.1:{dead_port}", format: anthropic, api_key: sk-dead-0000}}
  openai: {{base_url: {openai_mock.base_url}, format: openai-chat, api_key: sk-up-openai-1111}}
  anthropic: {{base_url: {anthropic_mock.base_url}, format: anthropic, api_key: sk-up-anthropic-2222}}
routes:
  # Anthropic clients: a dead Chat upstream, then Anthropic itself
  - match: "claude*"
    upstream: dead-chat
    model: gpt-primary
    fallbacks:
      - {{upstream: anthropic, model: claude-fallback}}
  # OpenAI clients: a dead Anthropic upstream, then a Chat one
  - match: "gpt*"
    upstream: dead-anthropic
    model: claude-primary
    fallbacks:
      - {{upstream: openai, model: gpt-fallback}}
  # a live primary whose 5xx / 429 / 400 decide
  - match: "live*"
    upstream: openai
    model: gpt-live
    fallbacks:
      - {{upstream: anthropic, model: claude-fallback}}
"""


def proxy_for(make_proxy, openai_mock, anthropic_mock, args=()):
    return make_proxy(cfg(openai_mock, anthropic_mock, free_port()), args=["--retry-max-delay", "1", *args]).wait_ready()


def metrics(p):
    return urllib.request.urlopen(p.url + "/metrics").read().decode()


def test_dead_upstream_falls_back_anthropic_client(make_proxy, openai_mock, anthropic_mock):
    p = proxy_for(make_proxy, openai_mock, anthropic_mock)
    c = anthropic.Anthropic(base_url=p.url, api_key="x", max_retries=0)
    r = c.messages.create(model="claude-x", max_tokens=5, messages=MSG)
    assert r.content[0].text == "Hello from mock Anthropic"
    assert anthropic_mock.requests[-1].json["model"] == "claude-fallback"
    with c.messages.stream(model="claude-x", max_tokens=5, messages=MSG) as s:
        text = "".join(s.text_stream)
    assert text == "Hello from mock Anthropic"
    m = metrics(p)
    assert 'apxlate_fallbacks_total{from="dead-chat",to="anthropic",reason="unreachable"} 2' in m
    assert 'apxlate_upstream_served_total{upstream="anthropic"} 2' in m
    assert re.search(r'upstream=anthropic .*status=200|"upstream": "anthropic"|upstream=anthropic', p.logs())


def test_dead_upstream_falls_back_openai_client(make_proxy, openai_mock, anthropic_mock):
    p = proxy_for(make_proxy, openai_mock, anthropic_mock)
    c = openai.OpenAI(base_url=p.url + "/v1", api_key="x", max_retries=0)
    r = c.chat.completions.create(model="gpt-x", messages=MSG)
    assert r.choices[0].message.content == "Hello from mock OpenAI"
    assert openai_mock.requests[-1].json["model"] == "gpt-fallback"
    chunks = list(c.chat.completions.create(model="gpt-x", messages=MSG, stream=True))
    assert "".join(ch.choices[0].delta.content or "" for ch in chunks if ch.choices) == "Hello from mock OpenAI"
    assert 'apxlate_fallbacks_total{from="dead-anthropic",to="openai",reason="unreachable"} 2' in metrics(p)


def test_5xx_falls_back_translated(make_proxy, openai_mock, anthropic_mock):
    p = proxy_for(make_proxy, openai_mock, anthropic_mock)
    openai_mock.queue(Reply(503, body={"error": {"message": "overloaded"}}))
    c = openai.OpenAI(base_url=p.url + "/v1", api_key="x", max_retries=0)
    r = c.chat.completions.create(model="live-1", messages=MSG)
    # Chat client, Chat primary, Anthropic fallback: translated to Anthropic and back
    assert r.choices[0].message.content == "Hello from mock Anthropic"
    sent = anthropic_mock.requests[-1].json
    assert sent["model"] == "claude-fallback" and sent["messages"][0]["role"] == "user" and "max_tokens" in sent


def test_429_after_retries_falls_back(make_proxy, openai_mock, anthropic_mock):
    p = proxy_for(make_proxy, openai_mock, anthropic_mock, args=("--retries", "1"))
    openai_mock.queue(*[Reply(429, body={"error": {"message": "slow down"}}, headers={"retry-after": "0"})] * 2)
    c = openai.OpenAI(base_url=p.url + "/v1", api_key="x", max_retries=0)
    r = c.chat.completions.create(model="live-1", messages=MSG)
    assert r.choices[0].message.content == "Hello from mock Anthropic"
    assert len(openai_mock.requests) == 2  # the first try and one retry


def test_4xx_does_not_fall_back(make_proxy, openai_mock, anthropic_mock):
    p = proxy_for(make_proxy, openai_mock, anthropic_mock)
    openai_mock.queue(Reply(400, body={"error": {"message": "bad thing", "type": "invalid_request_error"}}))
    c = openai.OpenAI(base_url=p.url + "/v1", api_key="x", max_retries=0)
    try:
        c.chat.completions.create(model="live-1", messages=MSG)
        assert False, "expected a 400"
    except openai.BadRequestError as e:
        assert "bad thing" in str(e)
    assert anthropic_mock.requests == []


def test_no_fallback_once_a_byte_reached_the_client(make_proxy, openai_mock, anthropic_mock):
    p = proxy_for(make_proxy, openai_mock, anthropic_mock)
    openai_mock.queue(Reply(events=chat_stream_events(text="abcdefghij" * 3)[:4], cut=True))
    c = openai.OpenAI(base_url=p.url + "/v1", api_key="x", max_retries=0)
    got = ""
    try:
        for ch in c.chat.completions.create(model="live-1", messages=MSG, stream=True):
            if ch.choices:
                got += ch.choices[0].delta.content or ""
    except Exception:
        pass
    assert got.startswith("abcde")
    assert anthropic_mock.requests == []


def test_timeout_before_first_byte_falls_back(make_proxy, openai_mock, anthropic_mock):
    p = proxy_for(make_proxy, openai_mock, anthropic_mock, args=("--idle-timeout", "0.5"))
    openai_mock.queue(Reply(body=chat_completion(), delay=1.5))
    c = anthropic.Anthropic(base_url=p.url, api_key="x", max_retries=0)
    r = c.messages.create(model="live-1", max_tokens=5, messages=MSG)
    assert r.content[0].text == "Hello from mock Anthropic"
    assert 'apxlate_fallbacks_total{from="openai",to="anthropic",reason="timeout"} 1' in metrics(p)
