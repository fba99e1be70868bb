#!/usr/bin/env bash
# Renders an HTML report in headless Chromium and saves a screenshot, to
# look at what `vouch … --format html` produced.
#
#   scripts/screenshot-html.sh REPORT.html OUT.png [WIDTH [HEIGHT]]
#
# WIDTH defaults to 1280 and HEIGHT to 2000 (400 shows a phone's width).
# NOJS=1 shows the page without its script (a copy with the <script>
# element removed), to check that it reads without JavaScript.
# Needs Chromium (Debian package chromium). The browser runs with a fresh
# profile, no network features and no first-run work; the report itself
# loads nothing (its Content Security Policy forbids it).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 REPORT.html OUT.png [WIDTH [HEIGHT]]" >&2; exit 2; }
report=$1 out=$2 width=${3:-1280} height=${4:-2000}
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "screenshot-html: needs chromium (apt-get install -y chromium)" >&2; exit 2; }
[ -f "$report" ] || { echo "screenshot-html: $report: no such file" >&2; exit 2; }
abs=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
case $out in /*) ;; *) out=$PWD/$out ;; esac
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
if [ "${NOJS:-}" = 1 ]; then
	perl -0pe 's{<script>.*?</script>}{}s' "$abs" >"$profile/nojs.html"
	abs=$profile/nojs.html
fi
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--hide-scrollbars --user-data-dir="$profile" \
	--screenshot="$out" --window-size="$width,$height" "file://$abs" 2>/dev/null
[ -s "$out" ] || { echo "screenshot-html: no screenshot written" >&2; exit 1; }
echo "$out"
