"""The production sections of the config file are read as strictly as the rest: a typo or a
value of the wrong type stops `apxlate serve` with the file, line and key path."""
import pytest

from test_config_strict import start_bad

UP = """upstreams:
  openai:
    base_url: http://127.0.0.1:9/v1
    format: openai-chat
"""
ROUTE = "routes:\n  - {match: '*', upstream: openai}\n"

BAD = [
    pytest.param(UP + "    api_keys_env: KEY_A\n" + ROUTE, "5:19: upstreams.openai.api_keys_env: expected a list, got a string",
                 id="keys-not-a-list"),
    pytest.param(UP + "    api_keys_env: [KEY_A]\n    api_key_env: KEY_B\n" + ROUTE,
                 "6:5: upstreams.openai.api_key_env: set either `api_keys_env`", id="keys-and-key"),
    pytest.param(UP + "    api_keys_env: []\n" + ROUTE,
                 "5:19: upstreams.openai.api_keys_env: expected at least one name", id="keys-empty"),
    pytest.param(UP + "routes:\n  - match: '*'\n    upstream: openai\n    fallbacks: [{upstream: other}]\n",
                 "8:28: routes[0].fallbacks[0].upstream: no upstream named `other`", id="fallback-unknown"),
    pytest.param(UP + "routes:\n  - match: '*'\n    upstream: openai\n    fallbacks: [{upstrem: openai}]\n",
                 "8:18: routes[0].fallbacks[0].upstrem: unknown key", id="fallback-typo"),
    pytest.param(UP + ROUTE + "clients:\n  - {name: a, key_env: HOME, limits: {requests_per_minute: '5'}}\n",
                 "8:60: clients[0].limits.requests_per_minute: expected a whole number, got a string", id="limit-quoted"),
    pytest.param(UP + ROUTE + "clients:\n  - {name: a, key_env: HOME, limits: {request_per_minute: 5}}\n",
                 "8:39: clients[0].limits.request_per_minute: unknown key", id="limit-typo"),
    pytest.param(UP + ROUTE + "clients:\n  - {name: a, key_env: HOME, limits: {concurrent_streams: 0}}\n",
                 "8:59: clients[0].limits.concurrent_streams: expected a whole number from 1", id="limit-zero"),
    pytest.param(UP + ROUTE + "clients:\n  - {name: a, key_env: NOT_SET_ANYWHERE_Y}\n",
                 "8:24: clients[0].key_env: NOT_SET_ANYWHERE_Y is not set", id="client-key-unset"),
    pytest.param(UP + ROUTE + "clients:\n  - {name: a, key_env: HOME}\n  - {name: a, key_env: PATH}\n",
                 "9:12: clients[1].name: duplicate client name", id="client-dup"),
    pytest.param(UP + ROUTE + "cache: {ttl_seconds: 60}\n", "7:8: cache: missing `max_bytes`", id="cache-missing"),
    pytest.param(UP + ROUTE + "cache: {ttl_seconds: 60, max_bytes: 1e6}\n",
                 "7:37: cache.max_bytes: expected a whole number, got a number", id="cache-float"),
    pytest.param(UP + ROUTE + "admin: {key_env: NOT_SET_ANYWHERE_Z}\n",
                 "7:8: admin: NOT_SET_ANYWHERE_Z (admin.key_env) is not set", id="admin-unset"),
]


@pytest.mark.parametrize("text,expected", BAD)
def test_bad_production_config(text, expected):
    rc, out, path = start_bad(text)
    assert rc == 2, out
    assert f"{path}:{expected}" in out, out
