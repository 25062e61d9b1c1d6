#!/usr/bin/env bash
# A year of daily reports from HOSTS PCs (default 1,000, in 10 units) into a fresh collector store:
# the database's size, table by table, and the time of the history queries (issue 13 point 1).
#
#   bash benchmarks/history-year.sh
#
# Knobs: HOSTS [1000], DAYS [365], UNITS [10]. About 30 minutes on this 2-core VM (ingest runs at
# about 230 reports a second here, every one a durable SQLite transaction).
# Builds a release binary into .build-bench (git-ignored); writes only under benchmarks/out/.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$PWD/benchmarks/out/history-year
SCRATCH=$PWD/.build-bench
HOSTS=${HOSTS:-1000}
DAYS=${DAYS:-365}
UNITS=${UNITS:-10}
log() { echo "history-year.sh: $*" >&2; }

command -v sqlite3 >/dev/null || apt-get install -y sqlite3 >&2
log "building release binaries"
for product in attt attt-history-year; do
    swift build -c release --product "$product" --scratch-path "$SCRATCH" >&2
done
BIN=$SCRATCH/release
rm -rf "$OUT" && mkdir -p "$OUT"
# The template: a real agent's report of the desktop fixture (43 results, 91 KB of JSON).
"$BIN/attt" check --root Tests/Fixtures/hosts/debian12-desktop --format json --now 2026-11-25T08:00:00Z > "$OUT/report.json" || true
log "$HOSTS hosts × $DAYS days in $UNITS units"
"$BIN/attt-history-year" --report "$OUT/report.json" --database "$OUT/collector.sqlite" \
    --hosts "$HOSTS" --days "$DAYS" --units "$UNITS" | tee "$OUT/result.json"
log "size by table and index (MiB)"
sqlite3 "$OUT/collector.sqlite" "SELECT name, round(sum(pgsize) / 1048576.0, 1) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 12;" | tee "$OUT/tables.txt"
