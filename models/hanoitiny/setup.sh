#!/bin/sh
# Installs what the hanoitiny trainer needs: Debian's PyTorch build and a
# threaded OpenBLAS. Training is not part of CI; loading the committed weights
# (in Go) needs none of this.
set -eu
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends python3-torch libopenblas0-pthread python3-numpy
/usr/bin/python3 -c 'import torch; print("torch", torch.__version__, "threads", torch.get_num_threads())'
