"""inputs/sources.py in-process: SSRF rules, redirects, caps, deadlines, DNS
rebinding, TLS, S3 - against a local HTTP(S) server on 127.0.0.1 only.

Safety net: every test runs with sources._connect wrapped so that a connection
to anything but the loopback test server fails the test instead of leaving
the machine (a test that pretends a host is public re-points that one
connection to the loopback server itself)."""

from __future__ import annotations

import ipaddress
import shutil
import socket
import subprocess
import sys
import time
import types

import pytest

from errors import InputError
from inputs import sources
from inputs.sources import FetchPolicy, address_problem, fetch_url
from tests.fetch_server import IMAGE, FetchServer

LOOPBACK_TEST = ipaddress.ip_network("127.0.0.1/32")
ALLOW_TEST = FetchPolicy(allow_networks=(LOOPBACK_TEST,), timeout_s=10)
PUBLIC_IP = "93.184.216.34"  # pretended answer of fake DNS; never connected to


@pytest.fixture(autouse=True)
def connections(monkeypatch):
    """Every (family, sockaddr) the fetcher connects to; only 127.0.0.1 may be reached."""
    made = []
    real = sources._connect

    def guarded(family, sockaddr, timeout):
        made.append(sockaddr[0])
        if sockaddr[0] not in ("127.0.0.1", "::1"):
            raise AssertionError(f"the fetcher tried to connect to {sockaddr}")
        return real(family, sockaddr, timeout)

    monkeypatch.setattr(sources, "_connect", guarded)
    return made


@pytest.fixture(scope="module")
def web():
    with FetchServer() as server:
        yield server


def refused(url: str, policy: FetchPolicy = FetchPolicy(), **kw) -> InputError:
    with pytest.raises(InputError) as info:
        fetch_url(url, policy, **kw)
    return info.value


def fake_dns(monkeypatch, answers: dict):
    """getaddrinfo for the names in answers: each a list of address lists, one per
    call (the last repeats); other names go to the real resolver."""
    calls = {name: 0 for name in answers}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real(host, port, *args, **kwargs)
        sequence = answers[host]
        addresses = sequence[min(calls[host], len(sequence) - 1)]
        calls[host] += 1
        if isinstance(addresses, Exception):
            raise addresses
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "",
                 (a, port, 0, 0) if ":" in a else (a, port)) for a in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return calls


# ------------------------------------------------------------- address rules
REFUSED_ADDRESSES = [
    "127.0.0.1", "127.255.255.254", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254",
    "100.64.0.1", "0.0.0.0", "0.1.2.3", "224.0.0.1", "239.255.255.250", "240.0.0.1",
    "255.255.255.255", "192.0.0.8", "192.0.2.1", "198.18.0.1", "198.51.100.7", "203.0.113.9",
    "::", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "fec0::1", "2001:db8::1",
    "2001::1", "100::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.0.0.1",
    "64:ff9b::a9fe:a9fe", "2002:7f00:1::1", "2002:a00:1::", "::127.0.0.1", "::ffff:0:7f00:1",
]
PUBLIC_ADDRESSES = ["8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111",
                    "2a00:1450:4001::200e", "::ffff:8.8.8.8", "64:ff9b::808:808"]


@pytest.mark.parametrize("address", REFUSED_ADDRESSES)
def test_non_public_addresses_are_refused(address):
    assert address_problem(address), address


@pytest.mark.parametrize("address", PUBLIC_ADDRESSES)
def test_public_addresses_pass(address):
    assert address_problem(address) is None


@pytest.mark.parametrize("url,words", [
    ("http://127.0.0.1:{port}/image.jpg", "loopback"),
    ("http://localhost:{port}/image.jpg", "loopback"),
    ("http://2130706433:{port}/image.jpg", "127.0.0.1"),  # decimal spelling of 127.0.0.1
    ("http://0x7f.1:{port}/image.jpg", "127.0.0.1"),
    ("http://0177.0.0.1:{port}/image.jpg", "127.0.0.1"),
    ("http://[::1]:{port}/image.jpg", "loopback"),
    ("http://[::ffff:127.0.0.1]:{port}/image.jpg", "embedding 127.0.0.1"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://[fe80::1]/", "link-local"),
    ("http://100.64.0.1/", "carrier-grade NAT"),
    ("http://10.1.2.3/", "private"),
    ("http://[fd00::1]/", "unique-local"),
    ("http://0.0.0.0:{port}/", "this network"),
    ("http://224.0.0.1/", "multicast"),
    ("https://127.0.0.1/", "loopback"),
])
def test_internal_urls_are_refused_by_default_without_connecting(web, connections, url, words):
    problem = refused(url.format(port=web.port))
    assert problem.status == 403 and problem.code == "url_forbidden"
    assert words in problem.detail
    assert connections == []


@pytest.mark.parametrize("url,words", [
    ("ftp://example.com/a.jpg", "scheme 'ftp'"),
    ("file:///etc/passwd", "scheme 'file'"),
    ("gopher://127.0.0.1:70/", "scheme 'gopher'"),
    ("//example.com/a.jpg", "scheme none"),
    ("http:///a.jpg", "no host"),
    ("http://user:secret@example.com/a.jpg", "credentials"),
    ("http://127.0.0.1@example.com/", "credentials"),
    ("http://example.com/a b.jpg", "whitespace"),
    ("http://example.com/\r\nX-Injected: 1", "control"),
    ("http://example.com:99999/", "not a valid URL"),
    ("http://example.com:0/", "port 0"),
    ("http://" + "a" * 3000 + ".com/", "the limit is 2,048"),
    ("", "empty"),
    ("s3://", "s3://bucket/key"),
    ("s3://bucket-only", "s3://bucket/key"),
])
def test_malformed_or_unsupported_urls_are_422(connections, url, words):
    problem = refused(url)
    assert problem.status == 422, problem
    assert words in problem.detail
    assert connections == []


def test_allow_list_and_schemes_from_env():
    policy = FetchPolicy.from_env({"FACE_URL_ALLOWLIST": "127.0.0.1/32, 10.0.0.0/8, [::1], "
                                                         "images.internal, *.corp.example",
                                   "FACE_URL_TIMEOUT_S": "2.5", "FACE_URL_MAX_REDIRECTS": "1",
                                   "FACE_URL_SCHEMES": "https", "FACE_S3_BUCKETS": "a,b"})
    assert ipaddress.ip_network("10.0.0.0/8") in policy.allow_networks
    assert ipaddress.ip_network("::1/128") in policy.allow_networks
    assert policy.host_allowed("images.internal") and policy.host_allowed("x.corp.example")
    assert not policy.host_allowed("corp.example") and not policy.host_allowed("evil.example")
    assert policy.timeout_s == 2.5 and policy.max_redirects == 1
    assert policy.schemes == {"https"} and policy.s3_buckets == ("a", "b")
    assert refused("http://example.com/", policy).detail.startswith(
        "unsupported image_url scheme")
    assert FetchPolicy.from_env({}).allow_networks == ()
    with pytest.raises(ValueError):
        FetchPolicy.from_env({"FACE_URL_ALLOWLIST": "not a host!"})
    with pytest.raises(ValueError):
        FetchPolicy.from_env({"FACE_URL_TIMEOUT_S": "soon"})
    disabled = FetchPolicy.from_env({"FACE_URL_SCHEMES": ""})
    problem = refused("https://example.com/", disabled)
    assert "URL sources are disabled" in problem.detail


# ------------------------------------------------------------ the test server
def test_allow_listed_loopback_server_serves_the_image(web, connections):
    assert fetch_url(web.url("/image.jpg"), ALLOW_TEST) == IMAGE
    assert fetch_url(web.url("/chunked"), ALLOW_TEST) == IMAGE
    assert set(connections) == {"127.0.0.1"}
    host, _path = web.seen[-1]
    assert host == f"127.0.0.1:{web.port}"


def test_allow_list_by_host_name(web):
    policy = FetchPolicy(allow_hosts=("localhost",))
    assert fetch_url(web.url("/image.jpg", host="localhost"), policy) == IMAGE
    problem = refused(web.url("/image.jpg"), policy)  # the bare address is not listed
    assert problem.status == 403


def test_three_redirects_are_followed_and_a_fourth_is_refused(web):
    assert fetch_url(web.url("/redirect/3"), ALLOW_TEST) == IMAGE
    problem = refused(web.url("/redirect/4"), ALLOW_TEST)
    assert problem.status == 422 and problem.code == "too_many_redirects"
    assert "more than 3" in problem.detail


@pytest.mark.parametrize("target,status,words", [
    ("http://169.254.169.254/latest/meta-data/", 403, "link-local"),
    ("http://127.0.0.2:{port}/image.jpg", 403, "loopback"),  # loopback, but not allow-listed
    ("http://[::1]:{port}/image.jpg", 403, "loopback"),
    ("http://10.0.0.1/", 403, "private"),
    ("file:///etc/passwd", 422, "scheme 'file'"),
    ("s3://bucket/key", 422, "non-HTTP"),
])
def test_redirect_from_the_allowed_server_to_a_refused_address(web, connections, target,
                                                               status, words):
    url = web.url("/to?url=" + target.format(port=web.port).replace("&", "%26"))
    problem = refused(url, ALLOW_TEST)
    assert problem.status == status and words in problem.detail
    assert set(connections) == {"127.0.0.1"}  # only the allowed server was ever reached


def test_upstream_errors_are_422_with_the_status(web):
    problem = refused(web.url("/status/500"), ALLOW_TEST)
    assert problem.status == 422 and "HTTP 500" in problem.detail
    assert "HTTP 404" in refused(web.url("/missing"), ALLOW_TEST).detail
    assert "without a Location" in refused(web.url("/status-no-location"), ALLOW_TEST).detail


def test_nothing_listening_is_422():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, not listening: refused
        problem = refused(f"http://127.0.0.1:{port}/", ALLOW_TEST)
    assert problem.status == 422 and "cannot connect" in problem.detail


# ------------------------------------------------------------ size and time
def test_body_over_the_cap_is_refused_without_reading_it_all(web):
    policy = FetchPolicy(allow_networks=(LOOPBACK_TEST,), max_bytes=256 * 1024)
    started = time.monotonic()
    problem = refused(web.url("/big"), policy)
    assert problem.status == 413 and problem.code == "too_large"
    assert "262,144 bytes" in problem.detail
    assert time.monotonic() - started < 30
    time.sleep(0.5)  # let the server notice the closed connection
    assert web.big_sent < 32 * (1 << 20)  # it had 200 MiB to send


def test_announced_length_over_the_cap_is_refused_at_once(web):
    problem = refused(web.url("/announced-big"), ALLOW_TEST)
    assert problem.status == 413
    assert "1,000,000,000 bytes (Content-Length)" in problem.detail
    assert "10,485,760" in problem.detail


@pytest.mark.parametrize("path", ["/slow-body", "/slow-headers"])
def test_a_dripping_server_hits_the_total_deadline(web, path):
    policy = FetchPolicy(allow_networks=(LOOPBACK_TEST,), timeout_s=1.5)
    started = time.monotonic()
    problem = refused(web.url(path), policy)
    elapsed = time.monotonic() - started
    assert problem.status == 422 and problem.code == "url_timeout", problem
    assert "1.5 s" in problem.detail
    assert 1.0 < elapsed < 15  # 1000 bytes at 5 a second would take 200 s


def test_the_callers_deadline_wins_when_it_is_earlier(web):
    problem = refused(web.url("/slow-body"), ALLOW_TEST, deadline=time.monotonic() + 1.0)
    assert problem.code == "url_timeout"


def test_a_stuck_resolver_cannot_outlive_the_deadline(monkeypatch):
    def slow(host, *args, **kwargs):
        time.sleep(5)  # then fails: no real lookup leaves the machine
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", slow)
    started = time.monotonic()
    problem = refused("http://stuck.test/a.jpg", FetchPolicy(timeout_s=1))
    assert problem.code == "url_timeout" and time.monotonic() - started < 4


# ------------------------------------------------------------- DNS rebinding
def test_rebinding_the_checked_name_to_a_refused_address_is_not_used(web, monkeypatch,
                                                                     connections):
    # first answer: the allow-listed test server; any later one: 127.0.0.2 (refused)
    calls = fake_dns(monkeypatch, {"rebind.test": [["127.0.0.1"], ["127.0.0.2"]]})
    assert fetch_url(web.url("/image.jpg", host="rebind.test"), ALLOW_TEST) == IMAGE
    assert calls["rebind.test"] == 1  # resolved once, checked, connected to that address
    assert connections == ["127.0.0.1"]
    assert web.seen[-1][0] == f"rebind.test:{web.port}"  # the Host header keeps the name


def test_a_name_with_one_refused_address_among_public_ones_is_refused(monkeypatch, connections):
    fake_dns(monkeypatch, {"mixed.test": [[PUBLIC_IP, "127.0.0.1"]]})
    problem = refused("http://mixed.test/a.jpg")
    assert problem.status == 403 and "127.0.0.1" in problem.detail
    assert connections == []


def test_connection_goes_to_the_checked_public_address(web, monkeypatch, connections):
    """Public first, loopback after: the socket is connected to the public address
    that passed the check (re-pointed here at the loopback test server, so that
    nothing leaves the machine), and the name is never resolved again."""
    calls = fake_dns(monkeypatch, {"public.test": [[PUBLIC_IP], ["127.0.0.1"]]})
    dialled = []
    real = socket.create_connection

    def connect(family, sockaddr, timeout):
        dialled.append(sockaddr[0])
        assert sockaddr[0] == PUBLIC_IP
        return real(("127.0.0.1", web.port), timeout)

    monkeypatch.setattr(sources, "_connect", connect)
    assert fetch_url(f"http://public.test:{web.port}/image.jpg", FetchPolicy()) == IMAGE
    assert dialled == [PUBLIC_IP] and calls["public.test"] == 1


def test_unresolvable_host_is_422(monkeypatch):
    fake_dns(monkeypatch, {"nowhere.test": [socket.gaierror(-2, "Name or service not known")]})
    problem = refused("http://nowhere.test/a.jpg")
    assert problem.status == 422 and "cannot be resolved" in problem.detail


# ---------------------------------------------------------------------- TLS
@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    result = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return str(cert), str(key)


def test_https_verifies_the_host_name_while_connecting_to_the_checked_address(
        certificate, monkeypatch, connections):
    cert, key = certificate
    with FetchServer(cert, key) as tls:
        trusted = FetchPolicy(allow_networks=(LOOPBACK_TEST,), ca_file=cert)
        assert fetch_url(tls.url("/image.jpg", host="localhost"), trusted) == IMAGE
        # the certificate does not name other.test: refused although the address is fine
        fake_dns(monkeypatch, {"other.test": [["127.0.0.1"]]})
        problem = refused(tls.url("/image.jpg", host="other.test"), trusted)
        assert problem.status == 422 and "certificate" in problem.detail
        # and a certificate nobody vouches for is refused too
        problem = refused(tls.url("/image.jpg", host="localhost"), ALLOW_TEST)
        assert problem.status == 422 and problem.code == "url_tls"
    assert set(connections) == {"127.0.0.1"}


# ----------------------------------------------------------------------- S3
@pytest.fixture
def fake_boto3(monkeypatch):
    """boto3/botocore stand-ins: objects is {(bucket, key): bytes}."""
    objects: dict = {}

    class ClientError(Exception):
        def __init__(self, code):
            super().__init__(code)
            self.response = {"Error": {"Code": code}}

    class Body:
        def __init__(self, data):
            self.data, self.closed = data, False

        def read(self, n):
            piece, self.data = self.data[:n], self.data[n:]
            return piece

        def close(self):
            self.closed = True

    class Client:
        def get_object(self, Bucket, Key):  # noqa: N803 (boto3's names)
            if (Bucket, Key) not in objects:
                raise ClientError("NoSuchKey")
            data = objects[(Bucket, Key)]
            return {"ContentLength": len(data), "Body": Body(data)}

    boto3 = types.ModuleType("boto3")
    boto3.client = lambda service, config=None: Client()
    botocore = types.ModuleType("botocore")
    config = types.ModuleType("botocore.config")
    config.Config = lambda **kwargs: kwargs
    monkeypatch.setitem(sys.modules, "boto3", boto3)
    monkeypatch.setitem(sys.modules, "botocore", botocore)
    monkeypatch.setitem(sys.modules, "botocore.config", config)
    monkeypatch.setattr(sources, "_s3_clients", {})
    return objects


def test_s3_objects_from_listed_buckets_only(fake_boto3):
    fake_boto3[("photos", "people/a.jpg")] = IMAGE
    policy = FetchPolicy(s3_buckets=("photos",))
    assert fetch_url("s3://photos/people/a.jpg", policy) == IMAGE
    problem = refused("s3://secrets/people/a.jpg", policy)
    assert problem.status == 403 and "'secrets'" in problem.detail
    assert refused("s3://photos/people/a.jpg").status == 403  # no bucket listed by default
    problem = refused("s3://photos/missing.jpg", policy)
    assert problem.status == 422 and "does not exist" in problem.detail
    fake_boto3[("photos", "huge.jpg")] = b"\xff" * 5000
    problem = refused("s3://photos/huge.jpg", FetchPolicy(s3_buckets=("*",), max_bytes=4096))
    assert problem.status == 413 and "5,000 bytes" in problem.detail


def test_s3_without_boto3_is_a_clear_422(monkeypatch):
    monkeypatch.setitem(sys.modules, "boto3", None)  # import boto3 -> ImportError
    monkeypatch.setattr(sources, "_s3_clients", {})
    problem = refused("s3://photos/a.jpg", FetchPolicy(s3_buckets=("photos",)))
    assert problem.status == 422 and "boto3" in problem.detail
