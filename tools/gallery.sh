#!/bin/sh
# Draws the small previews of the layout gallery in docs/gallery/ (docs/layouts.md shows them):
# the sample rendered with each shipped layout, January's pages trimmed, at 20 dpi.
# usage: tools/gallery.sh [CALPRESS]   (default build/calpress; run from the repository's top)
set -eu
calpress=${1:-build/calpress}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p docs/gallery "$tmp/s"
cp -R stories/. "$tmp/s/"
rm -rf "$tmp/s/photos"
ln -s "$(pwd)/stories/photos" "$tmp/s/photos"
for entry in a3-portrait:2 a3-landscape:2 a4-portrait:2 a3-spread:2,3 a5-desk:2,3; do
    layout=${entry%%:*}
    pages=${entry#*:}
    sed "s/^layout: .*/layout: $layout/" stories/calendar.yaml >"$tmp/s/calendar.yaml"
    rm -rf "$tmp/out"
    SOURCE_DATE_EPOCH=1608000000 "$calpress" preview "$tmp/s/calendar.yaml" -o "$tmp/out" \
        --pages "$pages" --trim --press --dpi 20 >/dev/null 2>&1
    for png in "$tmp"/out/calendar-*.png; do
        n=${png##*/calendar-}
        cp "$png" "docs/gallery/$layout-$n"
    done
done
ls -l docs/gallery
