"""HTTPS upstreams: TLS verification is on, a private CA can be trusted per upstream, and
HTTP/2 is used when the upstream offers it (nginx with a self-signed CA on loopback)."""
import json
import os
import shutil
import subprocess
import tempfile
import time

import openai
import pytest

from conftest import free_port
from mock_upstreams import chat_completion

MSG = [{"role": "user", "content": "hi"}]


@pytest.fixture(scope="module")
def tls_upstream():
    if not shutil.which("nginx") or not shutil.which("openssl"):
        pytest.skip("nginx and openssl are needed")
    d = tempfile.mkdtemp(prefix="apxlate-tls-")
    run = lambda *a: subprocess.run(a, cwd=d, check=True, capture_output=True)
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "2", "-subj", "/CN=apxlate test CA")
    run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
        "-subj", "/CN=127.0.0.1")
    with open(os.path.join(d, "ext.cnf"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n")
    run("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf")
    os.makedirs(os.path.join(d, "www", "v1", "chat"))
    with open(os.path.join(d, "www", "v1", "chat", "completions"), "w") as f:
        json.dump(chat_completion(text="over TLS"), f)
    port = free_port()
    with open(os.path.join(d, "nginx.conf"), "w") as f:
        f.write(f"""daemon off; master_process off; worker_processes 1;
pid {d}/nginx.pid; error_log {d}/error.log error;
events {{ worker_connections 256; }}
http {{
  log_format proto '$server_protocol $connection';
  access_log {d}/access.log proto;
  server {{
    listen 127.0.0.1:{port} ssl http2;
    ssl_certificate {d}/server.pem; ssl_certificate_key {d}/server.key;
    root {d}/www;
    location / {{ default_type application/json; error_page 405 =200 $uri; }}
  }}
}}
""")
    proc = subprocess.Popen(["nginx", "-c", f"{d}/nginx.conf", "-p", d], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    yield {"port": port, "dir": d}
    proc.terminate()
    proc.wait(timeout=10)
    shutil.rmtree(d, ignore_errors=True)


def _config(t, ca):
    ca_line = f", ca_file: {t['dir']}/ca.pem" if ca else ""
    return f"""upstreams:
  tls: {{base_url: "https://127.0.0.1:{t['port']}/v1", format: openai-chat{ca_line}}}
routes:
  - {{match: "*", upstream: tls}}
"""


def test_trusted_ca_and_http2(make_proxy, tls_upstream):
    p = make_proxy(_config(tls_upstream, ca=True)).wait_ready()
    c = openai.OpenAI(base_url=p.url + "/v1", api_key="k", max_retries=0)
    for _ in range(3):
        assert c.chat.completions.create(model="gpt-4o", messages=MSG).choices[0].message.content == "over TLS"
    with open(os.path.join(tls_upstream["dir"], "access.log")) as f:
        lines = [line.split() for line in f.read().splitlines()][-3:]
    assert [proto for proto, _ in lines] == ["HTTP/2.0"] * 3
    assert len({conn for _, conn in lines}) == 1  # one connection, reused


def test_untrusted_certificate_is_refused(make_proxy, tls_upstream):
    p = make_proxy(_config(tls_upstream, ca=False)).wait_ready()
    c = openai.OpenAI(base_url=p.url + "/v1", api_key="k", max_retries=0)
    with pytest.raises(openai.APIStatusError) as e:
        c.chat.completions.create(model="gpt-4o", messages=MSG)
    assert e.value.status_code == 502
    assert "certificate" in str(e.value).lower()
