#!/usr/bin/env bash
# llama.cpp's own llama-server, for the llama.cpp contract test
# (openai/llamacpp_test.go): a real inference server serving the tiny
# stories260K model. Debian ships llama.cpp only in unstable, whose libc is
# newer than the CI machine's, so it runs in a minimal unstable chroot at
# /opt/llama-sid (about 1 minute and 280 MB; needs root).
# Idempotent: does nothing when the server and the model are already there.
# The model is looked for in $MAKER_MODELS_DIR, then ../shared/models and
# ../../shared/models relative to the repository root.
set -euo pipefail
cd "$(dirname "$0")/../.."

root=${LLAMA_CHROOT:-/opt/llama-sid}
model=stories260K.gguf
sha=270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d

src=
for d in "${MAKER_MODELS_DIR:-}" ../shared/models ../../shared/models; do
  if [ -n "$d" ] && [ -f "$d/$model" ]; then src="$d/$model"; break; fi
done

if [ ! -x "$root/usr/bin/llama-server" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "llama.sh: building $root needs root; the llama.cpp contract test will be skipped" >&2
    exit 1
  fi
  if ! command -v debootstrap >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
  fi
  # Built aside and moved in place when complete, so that an interrupted
  # build is started afresh next time instead of being taken for done.
  rm -rf "$root.partial"
  debootstrap --variant=minbase --include=llama.cpp-tools sid "$root.partial"
  rm -rf "$root"
  mv "$root.partial" "$root"
fi

if [ ! -f "$root/models/$model" ]; then
  if [ -z "$src" ]; then
    echo "llama.sh: $model not found (set MAKER_MODELS_DIR); the llama.cpp contract test will be skipped" >&2
    exit 1
  fi
  mkdir -p "$root/models"
  cp "$src" "$root/models/$model"
fi
echo "$sha  $root/models/$model" | sha256sum -c --quiet
echo "llama-server ready in $root: $(chroot "$root" llama-server --version 2>&1 | grep -m1 version || true)"
