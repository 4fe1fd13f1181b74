#!/usr/bin/env bash
# Build the local base image `local/python:3.11-bookworm` from Debian's own packages, once.
# No container registry is reachable on CI machines (python:3.11-slim cannot be pulled), so the
# container tests build against this image: a debootstrap minbase root with python3 and venv.
# Needs root, debootstrap and a running Docker engine. Does nothing when the image exists.
set -euo pipefail
IMAGE="${1:-local/python:3.11-bookworm}"
SUITE="${SUITE:-bookworm}"
if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "base image $IMAGE: cached"
  exit 0
fi
ROOTFS="$(mktemp -d /tmp/nb2prod-rootfs.XXXXXX)"
trap 'rm -rf "$ROOTFS"' EXIT
debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
  "$SUITE" "$ROOTFS" >/tmp/debootstrap.log 2>&1 || { tail -20 /tmp/debootstrap.log; exit 1; }
tar -C "$ROOTFS" -c . | docker import - "$IMAGE" >/dev/null
echo "base image $IMAGE: built"
