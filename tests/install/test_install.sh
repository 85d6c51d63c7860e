#!/bin/sh
# Installs calpress under a temporary prefix and renders the sample from another folder: the
# installed program must find its layouts, font configuration, FOGRA39 profile (the default
# press intent) and its PDF module (calpress-pdf.so, under the prefix's library folder) without
# the source tree or the build folder.
# usage: test_install.sh CMAKE BUILD_DIR SOURCE_DIR
set -eu
cmake=$1 build=$2 src=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$cmake" --install "$build" --prefix "$tmp/prefix" >/dev/null
cp -r "$src/stories" "$tmp/stories"
cd "$tmp"
# A source tree next to the binary must not be what makes it work.
env -u CALPRESS_DATADIR LD_DEBUG=files "$tmp/prefix/bin/calpress" render stories/calendar.yaml \
  -o out -q 2>"$tmp/ld.txt"
module=$(sed -n 's/.*file=\([^ ]*calpress-pdf\.so\) .*dynamically loaded.*/\1/p' "$tmp/ld.txt" | head -n 1)
pages=$(pdfinfo out/calendar.pdf | awk '/^Pages:/ {print $2}')
profile="$tmp/prefix/share/calpress/profiles/FOGRA39L.icc"
env -u CALPRESS_DATADIR "$tmp/prefix/bin/calpress" render stories/calendar.yaml --press -o press \
  -q 2>"$tmp/press.err"
if [ "$pages" = 14 ] && [ -s out/press-release.pdf ] && [ -f "$tmp/prefix/share/calpress/fonts/fonts.conf" ] &&
  cmp -s "$profile" "$build/FOGRA39L.icc" && grep -q "using calpress's FOGRA39 profile (coated offset paper, $profile)" "$tmp/press.err" &&
  [ -s press/calendar.pdf ] && case "$module" in "$tmp/prefix/"*) true ;; *) false ;; esac; then
  echo "install/render: 1 passed, 0 failed (PDF module $module)"
else
  echo "install/render: 0 passed, 1 failed (pages=$pages, PDF module '$module')"
  cat "$tmp/press.err"
  exit 1
fi
