"""A Translator shared between threads; closing waits for the calls in flight."""

import json
import threading

import apxlate
from _binding_helpers import ANTHROPIC_REQUEST, CHAT_RESPONSE


def test_one_translator_many_threads_same_results():
    t = apxlate.Translator({"models": {"default": "up"}})
    bodies = [json.dumps(dict(ANTHROPIC_REQUEST, model="model-%d" % i, max_tokens=i + 1)).encode() for i in range(8)]
    expected = [t.translate_request(b, "anthropic", "anthropic").output for b in bodies]
    failures = []

    def work(i):
        try:
            for _ in range(300):
                out, ex = t.translate_request(bodies[i], "anthropic", "anthropic")
                if out != expected[i] or ex.client_model != "model-%d" % i or ex.upstream_model != "up":
                    failures.append((i, out))
                resp = t.translate_response(CHAT_RESPONSE, "openai-chat", "openai-chat", exchange=None)
                if json.loads(resp)["model"] != "gpt-4o":
                    failures.append((i, resp))
                ex.close()
        except Exception as e:  # any exception is a failure of the test
            failures.append((i, e))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    t.close()
    assert failures == []


def test_close_while_other_threads_translate_never_crashes():
    t = apxlate.Translator()
    body = json.dumps(dict(ANTHROPIC_REQUEST, messages=[{"role": "user", "content": "x" * 200000}])).encode()
    started = threading.Barrier(5)
    outcomes = []

    def work():
        started.wait()
        try:
            while True:
                out, ex = t.translate_request(body, "anthropic", "anthropic")
                ex.close()
                assert len(out) == len(body)
        except ValueError as e:  # "translator is closed": the only acceptable end
            outcomes.append(str(e))
        except Exception as e:
            outcomes.append(repr(e))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for th in threads:
        th.start()
    started.wait()
    t.close()
    for th in threads:
        th.join()
    assert outcomes == ["translator is closed"] * 4


def test_one_exchange_read_by_many_threads():
    with apxlate.Translator({"models": {"default": "up"}}) as t:
        _, ex = t.translate_request(ANTHROPIC_REQUEST, "anthropic", "anthropic")
        seen = set()

        def read():
            for _ in range(500):
                seen.add((ex.client_model, ex.upstream_model, ex.client_format, ex.stream))

        threads = [threading.Thread(target=read) for _ in range(6)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert seen == {("claude-sonnet-4-5", "up", "anthropic", False)}
