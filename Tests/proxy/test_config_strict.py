"""The config file is read strictly: a typo or a value of the wrong type stops `apxlate serve` at
start with the file, line and key path; model families match ignoring case, on the host's
`family` routes and in the translator's model mapping alike."""
import os

import anthropic
import pytest

from conftest import Proxy
from mock_upstreams import Reply, anthropic_message, chat_completion

MSG = [{"role": "user", "content": "hi"}]

UPSTREAMS = """upstreams:
  openai:
    base_url: http://127.0.0.1:9/v1
    format: openai-chat
"""


def start_bad(text):
    """Starts the proxy on a bad config; returns (exit status, output, config path)."""
    p = Proxy(text)
    try:
        rc = p.proc.wait(timeout=10)
    except Exception:
        p.stop()
        raise
    p.stop()
    return rc, p.logs(), os.path.join(p.dir, "config.yaml")


# (config text, "line:column: key path: message" expected after the file name)
BAD = [
    pytest.param(UPSTREAMS + "    quirks:\n      max_token_cap: 8192\nroutes:\n  - {match: '*', upstream: openai}\n",
                 "6:7: upstreams.openai.quirks.max_token_cap: unknown configuration key", id="quirk-typo"),
    pytest.param(UPSTREAMS + "    quirks: {max_tokens_cap: '8192'}\nroutes:\n  - {match: '*', upstream: openai}\n",
                 "5:14: upstreams.openai.quirks.max_tokens_cap: expected a positive integer", id="quirk-quoted-number"),
    pytest.param(UPSTREAMS + "routes:\n  - {match: a, upstream: openai}\n  - {match: b, upstream: openai}\n"
                 "  - match: [c, d]\n    upstream: openai\n",
                 "8:12: routes[2].match: expected a string, got a list", id="match-list"),
    pytest.param(UPSTREAMS + "routes:\n  - {match: 5, upstream: openai}\n",
                 "6:13: routes[0].match: expected a string, got a number (quote it to make it a string)", id="match-number"),
    pytest.param(UPSTREAMS + "route:\n  - {match: '*', upstream: openai}\n",
                 "5:1: route: unknown key (expected one of: upstreams, routes, clients, cache, admin, env_file)", id="top-typo"),
    pytest.param(UPSTREAMS + "    api_key_envv: OPENAI_API_KEY\nroutes:\n  - {match: '*', upstream: openai}\n",
                 "5:5: upstreams.openai.api_key_envv: unknown key", id="upstream-typo"),
    pytest.param(UPSTREAMS + "    pass_client_key: \"true\"\nroutes:\n  - {match: '*', upstream: openai}\n",
                 "5:22: upstreams.openai.pass_client_key: expected true or false, got a string", id="bool-as-string"),
    pytest.param(UPSTREAMS + "    headers: {X-Title: [a]}\nroutes:\n  - {match: '*', upstream: openai}\n",
                 "5:24: upstreams.openai.headers.X-Title: expected a string, got a list", id="header-list"),
    pytest.param(UPSTREAMS + "routes:\n  - match: '*'\n    upstream: openai\n    modle: gpt-5\n",
                 "8:5: routes[0].modle: unknown key", id="route-typo"),
    pytest.param(UPSTREAMS + "routes:\n  - match: '*'\n    upstream: openai\n    quirks:\n      reasoning_efort: true\n",
                 "9:7: routes[0].quirks.reasoning_efort: unknown configuration key", id="route-quirk-typo"),
    pytest.param(UPSTREAMS + "routes:\n  - match: '*'\n    upstream: openai\n    client: {reasoning_field: think}\n",
                 "8:14: routes[0].client.reasoning_field: expected \"reasoning_content\", \"reasoning\" or \"none\"",
                 id="client-value"),
    pytest.param(UPSTREAMS + "routes:\n  - match: '*'\n    upstream: openai\n    models:\n      map:\n"
                 "        gpt-4.1: {name: x}\n",
                 "10:9: routes[0].models.map.gpt-4.1: expected a string, got an object", id="map-dotted-key"),
    pytest.param(UPSTREAMS + "routes:\n  - {match: '*', upstream: opnai}\n",
                 "6:28: routes[0].upstream: no upstream named `opnai` (defined: openai)", id="unknown-upstream"),
    pytest.param(UPSTREAMS + "routes:\n  - {match: '*', family: opus, upstream: openai}\n",
                 "6:18: routes[0].family: a route has either `match` or `family`, not both", id="match-and-family"),
    pytest.param(UPSTREAMS + "routes:\n  - {family: 'op*', upstream: openai}\n",
                 "6:14: routes[0].family: a family is a word such as haiku; globs go in `match`", id="family-glob"),
    pytest.param(UPSTREAMS + "routes:\n  - {match: '*', upstream: openai, model: a, models: {default: b}}\n",
                 "6:36: routes[0].model: set either `model` or `models.default`, not both", id="model-twice"),
    pytest.param(UPSTREAMS + "routes: []\n", "5:9: routes: expected at least one route", id="no-routes"),
    pytest.param("upstreams: {}\nroutes:\n  - {match: '*', upstream: openai}\n",
                 "1:12: upstreams: expected at least one upstream", id="no-upstreams"),
    pytest.param(UPSTREAMS, "1:1: missing `routes`", id="missing-routes"),
    pytest.param(UPSTREAMS + "routes:\n  - {match: '*', upstream: openai}\n  - {match: x, upstream: openai, match: y}\n",
                 "", id="duplicate-key"),
]


@pytest.mark.parametrize("text,expected", BAD)
def test_bad_config_stops_serve_with_path_and_line(text, expected):
    rc, out, path = start_bad(text)
    assert rc == 2, out
    if expected:
        assert f"apxlate: {path}:{expected}" in out, out
    else:  # Yams reports duplicate keys itself
        assert f"apxlate: {path}: not valid YAML" in out and "duplicate" in out.lower(), out


def test_not_yaml_at_all():
    rc, out, path = start_bad("upstreams: [\n")
    assert rc == 2 and f"apxlate: {path}: not valid YAML" in out, out


def test_missing_file_names_it(make_proxy, tmp_path):
    missing = str(tmp_path / "nope.yaml")
    p = make_proxy(args=["--config", missing])
    assert p.proc.wait(timeout=10) == 2
    assert f"apxlate: {missing}: cannot read" in p.logs()


def test_mixed_case_models_route_by_family(make_proxy, openai_mock, anthropic_mock):
    """`family: Haiku` takes CLAUDE-HAIKU-4-5, `family: opus` takes Claude-Opus-4-1, and the
    translator's own mapping on the `*` route sends My-SONNET to the middle model. (The haiku
    upstream is built with a YAML merge key.)"""
    p = make_proxy(f"""
upstreams:
  openai: &openai
    base_url: {openai_mock.base_url}
    format: openai-chat
    api_key: k1
  openai-small:
    <<: *openai
    api_key: k3
  anthropic:
    base_url: {anthropic_mock.base_url}
    format: anthropic
    api_key: k2
routes:
  - family: Haiku
    upstream: openai-small
    model: gpt-small-by-family
  - family: opus
    upstream: anthropic
    model: claude-opus-upstream
  - match: "*"
    upstream: openai
    models: {{big: gpt-big, middle: gpt-middle, small: gpt-small}}
""").wait_ready()
    c = anthropic.Anthropic(base_url=p.url, api_key="x", max_retries=0)
    openai_mock.queue(Reply(body=chat_completion(text="small")), Reply(body=chat_completion(text="middle")))
    anthropic_mock.queue(Reply(body=anthropic_message(text="opus")))
    assert c.messages.create(model="CLAUDE-HAIKU-4-5", max_tokens=10, messages=MSG).content[0].text == "small"
    assert c.messages.create(model="Claude-Opus-4-1", max_tokens=10, messages=MSG).content[0].text == "opus"
    r = c.messages.create(model="My-SONNET", max_tokens=10, messages=MSG)
    assert r.content[0].text == "middle" and r.model == "My-SONNET"
    assert [q.json["model"] for q in openai_mock.requests] == ["gpt-small-by-family", "gpt-middle"]
    assert [q.headers["authorization"] for q in openai_mock.requests] == ["Bearer k3", "Bearer k1"]
    assert [q.json["model"] for q in anthropic_mock.requests] == ["claude-opus-upstream"]
