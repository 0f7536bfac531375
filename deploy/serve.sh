#!/usr/bin/env bash
# Serve the app from several processes behind HAProxy: one command for a room of a hundred.
#
#   bash deploy/serve.sh --processes 4 --port 8500
#
# Starts N `streamlit run app.py` processes on 127.0.0.1, ports P+1 .. P+N, waits until each answers
# /_stcore/health, then runs HAProxy on port P in front of them (config: deploy/haproxy.cfg.in,
# filled in for N in a temporary folder), sticky per visitor by the cookie ALAB_SERVER. All processes
# share one measurement cache (ALAB_CACHE_DIR). Ctrl-C or SIGTERM stops HAProxy and every app process
# (with its measurement workers); so does HAProxy exiting. See deploy/README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python}"
HAPROXY="${HAPROXY:-$(command -v haproxy || echo /usr/sbin/haproxy)}"   # Debian: /usr/sbin, not on every PATH
START_SECONDS=120   # how long an app process may take to answer its health check

usage() {
  cat <<EOF
Usage: bash deploy/serve.sh [--processes N] [--port P] [--address A]

  --processes N   app processes (default: the number of cores, $(nproc))
  --port P        the port visitors open (default 8500); the app processes use P+1 .. P+N on 127.0.0.1
  --address A     the address HAProxy listens on (default 0.0.0.0: every interface, for a room)
  --help          this text

Environment: ALAB_CACHE_DIR (the shared measurement cache, default $ROOT/.cache/measurements),
PYTHON (the interpreter with the app's requirements, default python), HAPROXY (default: haproxy on the PATH, or /usr/sbin/haproxy).
Stop with Ctrl-C or SIGTERM.
EOF
}

processes="$(nproc)"
port=8500
address=0.0.0.0
while (($#)); do
  case "$1" in
    --processes) processes="${2:?--processes needs a number}"; shift 2 ;;
    --port) port="${2:?--port needs a number}"; shift 2 ;;
    --address) address="${2:?--address needs an address}"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "serve.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
if ! [[ "$processes" =~ ^[1-9][0-9]*$ && "$processes" -le 64 ]]; then
  echo "serve.sh: --processes must be a number from 1 to 64, not '$processes'" >&2; exit 2
fi
if ! [[ "$port" =~ ^[1-9][0-9]*$ && $((port + processes)) -le 65535 ]]; then
  echo "serve.sh: --port must be a port number with room for $processes app ports after it, not '$port'" >&2
  exit 2
fi
if ! [[ -x "$HAPROXY" ]]; then
  echo "serve.sh: HAProxy is not installed ('$HAPROXY' not found); install it with: apt-get install haproxy" >&2
  exit 1
fi

# A port something already listens on would serve another program's health check as ours.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for ((i = 0; i <= processes; i++)); do
  if listening $((port + i)); then
    echo "serve.sh: port $((port + i)) on 127.0.0.1 is in use; choose another --port" >&2; exit 1
  fi
done

export ALAB_CACHE_DIR="${ALAB_CACHE_DIR:-$ROOT/.cache/measurements}"
mkdir -p "$ALAB_CACHE_DIR"
workdir="$(mktemp -d "${TMPDIR:-/tmp}/alab-serve.XXXXXX")"
app_pids=()
haproxy_pid=""

stop_all() {
  trap '' INT TERM   # a second Ctrl-C does not cut the clean-up short (it takes at most 10 s)
  trap - EXIT
  # Each app process leads its own process group (setsid): ending the group ends its workers too.
  for pid in "${app_pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  [[ -n "$haproxy_pid" ]] && kill -TERM "$haproxy_pid" 2>/dev/null || true
  for _ in $(seq 50); do   # up to 10 s for a clean exit
    alive=0
    for pid in "${app_pids[@]}" $haproxy_pid; do
      if kill -0 "$pid" 2>/dev/null; then alive=1; fi
    done
    ((alive)) || break
    sleep 0.2
  done
  for pid in "${app_pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  [[ -n "$haproxy_pid" ]] && kill -KILL "$haproxy_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$workdir"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cd "$ROOT"
for ((i = 1; i <= processes; i++)); do
  setsid "$PYTHON" -m streamlit run app.py --server.port $((port + i)) --server.address 127.0.0.1 \
    --server.headless true --browser.gatherUsageStats false >"$workdir/app$i.log" 2>&1 &
  app_pids+=("$!")
done

healthy() {  # the app process on port $1 answers /_stcore/health with 200
  (
    exec 3<>"/dev/tcp/127.0.0.1/$1"
    printf 'GET /_stcore/health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
    read -r -t 5 status <&3
    [[ "$status" == HTTP/1.?" 200"* ]]
  ) 2>/dev/null
}

deadline=$((SECONDS + START_SECONDS))
for ((i = 1; i <= processes; i++)); do
  until healthy $((port + i)); do
    if ! kill -0 "${app_pids[i - 1]}" 2>/dev/null; then
      echo "serve.sh: app process $i (port $((port + i))) exited; its output:" >&2
      cat "$workdir/app$i.log" >&2; exit 1
    fi
    if ((SECONDS > deadline)); then
      echo "serve.sh: app process $i did not answer on port $((port + i)) within $START_SECONDS s" >&2; exit 1
    fi
    sleep 0.2
  done
done

config="$workdir/haproxy.cfg"
sed "s/@BIND@/$address:$port/" "$ROOT/deploy/haproxy.cfg.in" >"$config"
for ((i = 1; i <= processes; i++)); do
  echo "    server s$i 127.0.0.1:$((port + i)) cookie s$i" >>"$config"
done
"$HAPROXY" -c -q -f "$config"

"$HAPROXY" -db -f "$config" &
haproxy_pid=$!
echo "serve.sh: http://$address:$port -> $processes app processes on 127.0.0.1:$((port + 1))-$((port + processes))" \
  "(their output: $workdir/app*.log); measurement cache $ALAB_CACHE_DIR; Ctrl-C stops them all"
wait "$haproxy_pid"
