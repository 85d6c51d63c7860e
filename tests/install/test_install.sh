#!/bin/sh
# Installs calpress under a temporary prefix and renders the sample from another folder: the
# installed program must find its layouts and font configuration without the source tree.
# usage: test_install.sh CMAKE BUILD_DIR SOURCE_DIR
set -eu
cmake=$1 build=$2 src=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$cmake" --install "$build" --prefix "$tmp/prefix" >/dev/null
cp -r "$src/stories" "$tmp/stories"
cd "$tmp"
# A source tree next to the binary must not be what makes it work.
env -u CALPRESS_DATADIR "$tmp/prefix/bin/calpress" render stories/calendar.yaml -o out -q
pages=$(pdfinfo out/calendar.pdf | awk '/^Pages:/ {print $2}')
if [ "$pages" = 14 ] && [ -s out/press-release.pdf ] && [ -f "$tmp/prefix/share/calpress/fonts/fonts.conf" ]; then
  echo "install/render: 1 passed, 0 failed"
else
  echo "install/render: 0 passed, 1 failed (pages=$pages)"
  exit 1
fi
