"""`apxlate translate`: one-shot documents and incremental streams on stdin/stdout."""
import json
import os
import select
import subprocess
import tempfile
import time

from conftest import BINARY
from mock_upstreams import chat_completion, chat_stream_events

REQUEST = {"model": "claude-sonnet-4-5", "max_tokens": 100, "stream": True,
           "messages": [{"role": "user", "content": "hi"}]}


def run(args, stdin):
    return subprocess.run([BINARY, "translate", *args], input=stdin, capture_output=True, timeout=30)


def request_file(body=REQUEST):
    f = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump(body, f)
    f.close()
    return f.name


def test_request_to_openai_chat():
    r = run(["--from", "anthropic", "--to", "openai-chat"], json.dumps(REQUEST).encode())
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["messages"][-1]["role"] == "user"
    assert out["stream"] is True


def test_passthrough_request_keeps_bytes():
    raw = b'{"model":"m",  "max_tokens":1,"messages":[{"role":"user","content":"x"}],"extra":[1.50]}'
    r = run(["--from", "anthropic", "--to", "anthropic"], raw)
    assert r.returncode == 0 and r.stdout.rstrip(b"\n") == raw


def test_response_restores_client_model():
    r = run(["--from", "openai-chat", "--to", "anthropic", "--kind", "response", "--request", request_file()],
            json.dumps(chat_completion(text="hey", model="gpt-x")).encode())
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["model"] == "claude-sonnet-4-5" and out["content"][0]["text"] == "hey"


def test_error_first_line_is_status():
    r = run(["--from", "openai-chat", "--to", "anthropic", "--kind", "error", "--status", "429"],
            b'{"error":{"message":"slow down","type":"rate_limit_exceeded"}}')
    assert r.returncode == 0
    status, body = r.stdout.split(b"\n", 1)
    assert status == b"429"
    assert json.loads(body)["error"]["type"] == "rate_limit_error"


def test_bad_input_fails_with_offset():
    r = run(["--from", "anthropic", "--to", "openai-chat"], b'{"model": "m", "messages": [')
    assert r.returncode != 0
    assert r.stdout == b""
    assert b"offset" in r.stderr and b"JSON" in r.stderr


def test_invalid_document_names_the_path():
    r = run(["--from", "anthropic", "--to", "openai-chat"], b'{"model":"m","max_tokens":5,"messages":[{"role":"user","content":5}]}')
    assert r.returncode != 0
    assert b"messages[0]" in r.stderr


def test_unknown_format_is_a_usage_error():
    r = run(["--from", "nope", "--to", "anthropic"], b"{}")
    assert r.returncode != 0 and b"nope" in r.stderr


def test_stream_is_translated_incrementally():
    p = subprocess.Popen([BINARY, "translate", "--from", "openai-chat", "--to", "anthropic", "--kind", "stream",
                          "--request", request_file()], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    events = chat_stream_events(text="Hello there")
    first = "".join(f"data: {d}\n\n" for _, d in events[:2]).encode()
    p.stdin.write(first)
    p.stdin.flush()
    got = b""
    deadline = time.time() + 10
    while b"content_block_delta" not in got and time.time() < deadline:
        ready, _, _ = select.select([p.stdout], [], [], 0.2)
        if ready:
            got += os.read(p.stdout.fileno(), 65536)
    assert b"event: message_start" in got and b"content_block_delta" in got  # before stdin closed
    rest = "".join(f"data: {d}\n\n" for _, d in events[2:]).encode()
    out, err = p.communicate(rest, timeout=10)
    got += out
    assert p.returncode == 0, err
    assert got.rstrip().endswith(b'{"type":"message_stop"}')
    text = "".join(json.loads(line[6:])["delta"].get("text", "") for line in got.decode().splitlines()
                   if line.startswith("data: ") and '"content_block_delta"' in line)
    assert text == "Hello there"


def _responses_with_usage(input_tokens, output_tokens=1):
    return ('{"id":"resp_1","object":"response","status":"completed","model":"m",'
            '"output":[{"type":"message","id":"m1","role":"assistant","content":[{"type":"output_text","text":"hi"}]}],'
            '"usage":{"input_tokens":%s,"output_tokens":%s,"input_tokens_details":{"cached_tokens":0}}}'
            % (input_tokens, output_tokens)).encode()


def _token_counts(value):
    """Every integer under a key containing "tokens", at any depth."""
    if isinstance(value, dict):
        for k, v in value.items():
            if "tokens" in k and isinstance(v, int):
                yield k, v
            else:
                yield from _token_counts(v)
    elif isinstance(value, list):
        for v in value:
            yield from _token_counts(v)


def test_hostile_usage_never_kills_the_process():
    """Issue 9's repro: Responses usage at the int64 limits used to die with SIGILL."""
    for to in ("anthropic", "openai-chat"):
        for tokens in ("9223372036854775807", "99999999999999999999", "1e400"):
            for body in (_responses_with_usage(tokens), _responses_with_usage(1, tokens)):
                r = run(["--from", "openai-responses", "--to", to, "--kind", "response"], body)
                assert r.returncode == 0, (to, tokens, r.returncode, r.stderr)
                counts = list(_token_counts(json.loads(r.stdout)))
                assert counts and all(0 <= v <= 2 ** 50 for _, v in counts), counts
        for tokens in ("-9223372036854775808", "-1"):
            r = run(["--from", "openai-responses", "--to", to, "--kind", "response"], _responses_with_usage(tokens))
            assert r.returncode == 1, (to, tokens, r.returncode, r.stderr)
            assert b"usage.input_tokens" in r.stderr and b"non-negative" in r.stderr
