#!/usr/bin/env bash
# Rule-scan throughput of vouch's engine (libyara 4.5 through go-yara) next
# to the yara CLI (Debian package yara) running the same first-party rule
# files on the same files, in one run. Prints medians of RUNS runs, in
# MB/s of wall time and MB/s per CPU second (the fairer number on a shared
# machine), and the ratios vouch/yara.
#
#   scripts/bench-rules.sh [RUNS]
#
# The corpus is the native executables inside the cached real releases
# (scripts/fetch-real-data.sh), unpacked by vouch's own engine and written
# to a temp dir (repeated until ≥ 100 MiB). Both sides scan every file with
# all first-party rules in one ruleset (yara cannot scope rules by kind),
# single-threaded, in fast mode (-f: a string no condition counts stops at
# its first match, as vouch scans); yara gets rules precompiled by yarac so
# that neither side pays compilation in the scan. vouch's real path, each
# file with the ruleset of its kind only, is reported as "vouch scoped".
# Needs: go, yara and yarac (apt-get install -y yara), awk.
set -euo pipefail
runs=${1:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
command -v yara >/dev/null && command -v yarac >/dev/null || { echo "bench-rules: needs yara and yarac (apt-get install -y yara)" >&2; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/corpus"
cd "$here"

go test -c -o "$tmp/rules.test" ./internal/rules/
VOUCH_BENCH_DUMP="$tmp/corpus" "$tmp/rules.test" -test.run '^TestBenchDump$' >/dev/null
files=$(find "$tmp/corpus" -type f | wc -l)
bytes=$(find "$tmp/corpus" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
[ "$bytes" -gt 0 ] || { echo "bench-rules: no real releases cached (run scripts/fetch-real-data.sh)" >&2; exit 2; }

# The same rule files, namespaces (folder names) and external variables.
args=()
for f in internal/rules/rules/*/*.yar; do
  ns=$(basename "$(dirname "$f")")
  [ "$ns" = testdata ] && continue
  args+=("$ns:$f")
done
ext=(-d vouch_kind= -d vouch_path= -d vouch_name= -d vouch_is_script=false)
TIMEFORMAT='%R %U %S'
yarac_t=$( { time yarac "${ext[@]}" "${args[@]}" "$tmp/rules.yarc" >/dev/null; } 2>&1 )

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# vouch: one sample per run of each benchmark (one op = the whole corpus).
VOUCH_BENCH_DIR="$tmp/corpus" "$tmp/rules.test" -test.run '^$' -test.bench 'BenchmarkScan(Union|Scoped)$' \
  -test.benchtime 1x -test.count "$runs" >"$tmp/go.txt"
VOUCH_BENCH_DIR="$tmp/corpus" "$tmp/rules.test" -test.run '^$' -test.bench 'BenchmarkCompile' \
  -test.benchtime 5x >"$tmp/compile.txt"
col() { awk -v b="$1" -v u="$2" '$1 ~ "^"b"(-[0-9]+)?$" {for (i=2;i<=NF;i++) if ($i==u) print $(i-1)}' "$tmp/go.txt" | median; }
u_wall=$(col BenchmarkScanUnion MB/s);  u_cpu=$(col BenchmarkScanUnion cpuMB/s)
s_wall=$(col BenchmarkScanScoped MB/s); s_cpu=$(col BenchmarkScanScoped cpuMB/s)

# yara: warm the page cache once, then time each run.
yara -C -f -p 1 -r "$tmp/rules.yarc" "$tmp/corpus" >/dev/null 2>&1 || true
: >"$tmp/yara.txt"
for _ in $(seq "$runs"); do
  { time yara -C -f -p 1 -r "$tmp/rules.yarc" "$tmp/corpus" >/dev/null 2>&1; } 2>>"$tmp/yara.txt"
done
y_wall=$(awk -v n="$bytes" '{print n/1e6/$1}' "$tmp/yara.txt" | median)
y_cpu=$(awk -v n="$bytes" '{print n/1e6/($2+$3)}' "$tmp/yara.txt" | median)

echo "corpus: $files files, $((bytes >> 20)) MiB; rules: ${#args[@]} files; $runs runs (medians)"
printf '%-22s %10s %12s\n' "" "MB/s wall" "MB/s per CPU"
printf '%-22s %10.1f %12.1f\n' "vouch (one ruleset)" "$u_wall" "$u_cpu"
printf '%-22s %10.1f %12.1f\n' "vouch scoped by kind" "$s_wall" "$s_cpu"
printf '%-22s %10.1f %12.1f\n' "yara $(yara -v) -p 1" "$y_wall" "$y_cpu"
awk -v a="$u_wall" -v b="$y_wall" -v c="$u_cpu" -v d="$y_cpu" -v e="$s_cpu" \
  'BEGIN {printf "ratio vouch/yara: %.2f wall, %.2f per CPU (scoped: %.2f per CPU)\n", a/b, c/d, e/d}'
echo "compile: yarac $(echo "$yarac_t" | awk '{printf "%.0f ms wall, %.0f ms CPU", $1*1000, ($2+$3)*1000}') (all rules, once)"
awk '/^BenchmarkCompile/ {for (i=2;i<=NF;i++) if ($i=="ns/op") w=$(i-1)/1e6; else if ($i=="cpu-ms/op") c=$(i-1);
  n=$1; sub(/-[0-9]+$/, "", n); sub(/BenchmarkCompile\//, "", n); printf "compile: vouch %-9s %.0f ms wall, %.0f ms CPU\n", n, w, c}' "$tmp/compile.txt"
