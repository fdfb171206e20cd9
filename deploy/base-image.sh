#!/usr/bin/env bash
# The Bento's base image, made only from Debian packages (no image registry is
# needed): a bookworm minbase root with Python 3.11, imported into podman.
#   sudo deploy/base-image.sh [IMAGE]      (default localhost/py311-bookworm:latest)
# bentofile.yaml's docker.base_image names it; deploy/build-image.sh runs this
# first when the image is missing.
set -euo pipefail
IMAGE=${1:-localhost/py311-bookworm:latest}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
ROOT=$(mktemp -d /var/tmp/py311-bookworm.XXXXXX)
trap 'rm -rf "$ROOT"' EXIT

# python3-venv/pip: BentoML's generated Dockerfile runs `pip install uv` and then uv
debootstrap --variant=minbase \
  --include=python3,python3-venv,python3-pip,ca-certificates \
  bookworm "$ROOT" "$MIRROR"
# the host's CA bundle: the one its pip trusts (a TLS-intercepting proxy's CA, if any)
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  cp /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/ca-certificates.crt"
fi
# PEP 668's marker makes pip refuse the Dockerfile's system-wide `pip install uv`
rm -f "$ROOT"/usr/lib/python3*/EXTERNALLY-MANAGED
# the image carries no apt lists, docs or caches (the Dockerfile installs nothing with apt)
rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/*.bin \
  "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/usr/share/doc/* "$ROOT"/usr/share/man/* \
  "$ROOT"/usr/share/locale/*
tar -C "$ROOT" -c . | podman import \
  --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
  --change 'ENV UV_NATIVE_TLS=1' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["/bin/bash"]' \
  - "$IMAGE"
podman image inspect --format '{{.Size}}' "$IMAGE"
