#!/usr/bin/env bash
# Ingest load on the collector: AGENTS simulated agents (default 1000) enroll, then each uploads one
# report per round through the agent's own mutual-TLS client, CONCURRENCY at a time. Prints the
# loader's JSON (throughput, latency percentiles) and the collector's peak memory and database size.
#
#   bash benchmarks/collector-load.sh
#
# Knobs: AGENTS [1000], CONCURRENCY [64], ROUNDS [3], CHANGED [10] (per cent of the agents whose report
# changed each round after the first; the others send an unchanged report), ASK [upload] or jobs (each
# agent asks for its jobs instead: the floor of one request on a new mutual-TLS connection), PORT [18943],
# STORE [sqlite] or postgresql: a throw-away PostgreSQL cluster (Debian's postgresql package) under
# benchmarks/out, durable as SQLite is (fsync and synchronous_commit on), on a local socket.
# Profile (needs perf): PERF_SECONDS=12 records the collector with `perf record -g` for that long,
# starting PERF_DELAY [25] seconds after the load (after the first round), and prints the top of it.
# Builds release binaries into .build-bench (git-ignored); writes only under benchmarks/out/.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
OUT=$REPO/benchmarks/out/collector-load
SCRATCH=$REPO/.build-bench
AGENTS=${AGENTS:-1000}
CONCURRENCY=${CONCURRENCY:-64}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-18943}
CHANGED=${CHANGED:-10}
STORE=${STORE:-sqlite}
log() { echo "collector-load.sh: $*" >&2; }

log "building release binaries"
for product in attt attt-collector attt-collector-load; do
    swift build -c release --product "$product" --scratch-path "$SCRATCH" --static-swift-stdlib >&2
done
BIN=$SCRATCH/release

rm -rf "$OUT" && mkdir -p "$OUT"
"$BIN/attt" check --root Tests/Fixtures/hosts/debian12-broken --format json --now 2026-11-25T08:00:00Z > "$OUT/report.json" || true
PG=
if [ "$STORE" = postgresql ]; then
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    PG=$OUT/pg
    mkdir -p "$PG" && chown postgres "$PG"
    runuser -u postgres -- "$PGBIN/initdb" -D "$PG/data" -U attt --auth=trust -E UTF8 --locale=C.UTF-8 > "$OUT/initdb.log"
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PG/data" -l "$PG/server.log" -w -o "-k $PG -c listen_addresses='' -c max_connections=200" start > /dev/null
    psql -X -q -h "$PG" -U attt -d postgres -c "CREATE DATABASE attt"
    export ATTT_COLLECTOR_DATABASE_URL="postgresql://attt@/attt?host=$PG"
fi
stop_all() {
    kill "${SERVER:-}" 2>/dev/null || true
    [ -z "$PG" ] || runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PG/data" -m fast -w stop > /dev/null 2>&1 || true
}
"$BIN/attt-collector" serve --state-dir "$OUT/state" --host 127.0.0.1 --port "$PORT" > "$OUT/server.log" 2>&1 &
SERVER=$!
trap stop_all EXIT
for _ in $(seq 100); do grep -q "listening on" "$OUT/server.log" && break; sleep 0.1; done
"$BIN/attt-collector" token create --state-dir "$OUT/state" --unit "Bench" --count "$AGENTS" > "$OUT/tokens" 2>/dev/null

log "$AGENTS agents, $CONCURRENCY at a time, $ROUNDS upload rounds"
if [ -n "${PERF_SECONDS:-}" ]; then
    ( sleep "${PERF_DELAY:-25}"; perf record -F 499 -g -p "$SERVER" -o "$OUT/perf.data" -- sleep "$PERF_SECONDS" ) > "$OUT/perf.log" 2>&1 &
    PERF=$!
fi
# The loader shares the 2 cores: its CPU time and the collector's are printed apart.
/usr/bin/time -f "loader CPU: %U s user, %S s system, peak RSS %M KiB" -o "$OUT/loader-time.txt" \
"$BIN/attt-collector-load" --collector "https://127.0.0.1:$PORT" --ca "$OUT/state/ca/ca.pem" --tokens "$OUT/tokens" \
    --report "$OUT/report.json" --agents "$AGENTS" --concurrency "$CONCURRENCY" --rounds "$ROUNDS" --changed "$CHANGED" --ask "${ASK:-upload}" | tee "$OUT/result.json"

if [ -n "${PERF:-}" ]; then
    wait "$PERF" || true
    # `head` closes the pipe early: not a failure of the run.
    { perf report -i "$OUT/perf.data" --children --sort symbol --stdio -g none 2>/dev/null | grep -v '^#' | grep '%' | head -60 | cut -c1-180 > "$OUT/perf-top.txt"; } || true
    { perf report -i "$OUT/perf.data" --children --sort dso --stdio -g none 2>/dev/null | grep -v '^#' | grep '%' | head -10 >> "$OUT/perf-top.txt"; } || true
    echo "profile: $OUT/perf-top.txt (perf report -i $OUT/perf.data for more)"
fi
# The officers' questions on the loaded database, through the CLI (process start included).
start=$(date +%s%N); "$BIN/attt-collector" hosts list --state-dir "$OUT/state" > "$OUT/hosts.txt"; end=$(date +%s%N)
echo "hosts list (latest status of $AGENTS hosts, one unit): $(( (end - start) / 1000000 )) ms, $(wc -l < "$OUT/hosts.txt") lines"
echo "collector peak RSS: $(awk '/VmHWM/ {printf "%.1f MiB", $2/1024}' /proc/$SERVER/status)"
echo "collector CPU: $(awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f s user, %.1f s system", $14/hz, $15/hz}' /proc/$SERVER/stat) (whole run, enrollment included); $(cat "$OUT/loader-time.txt")"
if [ -n "$PG" ]; then
    # The server's processes, each counted whole (their shared buffers are counted in each).
    echo "postgresql: largest process RSS $(ps -u postgres -o rss= | sort -n | tail -1 | awk '{printf "%.1f MiB", $1/1024}'), all $(ps -u postgres -o rss= | awk '{s+=$1} END {printf "%.1f MiB", s/1024}')"
    echo "database: $(psql -X -At -h "$PG" -U attt -d attt -c "SELECT pg_size_pretty(pg_database_size('attt'))") (pg_database_size); reports stored: $(( AGENTS * ROUNDS ))"
fi
kill $SERVER; wait $SERVER 2>/dev/null || true
[ -n "$PG" ] || echo "database: $(du -sh "$OUT/state/collector.sqlite"* | awk '{print $1}' | paste -sd+ ) (collector.sqlite, -wal, -shm); reports stored: $(( AGENTS * ROUNDS ))"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
