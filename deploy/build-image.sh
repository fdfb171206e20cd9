#!/usr/bin/env bash
# Build the Bento and its container image with `bentoml containerize` and podman:
#   sudo deploy/build-image.sh [IMAGE]          (default face-analysis:latest)
# BENTOML: the bentoml command (default .venv/bin/bentoml); its model store must hold
# the default models (`python -m models import`). The base image comes from
# deploy/base-image.sh (Debian packages only) and is made once, when missing.
# Run the image: deploy/run-image.sh or README "Deploy".
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGE=${1:-face-analysis:latest}
BENTOML=$(realpath "${BENTOML:-.venv/bin/bentoml}")
BASE=$(sed -n 's/^ *base_image: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' bentofile.yaml)
podman image exists "$BASE" || deploy/base-image.sh "$BASE"
TAG=$(BENTOML_DO_NOT_TRACK=true "$BENTOML" build --output tag | sed -n 's/^__tag__://p')
# BentoML 1.4 accepts a Bento's Dockerfile template only inside the working directory,
# and unpacks the Bento into a temporary one: work where the temporary folders are
SCRATCH=$(mktemp -d "${TMPDIR:-/var/tmp}/face-analysis-image.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
cd "$SCRATCH"
export TMPDIR=$SCRATCH
# podman as root here refuses the default rlimits ("setrlimit: Operation not
# permitted") with crun and runc alike: runc and explicit limits work
BENTOML_DO_NOT_TRACK=true "$BENTOML" containerize "$TAG" --backend podman --image-tag "$IMAGE" \
  --opt runtime=runc --opt ulimit=nofile=4096:4096 --opt ulimit=nproc=4096:4096 \
  --opt network=host
echo "built $IMAGE from $TAG"
