"""Fetch an image named by a URL (``http``, ``https``, ``s3://bucket/key``) without
letting the request reach inside the network.

Plain Python (standard library; ``boto3`` only for ``s3://`` and only when
installed), usable and testable without BentoML. Every failure is an
:class:`~errors.InputError` with a 4xx ``status`` and a ``detail``
sentence that names the problem.

The rules (:class:`FetchPolicy`, environment variables read by
:meth:`FetchPolicy.from_env`)
--------------------------------------------------------------------------
* Schemes: ``http``, ``https`` and ``s3`` (``FACE_URL_SCHEMES``); nothing else
  (no ``file:``, ``ftp:``, ``gopher:`` ...). URLs with user credentials,
  whitespace or control characters, or longer than 2048 characters are refused.
* Addresses: the host is resolved once (``socket.getaddrinfo``) and *every*
  address it resolves to is checked; if any of them is not a public unicast
  address the URL is refused. Refused: loopback (127/8, ::1), private (10/8,
  172.16/12, 192.168/16, fc00::/7), link-local (169.254/16 - cloud metadata
  at 169.254.169.254 -, fe80::/10), carrier-grade NAT 100.64/10, "this
  network" 0/8, unspecified (0.0.0.0, ::), multicast, reserved (240/4,
  broadcast), documentation and benchmarking ranges, IETF protocol ranges
  (192.0.0/24, 2001::/23: Teredo ...), site-local fec0::/10, discard 100::/64,
  and IPv6 forms embedding a refused IPv4 address (IPv4-mapped
  ``::ffff:127.0.0.1``, NAT64 ``64:ff9b::/96``, 6to4 ``2002::/16``,
  IPv4-compatible ``::a.b.c.d``). Numeric spellings such as ``2130706433``,
  ``0x7f.1`` or ``0177.0.0.1`` resolve to 127.0.0.1 and are refused with it.
* Operator allow-list ``FACE_URL_ALLOWLIST``: comma-separated networks
  (``10.0.0.0/8``, ``127.0.0.1``) and host names (``images.internal``,
  ``*.corp.example``). An address inside a listed network, or any address of
  a listed host name (but never the unspecified address or multicast), is
  allowed.
* DNS rebinding: the connection goes to the very address that was checked (the
  socket is connected to it; ``Host`` header, TLS SNI and certificate checks
  use the host name), so a second, different DNS answer is never used.
  Environment proxies are not used.
* Size: the body is streamed and refused (413) as soon as it passes
  ``max_bytes`` (the upload limit), or at once when ``Content-Length`` says so.
* Time: one total deadline (``FACE_URL_TIMEOUT_S``, default 10 s, and never
  past the caller's request deadline) covers DNS, connecting, TLS, every
  redirect and the whole body; a watchdog closes the socket when it passes, so
  a server that drips one byte at a time cannot hold the worker.
* Redirects: at most 3 (``FACE_URL_MAX_REDIRECTS``); every hop's URL goes
  through all the checks above again.
* ``s3://bucket/key``: only for buckets listed in ``FACE_S3_BUCKETS`` (``*``
  for any) - the server's credentials must not become everybody's -; boto3
  reads the credentials and endpoint from the environment as usual.

Statuses: 403 refused address or S3 bucket; 413 too large; 422 everything else
(malformed or unsupported URL, DNS failure, connection or TLS failure, upstream
HTTP status, too many redirects, deadline, boto3 missing).
"""

from __future__ import annotations

import http.client
import ipaddress
import math
import os
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Mapping
from urllib.parse import quote, urljoin, urlsplit

from errors import InputError
import settings
from inputs.imageio import Limits, numbers_from_env

__all__ = ["FetchPolicy", "address_problem", "check_url", "fetch_url"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_URL_LENGTH = 2048
USER_AGENT = "face-analysis-fetch/1"
_CHUNK = 64 * 1024
_REDIRECTS = (301, 302, 303, 307, 308)

# Checked in order; the first network that contains the address names it.
_V4_REFUSED = [(ipaddress.ip_network(net), what) for net, what in (
    ("0.0.0.0/8", "a 'this network' address"),
    ("10.0.0.0/8", "a private address"),
    ("100.64.0.0/10", "a carrier-grade NAT (shared) address"),
    ("127.0.0.0/8", "a loopback address"),
    ("169.254.0.0/16", "a link-local address (where cloud metadata services live)"),
    ("172.16.0.0/12", "a private address"),
    ("192.0.0.0/24", "an IETF protocol assignment address"),
    ("192.0.2.0/24", "a documentation address"),
    ("192.88.99.0/24", "a 6to4 relay anycast address"),
    ("192.168.0.0/16", "a private address"),
    ("198.18.0.0/15", "a benchmarking address"),
    ("198.51.100.0/24", "a documentation address"),
    ("203.0.113.0/24", "a documentation address"),
    ("224.0.0.0/4", "a multicast address"),
    ("240.0.0.0/4", "a reserved address"),
)]
_V6_REFUSED = [(ipaddress.ip_network(net), what) for net, what in (
    ("::/128", "the unspecified address"),
    ("::1/128", "a loopback address"),
    ("::ffff:0:0:0/96", "an IPv4-translated address"),
    ("64:ff9b:1::/48", "a local-use NAT64 address"),
    ("100::/64", "a discard-only address"),
    ("2001:db8::/32", "a documentation address"),
    ("2001::/23", "an IETF protocol assignment address (Teredo and others)"),
    ("3fff::/20", "a documentation address"),
    ("5f00::/16", "a segment-routing address"),
    ("fc00::/7", "a unique-local (private) address"),
    ("fe80::/10", "a link-local address"),
    ("fec0::/10", "a site-local address"),
    ("ff00::/8", "a multicast address"),
)]
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_V4_COMPATIBLE = ipaddress.ip_network("::/96")


def _refused_v4(ip: ipaddress.IPv4Address) -> str | None:
    for network, what in _V4_REFUSED:
        if ip in network:
            return what
    if not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_unspecified:
        return "a non-public address"
    return None


def address_problem(ip: IPAddress | str) -> str | None:
    """Why this address must not be fetched from ("a loopback address", ...), or
    None for a public unicast address."""
    if isinstance(ip, str):
        ip = ipaddress.ip_address(ip)
    if isinstance(ip, ipaddress.IPv4Address):
        return _refused_v4(ip)
    # IPv6 forms that carry an IPv4 address: judge the IPv4 address.
    embedded = ip.ipv4_mapped
    if embedded is None and ip in _NAT64:
        embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if embedded is None and ip.sixtofour is not None:
        embedded = ip.sixtofour
    if embedded is not None:
        problem = _refused_v4(embedded)
        return f"an IPv6 address embedding {embedded}, {problem}" if problem else None
    for network, what in _V6_REFUSED:
        if ip in network:
            return what
    if ip in _V4_COMPATIBLE:
        return "an IPv4-compatible (deprecated) IPv6 address"
    if (not ip.is_global or ip.is_private or ip.is_loopback or ip.is_link_local
            or ip.is_multicast or ip.is_reserved or ip.is_unspecified or ip.is_site_local):
        return "a non-public address"
    return None


# --------------------------------------------------------------------------
# policy
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class FetchPolicy:
    max_bytes: int = Limits().max_bytes
    timeout_s: float = 10.0
    max_redirects: int = 3
    allow_networks: tuple = ()  # ipaddress networks
    allow_hosts: tuple = ()  # lower-case names; "*.example.com" matches subdomains
    schemes: frozenset = field(default_factory=lambda: frozenset({"http", "https", "s3"}))
    s3_buckets: tuple = ()  # "*" for any
    ca_file: str | None = None  # extra CA bundle for https (default: the system's)

    def __post_init__(self):
        if not (isinstance(self.max_bytes, int) and self.max_bytes > 0):
            raise ValueError(f"FetchPolicy.max_bytes must be a positive int, got {self.max_bytes!r}")
        if not (isinstance(self.timeout_s, (int, float)) and math.isfinite(self.timeout_s)
                and self.timeout_s > 0):
            raise ValueError(f"FetchPolicy.timeout_s must be positive, got {self.timeout_s!r}")
        if not (isinstance(self.max_redirects, int) and self.max_redirects >= 0):
            raise ValueError(f"FetchPolicy.max_redirects must be >= 0, got {self.max_redirects!r}")
        unknown = set(self.schemes) - {"http", "https", "s3"}
        if unknown:
            raise ValueError(f"unsupported URL schemes {sorted(unknown)}; known: http, https, s3")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None,
                 max_bytes: int | None = None) -> "FetchPolicy":
        """``FACE_URL_ALLOWLIST``, ``FACE_URL_TIMEOUT_S``, ``FACE_URL_MAX_REDIRECTS``,
        ``FACE_URL_SCHEMES``, ``FACE_S3_BUCKETS``, ``FACE_URL_CA_FILE``; the byte cap
        is the upload limit (``FACE_MAX_UPLOAD_BYTES``) unless given. A malformed
        value raises ValueError (the service then refuses to start)."""
        env = os.environ if environ is None else environ

        def items(name):
            return [i.strip() for i in (settings.raw(name, env) or "").split(",") if i.strip()]

        networks, hosts = [], []
        for entry in items("FACE_URL_ALLOWLIST"):
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                name = entry.lower().rstrip(".")
                if not name.replace("*.", "", 1).replace("-", "").replace(".", "").isalnum():
                    raise ValueError(f"FACE_URL_ALLOWLIST entry {entry!r} is neither a "
                                     "network nor a host name") from None
                hosts.append(name)
        kwargs: dict = {"allow_networks": tuple(networks), "allow_hosts": tuple(hosts),
                        "s3_buckets": tuple(items("FACE_S3_BUCKETS"))}
        if max_bytes is None:
            max_bytes = Limits.from_env(env).max_bytes
        kwargs["max_bytes"] = max_bytes
        kwargs.update(numbers_from_env(env, (("FACE_URL_TIMEOUT_S", "timeout_s", float),
                                             ("FACE_URL_MAX_REDIRECTS", "max_redirects", int))))
        if settings.raw("FACE_URL_SCHEMES", env) is not None:  # set empty: no URL sources
            kwargs["schemes"] = frozenset(s.lower() for s in items("FACE_URL_SCHEMES"))
        if settings.read("FACE_URL_CA_FILE", env):
            kwargs["ca_file"] = settings.read("FACE_URL_CA_FILE", env)
        return cls(**kwargs)

    def host_allowed(self, host: str) -> bool:
        for entry in self.allow_hosts:
            if entry.startswith("*."):
                if host.endswith(entry[1:]) and len(host) > len(entry) - 1:
                    return True
            elif host == entry:
                return True
        return False

    def check_address(self, ip: IPAddress, host: str) -> None:
        """InputError(403) unless the address may be fetched from."""
        bare = ipaddress.ip_address(str(ip).split("%")[0])
        if any(bare.version == net.version and bare in net for net in self.allow_networks):
            return
        if self.host_allowed(host) and not (bare.is_unspecified or bare.is_multicast):
            return
        problem = address_problem(bare)
        if problem:
            shown = host if host == str(bare) else f"{host} ({bare})"
            raise InputError(403, f"image_url points to {shown}, {problem}; this server does "
                                  "not fetch from such addresses", "url_forbidden")


# --------------------------------------------------------------------------
# URL checks
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # IDNA/ASCII, lower case, no brackets
    port: int
    path: str  # request target: path and query, percent-encoded


def _invalid(detail: str, code: str = "invalid_url") -> InputError:
    return InputError(422, detail, code)


def _shorten(url: str, n: int = 200) -> str:
    return url if len(url) <= n else url[:n] + "..."


def check_url(url: str, policy: FetchPolicy) -> _Target | tuple[str, str]:
    """Parse and check a URL's form (not its addresses): a _Target for http(s),
    (bucket, key) for s3. Raises InputError(422)."""
    if not isinstance(url, str):
        raise _invalid("image_url must be a string")
    if len(url) > MAX_URL_LENGTH:
        raise _invalid(f"image_url is {len(url):,} characters, the limit is {MAX_URL_LENGTH:,}",
                       "url_too_long")
    if not url.strip():
        raise _invalid("image_url is empty")
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise _invalid("image_url contains whitespace or control characters")
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in policy.schemes:
        accepted = ", ".join(sorted(policy.schemes)) or "none (URL sources are disabled)"
        shown = f"'{_shorten(scheme, 20)}'" if scheme else "none"
        raise _invalid(f"unsupported image_url scheme {shown}; accepted: {accepted}",
                       "unsupported_scheme")
    if scheme == "s3":
        rest = url[5:]
        if not url[:5].lower() == "s3://":
            raise _invalid("an S3 URL has the form s3://bucket/key")
        bucket, _, key = rest.partition("/")
        if not bucket or not key:
            raise _invalid("an S3 URL has the form s3://bucket/key")
        return bucket, key
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise _invalid(f"image_url is not a valid URL ({exc})") from None
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise _invalid("image_url must not contain user credentials")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise _invalid("image_url has no host")
    try:
        ipaddress.ip_address(host.split("%")[0])
        ascii_host = host
    except ValueError:
        try:
            ascii_host = host.encode("idna").decode("ascii").lower()
        except UnicodeError:
            raise _invalid(f"image_url host {_shorten(host, 100)!r} is not a valid host name") \
                from None
    if port is None:
        port = 443 if scheme == "https" else 80
    if port == 0:
        raise _invalid("image_url port 0 is not valid")
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return _Target(scheme, ascii_host, port, path)


# --------------------------------------------------------------------------
# fetching
# --------------------------------------------------------------------------

def _connect(family: int, sockaddr: tuple, timeout: float) -> socket.socket:
    """Open a TCP connection to exactly this socket address (tests replace this)."""
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(sockaddr)
    except BaseException:
        sock.close()
        raise
    return sock


class _Deadline:
    """The total deadline of one fetch, and a watchdog that shuts the current
    socket down when it passes (so no blocking read can outlive it)."""

    def __init__(self, at: float, seconds: float):
        self.at = at
        self.seconds = seconds
        self.fired = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, at - time.monotonic()), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            if self._sock is not None:
                try:
                    self._sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def watch(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._sock = sock
            if sock is not None and self.fired:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        self.check()

    def remaining(self) -> float:
        left = self.at - time.monotonic()
        if left <= 0:
            raise self.error()
        return left

    def check(self) -> None:
        if self.fired or time.monotonic() >= self.at:
            raise self.error()

    def error(self) -> InputError:
        return InputError(422, f"image_url did not deliver the image within the deadline of "
                               f"{self.seconds:.3g} s", "url_timeout")

    def cancel(self) -> None:
        self._timer.cancel()


def _resolve(host: str, port: int, deadline: _Deadline) -> list[tuple[int, tuple, IPAddress]]:
    """(family, sockaddr, address) for every address of host; DNS runs in a
    helper thread so that a stuck resolver cannot outlive the deadline."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        family = socket.AF_INET if ip.version == 4 else socket.AF_INET6
        return [(family, (str(ip), port) if ip.version == 4 else (str(ip), port, 0, 0), ip)]
    outcome: dict = {}

    def work():
        try:
            outcome["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                  proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError) as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=work, name="face-url-dns", daemon=True)
    thread.start()
    thread.join(deadline.remaining())
    if thread.is_alive():
        raise deadline.error()
    if "error" in outcome or not outcome.get("infos"):
        raise _invalid(f"image_url host {host!r} cannot be resolved", "url_unresolvable")
    found, seen = [], set()
    for family, _type, _proto, _name, sockaddr in outcome["infos"]:
        if family not in (socket.AF_INET, socket.AF_INET6) or sockaddr[0] in seen:
            continue
        seen.add(sockaddr[0])
        found.append((family, sockaddr, ipaddress.ip_address(sockaddr[0])))
    if not found:
        raise _invalid(f"image_url host {host!r} has no IP address", "url_unresolvable")
    return found


def _ssl_context(policy: FetchPolicy) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if policy.ca_file:
        context.load_verify_locations(cafile=policy.ca_file)
    return context


def _host_header(target: _Target) -> str:
    host = f"[{target.host}]" if ":" in target.host else target.host
    default = 443 if target.scheme == "https" else 80
    return host if target.port == default else f"{host}:{target.port}"


def _too_large(size_text: str, policy: FetchPolicy) -> InputError:
    return InputError(413, f"image_url body is {size_text}, the limit is "
                           f"{policy.max_bytes:,} bytes", "too_large")


def _request(target: _Target, policy: FetchPolicy, deadline: _Deadline):
    """One hop: resolve, check every address, connect to a checked one, send the
    GET. Returns (connection, response)."""
    addresses = _resolve(target.host, target.port, deadline)
    for _family, _sockaddr, ip in addresses:
        policy.check_address(ip, target.host)
    sock, last_error = None, None
    for family, sockaddr, _ip in addresses:
        try:
            sock = _connect(family, sockaddr, deadline.remaining())
            break
        except OSError as exc:
            last_error = exc
            deadline.check()
    if sock is None:
        reason = getattr(last_error, "strerror", None) or str(last_error) or "no answer"
        raise _invalid(f"cannot connect to image_url host {target.host} port {target.port} "
                       f"({reason})", "url_unreachable")
    deadline.watch(sock)
    try:
        sock.settimeout(deadline.remaining())
        if target.scheme == "https":
            sock = _ssl_context(policy).wrap_socket(sock, server_hostname=target.host)
            deadline.watch(sock)
        connection = http.client.HTTPConnection(target.host, target.port,
                                                timeout=deadline.remaining())
        connection.sock = sock  # already connected to the checked address
        connection.putrequest("GET", target.path, skip_host=True, skip_accept_encoding=True)
        for name, value in (("Host", _host_header(target)), ("User-Agent", USER_AGENT),
                            ("Accept", "image/*, application/pdf;q=0.5, */*;q=0.1"),
                            ("Accept-Encoding", "identity"), ("Connection", "close")):
            connection.putheader(name, value)
        connection.endheaders()
        return connection, connection.getresponse()
    except BaseException:
        sock.close()
        raise


def _read_body(response, policy: FetchPolicy, deadline: _Deadline) -> bytes:
    announced = response.getheader("Content-Length")
    if announced and announced.strip().isdigit() and int(announced) > policy.max_bytes:
        raise _too_large(f"{int(announced):,} bytes (Content-Length)", policy)
    # read1: at most one socket read per call, which the watchdog bounds
    body = _read_capped(response.read1, policy, deadline)
    deadline.check()
    return body


def _read_capped(read, policy: FetchPolicy, deadline: _Deadline) -> bytes:
    """read(_CHUNK) until it returns nothing; 413 as soon as the total passes the cap."""
    chunks, total = [], 0
    while True:
        chunk = read(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > policy.max_bytes:
            raise _too_large(f"more than {policy.max_bytes:,} bytes", policy)
        chunks.append(chunk)
        deadline.check()


def _fetch_http(url: str, policy: FetchPolicy, deadline: _Deadline) -> bytes:
    redirects = 0
    while True:
        target = check_url(url, policy)
        if isinstance(target, tuple):  # a redirect to s3:// is not followed
            raise _invalid("image_url redirected to a non-HTTP URL", "unsupported_scheme")
        connection = None
        try:
            connection, response = _request(target, policy, deadline)
            status = response.status
            if status in _REDIRECTS:
                location = response.getheader("Location")
                if not location:
                    raise _invalid(f"image_url answered HTTP {status} without a Location")
                redirects += 1
                if redirects > policy.max_redirects:
                    raise _invalid(f"image_url redirected more than {policy.max_redirects} "
                                   f"times (the limit is {policy.max_redirects})",
                                   "too_many_redirects")
                url = urljoin(url, location.strip())
                continue
            if status not in (200, 203):
                reason = (response.reason or "").strip()[:80]
                raise _invalid(f"image_url answered HTTP {status}{' ' + reason if reason else ''}",
                               "url_http_status")
            return _read_body(response, policy, deadline)
        except InputError:
            raise
        except ssl.SSLCertVerificationError as exc:
            deadline.check()
            raise _invalid(f"the TLS certificate of {target.host} could not be verified "
                           f"({exc.verify_message or exc})", "url_tls") from None
        except ssl.SSLError as exc:
            deadline.check()
            raise _invalid(f"TLS with {target.host} failed ({exc.reason or exc})",
                           "url_tls") from None
        except http.client.IncompleteRead:
            deadline.check()
            raise _invalid("image_url's answer was cut off before its announced end",
                           "url_incomplete") from None
        except (http.client.HTTPException, ValueError) as exc:
            deadline.check()
            raise _invalid(f"image_url's server sent a malformed HTTP answer "
                           f"({type(exc).__name__})", "url_bad_response") from None
        except OSError as exc:
            deadline.check()  # the watchdog's shutdown shows up as an OSError
            raise _invalid(f"the connection to {target.host} failed "
                           f"({exc.strerror or exc or type(exc).__name__})",
                           "url_unreachable") from None
        finally:
            if connection is not None:
                connection.close()


# boto3 clients are thread-safe and slow to build: one per timeout.
_s3_clients: dict = {}
_s3_lock = threading.Lock()


def _s3_client(timeout: float):
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise InputError(422, "s3:// image sources need boto3 on the server, which is not "
                              "installed", "s3_unavailable") from None
    with _s3_lock:
        if timeout not in _s3_clients:
            _s3_clients[timeout] = boto3.client("s3", config=Config(
                connect_timeout=timeout, read_timeout=timeout,
                retries={"max_attempts": 1, "mode": "standard"}))
        return _s3_clients[timeout]


def _fetch_s3(bucket: str, key: str, policy: FetchPolicy, deadline: _Deadline) -> bytes:
    if "*" not in policy.s3_buckets and bucket not in policy.s3_buckets:
        raise InputError(403, f"S3 bucket {_shorten(bucket, 80)!r} is not one this server reads "
                              "from (FACE_S3_BUCKETS)", "url_forbidden")
    client = _s3_client(policy.timeout_s)
    try:
        answer = client.get_object(Bucket=bucket, Key=key)
        size = answer.get("ContentLength")
        if isinstance(size, int) and size > policy.max_bytes:
            raise _too_large(f"{size:,} bytes", policy)
        body = answer["Body"]
        try:
            return _read_capped(body.read, policy, deadline)
        finally:
            close = getattr(body, "close", None)
            if close:
                close()
    except InputError:
        raise
    except Exception as exc:  # botocore's ClientError / BotoCoreError, without importing them
        error = (getattr(exc, "response", None) or {}).get("Error", {})
        code = str(error.get("Code", ""))
        if code in ("NoSuchKey", "NoSuchBucket", "404", "NotFound"):
            detail = f"s3://{bucket}/{key} does not exist"
        elif code in ("AccessDenied", "403", "Forbidden"):
            detail = f"this server may not read s3://{bucket}/{key}"
        else:
            detail = f"reading s3://{bucket}/{key} failed ({code or type(exc).__name__})"
        raise InputError(422, _shorten(detail, 300), "s3_failed") from None


def fetch_url(url: str, policy: FetchPolicy | None = None,
              deadline: float | None = None) -> bytes:
    """The bytes an ``http``/``https``/``s3`` URL names, under ``policy``.

    ``deadline`` is an optional ``time.monotonic()`` instant (the caller's
    request deadline); the fetch gives up at the earlier of it and
    ``policy.timeout_s`` from now. Blocking: call it from a worker thread."""
    policy = policy or FetchPolicy()
    seconds = policy.timeout_s
    at = time.monotonic() + seconds
    if deadline is not None and deadline < at:
        at, seconds = deadline, max(0.0, deadline - time.monotonic())
    target = check_url(url, policy)
    watchdog = _Deadline(at, seconds)
    try:
        if isinstance(target, tuple):
            return _fetch_s3(*target, policy, watchdog)
        return _fetch_http(url, policy, watchdog)
    finally:
        watchdog.cancel()
