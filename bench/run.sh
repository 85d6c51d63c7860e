#!/bin/sh
# Builds calpress (release) if needed and runs the benchmark: median wall time and peak memory.
set -eu
cd "$(dirname "$0")/.."
[ -x build/calpress ] || { cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build build -j"$(nproc)"; }
exec python3 bench/bench.py "$@"
