#!/bin/sh
# Builds a FOGRA39 (ISO 12647-2 coated offset) CMYK output profile from the characterisation
# data Debian ships in icc-profiles-free (FOGRA39L.ti3), with ArgyllCMS's colprof. A printer's
# own profile is better; this one is a faithful stand-in for proofs and tests.
# usage: make-fogra39.sh OUT.icc
set -eu
out=$1
ti3=/usr/share/color/icc/FOGRA39L.ti3
command -v colprof >/dev/null || { echo "make-fogra39: colprof (package argyll) is not installed" >&2; exit 1; }
[ -r "$ti3" ] || { echo "make-fogra39: $ti3 is missing (package icc-profiles-free)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$ti3" "$tmp/FOGRA39L.ti3"
(cd "$tmp" && colprof -qm -D "FOGRA39 (ISO 12647-2:2004, coated offset; from FOGRA39L.ti3)" \
  -C "Characterisation data: Fogra (FOGRA39L). Profile made with ArgyllCMS." FOGRA39L >/dev/null)
mv "$tmp/FOGRA39L.icc" "$out"
