#!/usr/bin/env bash
# vouch next to the tools people use today, on the same inputs in the same
# run: medians of RUNS runs (default 3) of wall time, CPU time (user+sys)
# and peak RSS, and the ratios vouch/peer. Prints Markdown tables. It never
# asserts a timing: the numbers are for reading, not for failing a build.
#
#   scripts/bench-peers.sh [RUNS]
#   VOUCH_BIN=/path/to/vouch scripts/bench-peers.sh    # skip `go build`
#
# Peers (Debian 12 packages):
#   apt-get install -y yara diffoscope-minimal osslsigncode time jq
# (`diffoscope` instead of `diffoscope-minimal` adds more comparators;
# either works. `time` is GNU time, /usr/bin/time, for peak RSS.)
# A missing peer skips its rows; a missing input skips its rows.
#
# Inputs are the real releases cached by scripts/fetch-real-data.sh. Which
# ones can be changed with BENCH_INSPECT (cache file names), BENCH_PAIRS
# (ids from internal/realdata/pairs.json) and BENCH_DIFF_TIMEOUT
# (seconds per diffoscope run, default 900).
#
# What each comparison measures:
#   inspect vs yara  vouch unpacks the release itself (tar, ar, nested gzip,
#                    …), identifies, hashes and analyses every file and scans
#                    it with its first-party YARA rules. yara only scans
#                    bytes on disk, so it gets a pre-extracted tree (tar/ar,
#                    one level, as a person would) and the same rule files
#                    (internal/rules/rules/<namespace>/*.yar, same
#                    namespaces, fast mode, one thread per CPU like vouch's
#                    workers). Rows: vouch on the archive, vouch on the same
#                    tree, yara on the tree, and extract+yara (the shell
#                    equivalent of what vouch does on the archive). Both
#                    compile the rules on every run.
#   diff vs diffoscope  both compare two releases recursively. vouch diff
#                    pairs files and compares analysed facts; diffoscope
#                    renders a full content diff (disassembly, hexdumps,
#                    text) to stdout, here discarded. Rows appear only when
#                    `vouch diff --help` works.
#   signatures vs osslsigncode  vouch inspect on one signed PE (parse,
#                    Authenticode digest, PKCS#7, chain to system roots plus
#                    the Debian UEFI CA, timestamp, and its other analysis)
#                    against `osslsigncode verify` (digest, signature, chain,
#                    timestamp; CRL fetching off, same roots).
# Peak RSS is that of the largest single process in the run (GNU time's
# maximum resident set size), not a sum over child processes.
set -uo pipefail
runs=${1:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
cache="${VOUCH_TESTDATA:-${XDG_CACHE_HOME:-$HOME/.cache}/vouch-testdata}"
cache=$(cd "$cache" 2>/dev/null && pwd) || { echo "bench-peers: no cache, run scripts/fetch-real-data.sh" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench-peers: needs GNU time (apt-get install -y time)" >&2; exit 2; }
command -v jq >/dev/null || { echo "bench-peers: needs jq (apt-get install -y jq)" >&2; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

vouch=${VOUCH_BIN:-$tmp/vouch}
if [ -z "${VOUCH_BIN:-}" ]; then
  (cd "$here" && go build -o "$vouch" ./cmd/vouch) || { echo "bench-peers: go build failed" >&2; exit 2; }
fi
have() { command -v "$1" >/dev/null; }
log() { echo "bench-peers: $*" >&2; }

inspect_inputs=${BENCH_INSPECT:-"esbuild-win32-x64-0.28.2.tgz ffmpeg-installer-linux-x64-4.1.0.tgz 7zip-bin-5.2.0.tgz libssl3_3.0.22-1~deb12u2_amd64.deb git_1%3a2.39.5-0+deb12u3_amd64.deb libwine_8.0~repack-4_amd64.deb"}
diff_pairs=${BENCH_PAIRS:-"esbuild-linux-x64 vsce-sign-win32-x64 7zip-bin deb-sudo deb-libssl3 deb-openssh-client deb-grub-efi-amd64-signed"}
diff_timeout=${BENCH_DIFF_TIMEOUT:-900}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mib() { awk -v b="$1" 'BEGIN {printf "%.1f", b/1048576}'; }
size() { if [ -d "$1" ]; then find "$1" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}'; else stat -c %s "$1"; fi; }

# measure CMD...: runs CMD $runs times with stdout in $tmp/out; sets
# m_wall, m_cpu (seconds) and m_rss (KiB) to the medians and m_rc to the
# last exit status. Exit status 1 is normal (findings, differences).
measure() {
  local s e
  : >"$tmp/m"
  for _ in $(seq "$runs"); do
    s=$(date +%s.%N)
    /usr/bin/time -v -o "$tmp/tv" "$@" >"$tmp/out" 2>"$tmp/err"
    m_rc=$?
    e=$(date +%s.%N)
    awk -v s="$s" -v e="$e" -F': ' '/User time/ {u=$2} /System time/ {y=$2} /Maximum resident/ {m=$2}
      END {print e-s, u+y, m}' "$tmp/tv" >>"$tmp/m"
  done
  m_wall=$(cut -d' ' -f1 "$tmp/m" | median)
  m_cpu=$(cut -d' ' -f2 "$tmp/m" | median)
  m_rss=$(cut -d' ' -f3 "$tmp/m" | median)
}

# vnote JQ: the note for a vouch row, JQ applied to its JSON report, or
# the failure when vouch exited with 2 or more (usage, unreadable, crash).
vnote() {
  if [ "$m_rc" -gt 1 ]; then
    echo "FAILED: exit $m_rc, $(head -c 120 "$tmp/err" | tr '\n|' '  ')"
  else
    jq -r "$1" "$tmp/out" 2>/dev/null
  fi
}

# row COMPARISON INPUT BYTES TOOL NOTE: records the last measurement; a
# failed one is listed but left out of the ratios.
row() {
  printf '| %s | %s | %s | %s | %.3f | %.2f | %.0f | %s |\n' "$1" "$2" "$(mib "$3")" "$4" "$m_wall" "$m_cpu" \
    "$(awk -v k="$m_rss" 'BEGIN {print k/1024}')" "$5" >>"$tmp/rows"
  case "$5" in FAILED*) rm -f "$tmp/last-$4" ;; *) echo "$m_wall $m_cpu $m_rss" >"$tmp/last-$4" ;; esac
}

# ratio COMPARISON INPUT VOUCH-TOOL PEER-TOOL: vouch/peer of the last rows.
ratio() {
  [ -f "$tmp/last-$3" ] && [ -f "$tmp/last-$4" ] || return
  read -r vw vc vr <"$tmp/last-$3"
  read -r pw pc pr <"$tmp/last-$4"
  awk -v c="$1" -v i="$2" -v a="$3" -v b="$4" -v vw="$vw" -v vc="$vc" -v vr="$vr" -v pw="$pw" -v pc="$pc" -v pr="$pr" '
    function r(x, y) { return y > 0 ? sprintf("%.2f", x/y) : "-" }
    BEGIN {printf "| %s | %s | %s / %s | %s | %s | %s |\n", c, i, a, b, r(vw, pw), r(vc, pc), r(vr, pr)}' >>"$tmp/ratios"
}

# extract ARCHIVE DIR: one level, the way a person would (tar -x; for a
# .deb, ar x and then each tar member).
extract() {
  mkdir -p "$2"
  case "$1" in
    *.deb) (cd "$2" && ar x "$1" && for t in *.tar.*; do mkdir -p "${t%%.*}" && tar -xf "$t" -C "${t%%.*}" && rm "$t"; done) ;;
    *) tar -xf "$1" -C "$2" ;;
  esac
}
export -f extract

# Warm the page cache so that the first tool measured is not charged for it.
cat "$cache"/* >/dev/null 2>&1

# --- fixed cost --------------------------------------------------------------
# What every invocation pays before much input: start-up (an empty file,
# which vouch analyses without rules) and start-up plus rule compilation
# (a two-line shell script, which vouch scans with its script rules). It
# explains most of the gap on small inputs.
: >"$tmp/empty"
printf '#!/bin/sh\necho hello\n' >"$tmp/tiny.sh"
rules=()
for f in "$here"/internal/rules/rules/*/*.yar; do
  ns=$(basename "$(dirname "$f")")
  [ "$ns" = testdata ] || rules+=("$ns:$f")
done
nrules=$(for r in "${rules[@]}"; do cat "${r#*:}"; done | grep -cE '^\s*((private|global)\s+)*rule\s')
yargs=(-w -f -N -p "$(nproc)" -d vouch_kind= -d vouch_path= -d vouch_name= -d vouch_is_script=false "${rules[@]}")
for f in empty tiny.sh; do
  rm -f "$tmp"/last-*
  measure "$vouch" inspect "$tmp/$f" --format json
  row "fixed cost" "$f" "$(size "$tmp/$f")" "vouch inspect" "$(vnote '"\(.summary.files) file, kind \(.summary.kinds | keys | join(","))"')"
  if have yara; then
    measure yara "${yargs[@]}" "$tmp/$f"
    row "fixed cost" "$f" "$(size "$tmp/$f")" "yara" "compiles $nrules rules"
    ratio "fixed cost" "$f" "vouch inspect" "yara"
  fi
done

# --- vouch inspect vs yara -------------------------------------------------
if have yara; then
  for name in $inspect_inputs; do
    in="$cache/$name"
    [ -f "$in" ] || { log "$name not fetched, skipping (scripts/fetch-real-data.sh)"; continue; }
    log "inspect vs yara: $name"
    tree="$tmp/tree"; rm -rf "$tree"; extract "$in" "$tree"
    bytes=$(size "$in"); tbytes=$(size "$tree")
    rm -f "$tmp"/last-*
    measure "$vouch" inspect "$in" --format json
    row "inspect vs yara" "$name" "$bytes" "vouch inspect archive" "$(vnote '"verdict \(.verdict), \(.summary.files) files"')"
    measure "$vouch" inspect "$tree" --format json
    row "inspect vs yara" "$name" "$tbytes" "vouch inspect tree" "$(vnote '"verdict \(.verdict), \(.summary.files) files"')"
    measure yara "${yargs[@]}" -r "$tree"
    note="$nrules rules, $(wc -l <"$tmp/out") matches"; [ "$m_rc" = 0 ] || note="FAILED: exit $m_rc"
    row "inspect vs yara" "$name" "$tbytes" "yara -r tree" "$note"
    measure bash -c 'rm -rf "$1" && extract "$2" "$1" && shift 2 && yara "$@"' _ "$tmp/tree2" "$in" "${yargs[@]}" -r "$tmp/tree2"
    note="$nrules rules"; [ "$m_rc" = 0 ] || note="FAILED: exit $m_rc"
    row "inspect vs yara" "$name" "$bytes" "extract + yara -r" "$note"
    ratio "inspect vs yara" "$name" "vouch inspect archive" "extract + yara -r"
    ratio "inspect vs yara" "$name" "vouch inspect tree" "yara -r tree"
  done
  rm -rf "$tmp/tree" "$tmp/tree2"
else
  log "yara not installed, skipping inspect vs yara (apt-get install -y yara)"
fi

# --- vouch diff vs diffoscope ----------------------------------------------
pairs_json="$here/internal/realdata/pairs.json"
vouch_diff=0
"$vouch" diff --help >/dev/null 2>&1 && vouch_diff=1
[ "$vouch_diff" = 1 ] || log "vouch diff not available in this build, skipping its rows"
if have diffoscope || [ "$vouch_diff" = 1 ]; then
  for id in $diff_pairs; do
    old=$(jq -r --arg id "$id" '.[] | select(.id == $id) | .old' "$pairs_json")
    new=$(jq -r --arg id "$id" '.[] | select(.id == $id) | .new' "$pairs_json")
    [ -n "$old" ] && [ -f "$cache/$old" ] && [ -f "$cache/$new" ] || { log "pair $id not fetched, skipping"; continue; }
    log "diff vs diffoscope: $id"
    bytes=$(($(size "$cache/$old") + $(size "$cache/$new")))
    rm -f "$tmp"/last-*
    if [ "$vouch_diff" = 1 ]; then
      measure "$vouch" diff "$cache/$old" "$cache/$new"
      row "diff vs diffoscope" "$id" "$bytes" "vouch diff" "$(vnote '"verdict \(.verdict), \(.findings | length) findings, \(.summary.changed) files changed"')"
    fi
    if have diffoscope; then
      measure timeout "$diff_timeout" diffoscope "$cache/$old" "$cache/$new"
      note="exit $m_rc, $(mib "$(wc -c <"$tmp/out")") MiB of diff text"
      [ "$m_rc" -gt 1 ] && note="FAILED: exit $m_rc"
      [ "$m_rc" = 124 ] && note="FAILED: timed out after ${diff_timeout}s"
      row "diff vs diffoscope" "$id" "$bytes" "diffoscope" "$note"
    fi
    ratio "diff vs diffoscope" "$id" "vouch diff" "diffoscope"
  done
else
  log "neither diffoscope nor vouch diff available, skipping diff rows (apt-get install -y diffoscope-minimal)"
fi

# --- vouch signature checks vs osslsigncode verify ------------------------
# member ARCHIVE PATH OUT copies one member out of a cached release.
member() {
  local a="$cache/$1"
  [ -f "$a" ] || return 1
  case "$a" in
    *.deb) dpkg-deb --fsys-tarfile "$a" | tar -xO "./$2" >"$3" ;;
    *) tar -xzOf "$a" "$2" >"$3" ;;
  esac && [ -s "$3" ]
}
if have osslsigncode; then
  mkdir -p "$tmp/pe"
  roots=(--trust-root "$tmp/debian-uefi-ca.pem")
  if member shim-unsigned_16.1-2~deb12u1_amd64.deb usr/share/shim/debian-uefi-ca.der "$tmp/ca.der" &&
    openssl x509 -inform der -in "$tmp/ca.der" -out "$tmp/debian-uefi-ca.pem" 2>/dev/null; then
    cat /etc/ssl/certs/ca-certificates.crt "$tmp/debian-uefi-ca.pem" >"$tmp/roots.pem"
  else
    log "Debian UEFI CA not available (shim-unsigned not fetched): EFI chains will not verify on either side"
    roots=(); cp /etc/ssl/certs/ca-certificates.crt "$tmp/roots.pem"
  fi
  # name|release|member
  for spec in \
    "snoretoast-x64.exe|node-notifier-10.0.1.tgz|package/vendor/snoreToast/snoretoast-x64.exe" \
    "vsce-sign.exe 2.0.6|vscode-vsce-sign-win32-x64-2.0.6.tgz|package/bin/vsce-sign.exe" \
    "grubx64.efi.signed u2|grub-efi-amd64-signed_1+2.06+13+deb12u2_amd64.deb|usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed" \
    "shimx64.efi.signed|shim-signed_1.51~1+deb12u1+16.1-2~deb12u1_amd64.deb|usr/lib/shim/shimx64.efi.signed" \
    "vmlinuz 6.1.0-56|linux-image-6.1.0-56-amd64_6.1.192-2_amd64.deb|boot/vmlinuz-6.1.0-56-amd64"; do
    IFS='|' read -r name rel path <<<"$spec"
    pe="$tmp/pe/$(basename "$path")"
    member "$rel" "$path" "$pe" || { log "$rel not fetched, skipping $name"; continue; }
    log "signatures vs osslsigncode: $name"
    bytes=$(size "$pe")
    rm -f "$tmp"/last-*
    measure "$vouch" inspect "${roots[@]}" "$pe" --format json
    row "signatures vs osslsigncode" "$name" "$bytes" "vouch inspect" "$(vnote '[.files[].facts.signature? | select(.) | .signatures[]?] |
      "\(length) sig, digest \(if all(.digest_valid) then "ok" else "bad" end), chain \(if all(.chain_valid) then "ok" else "not verified" end)"')"
    measure osslsigncode verify -ignore-crl -CAfile "$tmp/roots.pem" -TSA-CAfile "$tmp/roots.pem" -in "$pe"
    note=$(grep -m1 -E '^(Corrupted|Unable)' "$tmp/out" "$tmp/err" 2>/dev/null | cut -d: -f2- | head -1)
    row "signatures vs osslsigncode" "$name" "$bytes" "osslsigncode verify" \
      "$(grep -oE 'Number of verified signatures: [0-9]+' "$tmp/out" | sed 's/Number of verified signatures: /verified /;s/$/ sig,/') $(tail -1 "$tmp/out")${note:+ ($note)}"
    ratio "signatures vs osslsigncode" "$name" "vouch inspect" "osslsigncode verify"
  done
else
  log "osslsigncode not installed, skipping signature rows (apt-get install -y osslsigncode)"
fi

# --- report ----------------------------------------------------------------
echo "Medians of $runs runs, $(date -u +%F), $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM."
echo "$("$vouch" --version 2>/dev/null | head -1); $(have yara && echo "yara $(yara -v)");" \
  "$(have diffoscope && diffoscope --version 2>/dev/null);" "$(have osslsigncode && osslsigncode --version 2>/dev/null | head -1 | cut -d, -f1)."
echo
echo "| comparison | input | MiB in | tool | wall s | CPU s | peak RSS MiB | result |"
echo "|---|---|---:|---|---:|---:|---:|---|"
cat "$tmp/rows" 2>/dev/null
echo
echo "Ratios vouch/peer (below 1: vouch is faster or smaller)."
echo
echo "| comparison | input | rows | wall | CPU | peak RSS |"
echo "|---|---|---|---:|---:|---:|"
cat "$tmp/ratios" 2>/dev/null
