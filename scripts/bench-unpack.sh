#!/usr/bin/env bash
# Unpack + hash throughput of `vouch inspect` next to plain sha256sum on the
# same expanded bytes, and next to the shell equivalent (tar -x then
# sha256sum), in one run. Prints medians of N runs and ratios.
#
#   scripts/bench-unpack.sh RELEASE.tgz [RUNS]
set -euo pipefail
target=${1:?usage: bench-unpack.sh RELEASE.(tgz|tar.*|deb) [runs]}
runs=${2:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/vouch" "$here/cmd/vouch"
mkdir "$tmp/x"
case "$target" in
  *.deb) (cd "$tmp/x" && ar x "$target" && for t in *.tar.*; do mkdir -p "${t%%.*}" && tar -xf "$t" -C "${t%%.*}"; done) ;;
  *) tar -xf "$target" -C "$tmp/x" ;;
esac
bytes=$(find "$tmp/x" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); echo "$e - $s" | bc; }

t_vouch=$(for _ in $(seq "$runs"); do timeit "$tmp/vouch" inspect "$target" --format json; done | median)
t_sha=$(for _ in $(seq "$runs"); do timeit sh -c "find '$tmp/x' -type f -print0 | xargs -0 sha256sum"; done | median)
# The shell equivalent unpacks one level the way a person would (ar x, then
# each tar), then hashes; it does not open nested gzip files as vouch does.
case "$target" in
  *.deb) unpack="cd '$tmp/y' && ar x '$target' && for t in *.tar.*; do mkdir -p \"\${t%%.*}\" && tar -xf \"\$t\" -C \"\${t%%.*}\"; done" ;;
  *) unpack="tar -xf '$target' -C '$tmp/y'" ;;
esac
t_shell=$(for _ in $(seq "$runs"); do timeit sh -c "rm -rf '$tmp/y' && mkdir '$tmp/y' && ($unpack) && find '$tmp/y' -type f -print0 | xargs -0 sha256sum"; done | median)

mbps() { echo "scale=1; $bytes / 1048576 / $1" | bc; }
printf 'target          %s (%s MiB expanded, median of %d runs)\n' "$(basename "$target")" "$(echo "scale=1; $bytes/1048576" | bc)" "$runs"
printf 'vouch inspect   %6.3f s  %7s MiB/s  (unpack, identify, sha256, entropy, analyzers)\n' "$t_vouch" "$(mbps "$t_vouch")"
printf 'sha256sum       %6.3f s  %7s MiB/s  (hash only, bytes already on disk)\n' "$t_sha" "$(mbps "$t_sha")"
printf 'tar -x+sha256sum %5.3f s  %7s MiB/s  (shell equivalent of unpack + hash)\n' "$t_shell" "$(mbps "$t_shell")"
printf 'ratio vouch/sha256sum %.2f, vouch/(tar+sha256sum) %.2f\n' "$(echo "$t_vouch / $t_sha" | bc -l)" "$(echo "$t_vouch / $t_shell" | bc -l)"
