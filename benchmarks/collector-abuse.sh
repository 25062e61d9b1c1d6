#!/usr/bin/env bash
# The collector's memory under abuse (issue 12): BODIES unauthenticated clients (default 20) each
# start a 16 MiB POST to /v1/enroll at once, and IDLE connections (default 200) open and say nothing.
# Prints the collector's resident memory before, its peak (VmHWM) during, and after; how many
# clients got 413; and how long the idle connections stayed open. Loopback only, bounded loops.
#
#   bash benchmarks/collector-abuse.sh
#
# Knobs: BODIES [20], IDLE [200], PORT [18944], BIN [a directory with attt-collector; default: a
# release build into .build-bench]. Writes only under benchmarks/out/collector-abuse.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
OUT=$REPO/benchmarks/out/collector-abuse
BODIES=${BODIES:-20}
IDLE=${IDLE:-200}
PORT=${PORT:-18944}
log() { echo "collector-abuse.sh: $*" >&2; }

if [ -z "${BIN:-}" ]; then
    log "building a release attt-collector"
    swift build -c release --product attt-collector --scratch-path "$REPO/.build-bench" --static-swift-stdlib >&2
    BIN=$REPO/.build-bench/release
fi

rm -rf "$OUT" && mkdir -p "$OUT"
# The shipped timeouts (idle 30 s, request 120 s) are what is measured.
"$BIN/attt-collector" serve --state-dir "$OUT/state" --host 127.0.0.1 --port "$PORT" > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 300); do grep -q "listening on" "$OUT/server.log" && break; sleep 0.1; done
rss() { awk -v k="$1" '$1 == k":" {printf "%.1f", $2/1024}' /proc/$SERVER/status; }
echo "before: RSS $(rss VmRSS) MiB"

python3 - "$PORT" "$BODIES" "$IDLE" "$SERVER" <<'PY'
import socket, ssl, sys, threading, time
port, bodies, idle, server = map(int, sys.argv[1:5])
def rss(key):
    for line in open(f"/proc/{server}/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024

# Idle: plain TCP connections that never send a byte (a handshake that never starts).
idlers = [socket.create_connection(("127.0.0.1", port)) for _ in range(idle)]
opened = time.time()

# Large bodies before authentication, all at once.
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
answers = []
def upload():
    try:
        s = context.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=60))
        size = 16 << 20
        s.sendall(b"POST /v1/enroll HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % size)
        chunk = b" " * (256 << 10)
        sent = 0
        try:
            while sent < size:          # bounded: at most 16 MiB per client
                s.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass                        # the server answered and closed early
        answers.append(s.recv(64).split(b"\r\n")[0].decode(errors="replace"))
    except OSError as error:
        answers.append(f"error: {error}")
threads = [threading.Thread(target=upload) for _ in range(bodies)]
start = time.time()
for t in threads: t.start()
for t in threads: t.join(120)
print(f"{bodies} unauthenticated 16 MiB bodies in {time.time() - start:.1f} s: " +
      ", ".join(f"{answers.count(a)} × {a}" for a in sorted(set(answers))))
print(f"during: RSS {rss('VmRSS'):.1f} MiB, peak {rss('VmHWM'):.1f} MiB")

# How long the idle connections stay open (bounded: 60 s).
closed = []
for s in idlers: s.setblocking(False)
deadline = time.time() + 60
while idlers and time.time() < deadline:
    still = []
    for s in idlers:
        try:
            if s.recv(1) == b"":
                closed.append(time.time() - opened); s.close(); continue
        except BlockingIOError:
            pass
        except OSError:
            closed.append(time.time() - opened); continue
        still.append(s)
    idlers = still
    time.sleep(0.2)
print(f"{idle} idle connections: {len(closed)} closed by the server, after {min(closed):.1f}–{max(closed):.1f} s" if closed else f"{idle} idle connections: none closed within 60 s")
PY
echo "after: RSS $(rss VmRSS) MiB, peak $(rss VmHWM) MiB"
kill $SERVER; wait $SERVER 2>/dev/null || true
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); binary: $BIN/attt-collector"
