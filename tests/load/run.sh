#!/usr/bin/env bash
# The side-by-side load benchmark: nginx as a fixed-answer OpenAI upstream, then wrk (one thread) against nginx
# directly, a bare .NET pass-through (tests/load/PassThrough), Portkey 1.15.2 and a Release build of the gateway
# (three ways in; then once more with its store and request log off, for what they cost), all on loopback. Prints
# the machine, one markdown table and the ratios against the performance targets. It fails only when something can't
# start or a run answered errors; a missed target is a measurement.
#
#   tests/load/run.sh [--smoke] [--duration S] [--warmup S] [--skip-portkey] [--soak S] [--out FILE]
#
# --duration S    seconds of each closed-loop, steady-rate and streaming run (default 10)
# --warmup S      seconds of the unmeasured run (16 connections) before each target's closed loops (default 2)
# --soak S        seconds of the gateway's 64-connection soak, RSS sampled every 10 s (default 60; 0: off)
# --skip-portkey  leave Portkey out (no npm install)
# --out FILE      also write the machine, table and ratios to FILE
# --smoke         CI's check of the harness: no Portkey, no soak, no warm-up, 1-second runs, closed loop at 16
#                 connections only, a 200-request first run and 10 time-to-first-byte requests; exits non-zero on any
#                 error, empty run or buffered stream
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

smoke=0 duration=10 warmup=2 skip_portkey=0 soak=60 out=""
usage() { sed -n '8,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit "$1"; }
while (($#)); do
  case $1 in
    --smoke) smoke=1 ;;
    --duration) duration=${2:?--duration needs seconds}; shift ;;
    --warmup) warmup=${2:?--warmup needs seconds}; shift ;;
    --skip-portkey) skip_portkey=1 ;;
    --soak) soak=${2:?--soak needs seconds}; shift ;;
    --out) out=${2:?--out needs a file}; shift ;;
    -h|--help) usage 0 ;;
    *) echo "unknown option: $1" >&2; usage 2 ;;
  esac
  shift
done
[[ $duration =~ ^[1-9][0-9]*$ ]] || { echo "--duration must be a whole number of seconds (at least 1)" >&2; exit 2; }
[[ $soak =~ ^[0-9]+$ ]] || { echo "--soak must be a whole number of seconds" >&2; exit 2; }
[[ $warmup =~ ^[0-9]+$ ]] || { echo "--warmup must be a whole number of seconds" >&2; exit 2; }
[[ -z $out ]] || out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")

first_n=1000 ttfb_n=100 ttfb_warm=5 loop_conns=(1 16 64)
if ((smoke)); then
  skip_portkey=1 soak=0 duration=1 first_n=200 ttfb_n=10 ttfb_warm=2 warmup=0 loop_conns=(16)
fi
steady_rate=1000 steady_conns=10
portkey_version=1.15.2
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

say() { printf '[load %(%T)T] %s\n' -1 "$*" >&2; }

# ---------------------------------------------------------------------------------------------------------------
# What it needs: wrk and nginx from Debian's packages, Portkey from npm (pinned in portkey/package-lock.json).
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
nginx_bin=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
portkey_main=$here/portkey/node_modules/@portkey-ai/gateway/build/start-server.js
if ((!skip_portkey)); then
  # npm ci again whenever the lock file changed after the last install (node_modules/.package-lock.json).
  if [[ ! -f $portkey_main || $here/portkey/package-lock.json -nt $here/portkey/node_modules/.package-lock.json ]]; then
    say "installing Portkey $portkey_version (npm ci in tests/load/portkey)"
    (cd "$here/portkey" && npm ci --no-audit --no-fund --loglevel=error >&2)
  fi
fi

# ---------------------------------------------------------------------------------------------------------------
# Processes: everything lives in one temporary folder and every process started is stopped by its PID.
tmp=$(mktemp -d -t tz-load.XXXXXX)
pids=()
failed_start=""

stop_pid() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  # A second SIGTERM makes the gateway skip its drain delay; other processes are already stopping.
  sleep 0.3
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$? i
  trap - EXIT
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    stop_pid "${pids[i]}"
  done
  if ((status != 0)) && [[ -n $failed_start ]]; then
    for log in "$tmp"/*.log "$tmp"/nginx/error.log; do
      [[ -s $log ]] || continue
      echo "--- last lines of $(basename "$log")" >&2
      tail -n 20 "$log" >&2
    done
  fi
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
  say "ERROR: $*"
  failed_start=1
  exit 1
}

free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# Waits until PORT accepts connections while PID lives.
wait_port() {
  local pid=$1 port=$2 what=$3 i
  for ((i = 0; i < 1200; i++)); do
    kill -0 "$pid" 2>/dev/null || die "$what exited before it listened"
    if (: <"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  die "$what did not listen on port $port within 120 s"
}

# The process tree of PID (nginx: master and worker) in tree=(...), read without forking.
proc_tree() {
  local kids=()
  read -r -a kids <"/proc/$1/task/$1/children" 2>/dev/null || true
  tree=("$1" "${kids[@]}")
}

clk_tck=$(getconf CLK_TCK)
# CPU time (utime + stime, clock ticks) of PID's tree in ticks=N.
cpu_ticks() {
  local pid stat f
  ticks=0
  proc_tree "$1"
  for pid in "${tree[@]}"; do
    read -r stat <"/proc/$pid/stat" 2>/dev/null || continue
    read -r -a f <<<"${stat##*) }"
    ticks=$((ticks + f[11] + f[12]))
  done
}

# VmRSS and VmHWM of PID's tree in MB, in rss_mb=N and hwm_mb=N.
memory() {
  local pid key value rest rss=0 hwm=0
  proc_tree "$1"
  for pid in "${tree[@]}"; do
    while read -r key value rest; do
      case $key in
        VmRSS:) rss=$((rss + value)) ;;
        VmHWM:) hwm=$((hwm + value)) ;;
      esac
    done <"/proc/$pid/status" 2>/dev/null || true
  done
  rss_mb=$((rss / 1024)) hwm_mb=$((hwm / 1024))
}

# check_post URL BODY [curl args]: one request must answer 200 (and, when streamed, end with [DONE]).
check_post() {
  local url=$1 body=$2 code
  shift 2
  code=$(curl -sS -o "$tmp/check.out" -w '%{http_code}' --max-time 10 -H 'Content-Type: application/json' "$@" \
    --data-binary @"$body" "$url") || die "POST $url failed"
  [[ $code == 200 ]] || die "POST $url with $(basename "$body") answered $code: $(head -c 500 "$tmp/check.out")"
  if grep -q '"stream": *true' "$body" && ! grep -q 'data: \[DONE\]' "$tmp/check.out"; then
    die "POST $url with $(basename "$body") did not stream to [DONE]: $(head -c 500 "$tmp/check.out")"
  fi
}

# ---------------------------------------------------------------------------------------------------------------
# Request bodies: the same small chat (one user message) everywhere.
message='[{"role":"user","content":"Say hello in one short sentence."}]'
b=$tmp/bodies
mkdir -p "$b"
echo "{\"model\":\"gpt-4o-mini\",\"messages\":$message}" >"$b/openai.json"
echo "{\"model\":\"gpt-4o-mini\",\"messages\":$message,\"stream\":true,\"stream_options\":{\"include_usage\":true}}" >"$b/openai-stream.json"
echo "{\"model\":\"tensorzero::model_name::bench\",\"messages\":$message}" >"$b/gw-model.json"
echo "{\"model\":\"tensorzero::function_name::bench_fn\",\"messages\":$message}" >"$b/gw-function.json"
echo "{\"model_name\":\"bench_dynamic\",\"input\":{\"messages\":$message},\"credentials\":{\"bench_key\":\"sk-bench-dynamic-0123456789\"}}" >"$b/gw-inference.json"
echo "{\"model\":\"tensorzero::model_name::bench_stream\",\"messages\":$message,\"stream\":true,\"stream_options\":{\"include_usage\":true}}" >"$b/gw-stream.json"
echo "{\"model\":\"tensorzero::model_name::bench_slow\",\"messages\":$message,\"stream\":true,\"stream_options\":{\"include_usage\":true}}" >"$b/gw-slow.json"

# ---------------------------------------------------------------------------------------------------------------
# The fake upstream: nginx answering a fixed chat.completion (and a fixed stream under /stream/).
completion='{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! The fixed answer of the load benchmark.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":14,"completion_tokens":12,"total_tokens":26},"system_fingerprint":"fp_bench"}'
sse_chunk() { # DELTA FINISH [USAGE]
  local choices="[{\"index\":0,\"delta\":$1,\"logprobs\":null,\"finish_reason\":$2}]" usage=""
  [[ -z ${3:-} ]] || { choices='[]'; usage=",\"usage\":$3"; }
  printf 'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini-2024-07-18","choices":%s%s}\n\n' "$choices" "$usage"
}
stream_body=$(
  sse_chunk '{"role":"assistant","content":""}' null
  sse_chunk '{"content":"Hello! This is"}' null
  sse_chunk '{"content":" the fixed stream of the benchmark upstream."}' null
  sse_chunk '{}' '"stop"'
  sse_chunk null null '{"prompt_tokens":14,"completion_tokens":12,"total_tokens":26}'
  printf 'data: [DONE]\n\n'
)
mkdir -p "$tmp/nginx"
nginx_port=$(free_port)
cat >"$tmp/nginx/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
$( ((EUID == 0)) && echo "user root;" || true)
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $tmp/nginx/client_body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$nginx_port;
        location /v1/chat/completions {
            default_type application/json;
            return 200 '$completion';
        }
        location /stream/v1/chat/completions {
            default_type text/event-stream;
            return 200 '$stream_body
';
        }
    }
}
EOF
say "starting nginx on 127.0.0.1:$nginx_port (answer: ${#completion} bytes)"
"$nginx_bin" -p "$tmp/nginx/" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" >"$tmp/nginx.log" 2>&1 &
nginx_pid=$!
pids+=("$nginx_pid")
wait_port "$nginx_pid" "$nginx_port" nginx
upstream=http://127.0.0.1:$nginx_port
check_post "$upstream/v1/chat/completions" "$b/openai.json"
check_post "$upstream/stream/v1/chat/completions" "$b/openai-stream.json"

slow_port=$(free_port)
say "starting the slow streaming upstream on 127.0.0.1:$slow_port"
node "$here/slow-stream.js" "$slow_port" >"$tmp/slow-stream.log" 2>&1 &
slow_pid=$!
pids+=("$slow_pid")
wait_port "$slow_pid" "$slow_port" slow-stream.js
slow=http://127.0.0.1:$slow_port
check_post "$slow/v1/chat/completions" "$b/openai-stream.json"

# ---------------------------------------------------------------------------------------------------------------
# Release builds of the gateway and of the pass-through.
say "publishing the gateway and the pass-through (Release)"
dotnet publish "$repo/src/TensorZero.Gateway" -c Release -o "$tmp/gateway" --nologo >"$tmp/publish-gateway.log" 2>&1 &
publish_gateway=$!
dotnet publish "$here/PassThrough" -c Release -o "$tmp/passthrough" --nologo >"$tmp/publish-passthrough.log" 2>&1 ||
  { tail -n 30 "$tmp/publish-passthrough.log" >&2; wait "$publish_gateway" || true; die "the pass-through did not build"; }
wait "$publish_gateway" || { tail -n 30 "$tmp/publish-gateway.log" >&2; die "the gateway did not build"; }

# ---------------------------------------------------------------------------------------------------------------
# Measuring.
# The machine's CPU time taken by its hypervisor (steal) is read before and after the runs: a VM that lost much of it
# gave every target less CPU than it asked for, and its ratios say more about its neighbours than about the targets.
read_steal() {
  local _cpu user nice system idle iowait irq softirq steal _rest
  read -r _cpu user nice system idle iowait irq softirq steal _rest </proc/stat
  steal_ticks=$steal total_ticks=$((user + nice + system + idle + iowait + irq + softirq + steal))
}
read_steal
steal_start=$steal_ticks total_start=$total_ticks
declare -A RPS P50 P99 CPU RSS HWM REQ
rows=()
errors=()
run_no=0

# measure TARGET SCENARIO PID CONNS SECONDS STOP_AFTER RATE URL BODY [wrk args]
measure() {
  local target=$1 scenario=$2 pid=$3 conns=$4 seconds=$5 stop_after=$6 rate=$7 url=$8 body=$9
  shift 9
  local log="$tmp/wrk-$((++run_no)).txt" before t0
  cpu_ticks "$pid"
  before=$ticks t0=$EPOCHREALTIME
  BENCH_BODY_FILE=$body BENCH_STOP_AFTER=$stop_after BENCH_RATE=$rate \
    wrk -t1 -c"$conns" -d"${seconds}s" --timeout 5s -s "$here/bench.lua" "$@" "$url" >"$log" 2>&1 ||
    die "wrk failed for $target, $scenario: $(tail -n 5 "$log")"
  record "$target" "$scenario" "$pid" "$before" "$t0" "$log"
}

# record TARGET SCENARIO PID CPU_TICKS_BEFORE START_TIME WRK_OUTPUT: one row of the table.
record() {
  local target=$1 scenario=$2 pid=$3 before=$4 t0=$5 log=$6 t1=$EPOCHREALTIME line kv
  local key="$target|$scenario" requests=0 non2xx=0 socket=0 p50=0 p99=0 rps=0
  cpu_ticks "$pid"
  memory "$pid"
  while read -r line; do
    [[ $line == "BENCH "* ]] && break
  done <"$log"
  [[ $line == "BENCH "* ]] || die "wrk printed no result for $target, $scenario: $(tail -n 5 "$log")"
  for kv in ${line#BENCH }; do
    case $kv in
      requests=*) requests=${kv#*=} ;;
      non2xx=*) non2xx=${kv#*=} ;;
      socket_errors=*) socket=${kv#*=} ;;
      p50_us=*) p50=${kv#*=} ;;
      p99_us=*) p99=${kv#*=} ;;
      rps=*) rps=${kv#*=} ;;
    esac
  done
  rows+=("$key")
  REQ[$key]=$requests RPS[$key]=$rps P50[$key]=$p50 P99[$key]=$p99 RSS[$key]=$rss_mb HWM[$key]=$hwm_mb
  # CPU time over wall time, as % of one core.
  CPU[$key]=$(((ticks - before) * 100000000 / clk_tck / (${t1//[.,]/} - ${t0//[.,]/} + 1)))
  say "$(printf '%-34s %-10s %9s req/s  p50 %6s us  p99 %7s us  cpu %4s%%  rss %4s MB  errors %s+%s' \
    "$target" "$scenario" "$rps" "$p50" "$p99" "${CPU[$key]}" "$rss_mb" "$non2xx" "$socket")"
  if ((non2xx + socket > 0)); then
    errors+=("$target, $scenario: $non2xx non-2xx responses and $socket socket errors of $requests requests")
  elif ((requests == 0)); then
    errors+=("$target, $scenario: no request completed")
  fi
}

# warm PID URL BODY [wrk args]: an unmeasured run at 16 connections.
warm() {
  local url=$1 body=$2
  shift 2
  ((warmup > 0)) || return 0
  BENCH_BODY_FILE=$body wrk -t1 -c16 -d"${warmup}s" --timeout 5s -s "$here/bench.lua" "$@" "$url" >/dev/null 2>&1 || true
}

# closed_loops TARGET PID URL BODY [wrk args]: warm-up, then 1, 16 and 64 connections and the steady rate.
closed_loops() {
  local target=$1 pid=$2 url=$3 body=$4 conns
  shift 4
  warm "$url" "$body" "$@"
  for conns in "${loop_conns[@]}"; do
    measure "$target" "c$conns" "$pid" "$conns" "$duration" 0 0 "$url" "$body" "$@"
  done
  measure "$target" "${steady_rate}rps" "$pid" "$steady_conns" "$duration" 0 "$steady_rate" "$url" "$body" "$@"
}

first_run() { # TARGET PID URL BODY [wrk args]
  local target=$1 pid=$2 url=$3 body=$4
  shift 4
  measure "$target" "first$first_n" "$pid" 1 120 "$first_n" 0 "$url" "$body" "$@"
}

stream_run() { # TARGET PID URL BODY [wrk args]
  local target=$1 pid=$2 url=$3 body=$4
  shift 4
  warm "$url" "$body" "$@"
  measure "$target" "stream-c16" "$pid" 16 "$duration" 0 0 "$url" "$body" "$@"
}

# Time to first byte against the slow upstream, sequential curl requests. TTFB is curl's time_starttransfer; the
# flushing check is the time from the request to the first body byte (curl's trace), which is at least the
# upstream's 200 ms when a proxy buffers the stream.
declare -A TTFB_MED TTFB_P99 FIRST_MED
ttfb_labels=()
buffered=()
percentile() { # P, values on stdin (one a line)
  sort -n | awk -v p="$1" '{ v[NR] = $1 } END { if (!NR) { print "nan"; exit } i = int(p * NR + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR; print v[i] }'
}
ttfb() { # LABEL URL BODY [curl args]
  local label=$1 url=$2 body=$3 i result code start first
  shift 3
  : >"$tmp/ttfb.txt"
  : >"$tmp/first.txt"
  for ((i = 0; i < ttfb_warm + ttfb_n; i++)); do
    rm -f "$tmp/trace"
    result=$(curl -sS -N -o /dev/null --max-time 10 --trace-ascii "$tmp/trace" --trace-time -w '%{http_code} %{time_starttransfer}' \
      -H 'Content-Type: application/json' "$@" --data-binary @"$body" "$url") || die "TTFB request to $label failed"
    read -r code start <<<"$result"
    [[ $code == 200 ]] || die "TTFB request to $label answered $code"
    ((i < ttfb_warm)) && continue
    first=$(awk 'function t(s, a) { split(s, a, ":"); return a[1] * 3600 + a[2] * 60 + a[3] }
      /=> Send header/ && !s { s = t($1) } /<= Recv data/ && !r { r = t($1) }
      END { if (!s || !r) print 999999; else { d = r - s; if (d < 0) d += 86400; printf "%.3f\n", d * 1000 } }' "$tmp/trace")
    awk -v s="$start" 'BEGIN { printf "%.3f\n", s * 1000 }' >>"$tmp/ttfb.txt"
    echo "$first" >>"$tmp/first.txt"
  done
  ttfb_labels+=("$label")
  TTFB_MED[$label]=$(percentile 0.5 <"$tmp/ttfb.txt")
  TTFB_P99[$label]=$(percentile 0.99 <"$tmp/ttfb.txt")
  FIRST_MED[$label]=$(percentile 0.5 <"$tmp/first.txt")
  say "TTFB $label: median ${TTFB_MED[$label]} ms, p99 ${TTFB_P99[$label]} ms, first data after ${FIRST_MED[$label]} ms (median)"
  if awk -v f="${FIRST_MED[$label]}" 'BEGIN { exit !(f >= 100) }'; then
    buffered+=("$label")
  fi
}

auth=(-H 'Authorization: Bearer sk-bench-0123456789')

# --- nginx direct
t_nginx="nginx direct"
first_run "$t_nginx" "$nginx_pid" "$upstream/v1/chat/completions" "$b/openai.json" "${auth[@]}"
closed_loops "$t_nginx" "$nginx_pid" "$upstream/v1/chat/completions" "$b/openai.json" "${auth[@]}"
stream_run "$t_nginx" "$nginx_pid" "$upstream/stream/v1/chat/completions" "$b/openai-stream.json" "${auth[@]}"
ttfb "direct (slow upstream)" "$slow/v1/chat/completions" "$b/openai-stream.json" "${auth[@]}"

# --- the bare pass-through: one process per upstream (fixed answer, fixed stream, slow stream)
start_passthrough() { # UPSTREAM_URL NAME; sets pt_pid and pt_url
  local port
  port=$(free_port)
  ASPNETCORE_ENVIRONMENT=Production PASSTHROUGH_UPSTREAM=$1 \
    dotnet "$tmp/passthrough/PassThrough.dll" --urls "http://127.0.0.1:$port" >"$tmp/$2.log" 2>&1 &
  pt_pid=$!
  pids+=("$pt_pid")
  wait_port "$pt_pid" "$port" "the pass-through ($2)"
  pt_url=http://127.0.0.1:$port/v1/chat/completions
}
t_pt="bare pass-through"
say "starting the pass-through"
start_passthrough "$upstream/v1/chat/completions" passthrough
first_run "$t_pt" "$pt_pid" "$pt_url" "$b/openai.json" "${auth[@]}"
check_post "$pt_url" "$b/openai.json"
closed_loops "$t_pt" "$pt_pid" "$pt_url" "$b/openai.json" "${auth[@]}"
stop_pid "$pt_pid"
start_passthrough "$upstream/stream/v1/chat/completions" passthrough-stream
check_post "$pt_url" "$b/openai-stream.json"
stream_run "$t_pt" "$pt_pid" "$pt_url" "$b/openai-stream.json" "${auth[@]}"
stop_pid "$pt_pid"
start_passthrough "$slow/v1/chat/completions" passthrough-slow
ttfb "$t_pt" "$pt_url" "$b/openai-stream.json" "${auth[@]}"
stop_pid "$pt_pid"

# --- Portkey, proxying to the same upstreams (x-portkey-custom-host)
t_pk="Portkey $portkey_version"
if ((!skip_portkey)); then
  pk_port=$(free_port)
  say "starting Portkey on 127.0.0.1:$pk_port"
  node "$portkey_main" --port="$pk_port" --headless >"$tmp/portkey.log" 2>&1 &
  pk_pid=$!
  pids+=("$pk_pid")
  wait_port "$pk_pid" "$pk_port" Portkey
  pk_url=http://127.0.0.1:$pk_port/v1/chat/completions
  pk=(-H 'x-portkey-provider: openai' "${auth[@]}")
  first_run "$t_pk" "$pk_pid" "$pk_url" "$b/openai.json" "${pk[@]}" -H "x-portkey-custom-host: $upstream/v1"
  check_post "$pk_url" "$b/openai.json" "${pk[@]}" -H "x-portkey-custom-host: $upstream/v1"
  check_post "$pk_url" "$b/openai-stream.json" "${pk[@]}" -H "x-portkey-custom-host: $upstream/stream/v1"
  check_post "$pk_url" "$b/openai-stream.json" "${pk[@]}" -H "x-portkey-custom-host: $slow/v1"
  closed_loops "$t_pk" "$pk_pid" "$pk_url" "$b/openai.json" "${pk[@]}" -H "x-portkey-custom-host: $upstream/v1"
  stream_run "$t_pk" "$pk_pid" "$pk_url" "$b/openai-stream.json" "${pk[@]}" -H "x-portkey-custom-host: $upstream/stream/v1"
  ttfb "$t_pk" "$pk_url" "$b/openai-stream.json" "${pk[@]}" -H "x-portkey-custom-host: $slow/v1"
  stop_pid "$pk_pid"
fi

# --- the gateway: Release build, default logs, embedded SQLite store in the temporary folder
gw_port=$(free_port)
mkdir -p "$tmp/config"
cat >"$tmp/config/tensorzero.toml" <<EOF
[gateway]
bind_address = "127.0.0.1:$gw_port"

[models.bench]
routing = ["openai"]

[models.bench.providers.openai]
type = "openai"
model_name = "gpt-4o-mini"
api_base = "$upstream/v1/"
api_key_location = "env::BENCH_OPENAI_API_KEY"

[models.bench_dynamic]
routing = ["openai"]

[models.bench_dynamic.providers.openai]
type = "openai"
model_name = "gpt-4o-mini"
api_base = "$upstream/v1/"
api_key_location = "dynamic::bench_key"

[models.bench_stream]
routing = ["openai"]

[models.bench_stream.providers.openai]
type = "openai"
model_name = "gpt-4o-mini"
api_base = "$upstream/stream/v1/"
api_key_location = "env::BENCH_OPENAI_API_KEY"

[models.bench_slow]
routing = ["openai"]

[models.bench_slow.providers.openai]
type = "openai"
model_name = "gpt-4o-mini"
api_base = "$slow/v1/"
api_key_location = "env::BENCH_OPENAI_API_KEY"

[functions.bench_fn]
type = "chat"

[functions.bench_fn.variants.bench]
type = "chat_completion"
model = "bench"
EOF
# start_gateway CONFIG_DIR PORT LOG [VAR=VALUE ...]: the Release build on CONFIG_DIR/tensorzero.toml, its working folder
# CONFIG_DIR (where its SQLite store goes); sets gw_pid once /health answers.
start_gateway() {
  local dir=$1 port=$2 log=$3 i
  shift 3
  say "starting the gateway on 127.0.0.1:$port${*:+ ($*)}"
  (
    cd "$dir"
    exec env -u RUST_LOG -u TENSORZERO_LOG_LEVEL -u TENSORZERO_POSTGRES_URL -u TENSORZERO_GATEWAY_BIND_ADDRESS \
      ASPNETCORE_ENVIRONMENT=Production BENCH_OPENAI_API_KEY=sk-bench-env-0123456789 "$@" \
      dotnet "$tmp/gateway/TensorZero.Gateway.dll" --config-file "$dir/tensorzero.toml"
  ) >"$log" 2>&1 &
  gw_pid=$!
  pids+=("$gw_pid")
  for ((i = 0; ; i++)); do
    kill -0 "$gw_pid" 2>/dev/null || die "the gateway exited at start"
    [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health" 2>/dev/null) == 200 ]] && break
    ((i < 1200)) || die "the gateway's /health did not answer 200 within 120 s"
    sleep 0.1
  done
}
start_gateway "$tmp/config" "$gw_port" "$tmp/gateway.log"
gw=http://127.0.0.1:$gw_port
t_gw1="gateway, OpenAI route, model"
t_gw2="gateway, OpenAI route, function"
t_gw3="gateway, /inference, dynamic key"
gw_openai=$gw/openai/v1/chat/completions
first_run "$t_gw1" "$gw_pid" "$gw_openai" "$b/gw-model.json"
check_post "$gw_openai" "$b/gw-model.json"
check_post "$gw_openai" "$b/gw-function.json"
check_post "$gw/inference" "$b/gw-inference.json"
check_post "$gw_openai" "$b/gw-stream.json"
check_post "$gw_openai" "$b/gw-slow.json"
closed_loops "$t_gw1" "$gw_pid" "$gw_openai" "$b/gw-model.json"
closed_loops "$t_gw2" "$gw_pid" "$gw_openai" "$b/gw-function.json"
closed_loops "$t_gw3" "$gw_pid" "$gw/inference" "$b/gw-inference.json"
stream_run "$t_gw1" "$gw_pid" "$gw_openai" "$b/gw-stream.json"
ttfb "gateway" "$gw_openai" "$b/gw-slow.json"

soak_samples=()
if ((soak > 0)); then
  say "soak: ${soak} s at 64 connections, RSS every 10 s"
  soak_log=$tmp/wrk-soak.txt
  cpu_ticks "$gw_pid"
  soak_before=$ticks soak_t0=$EPOCHREALTIME
  BENCH_BODY_FILE=$b/gw-model.json wrk -t1 -c64 -d"$((soak + 2))s" --timeout 5s -s "$here/bench.lua" "$gw_openai" >"$soak_log" 2>&1 &
  soak_wrk=$!
  pids+=("$soak_wrk")
  for ((s = 10; s <= soak; s += 10)); do
    sleep 10
    kill -0 "$soak_wrk" 2>/dev/null || break
    memory "$gw_pid"
    soak_samples+=("$rss_mb")
  done
  wait "$soak_wrk" || die "wrk failed in the soak: $(tail -n 5 "$soak_log")"
  record "$t_gw1" "soak-c64" "$gw_pid" "$soak_before" "$soak_t0" "$soak_log"
  say "soak: RSS samples ${soak_samples[*]} MB"
fi
stop_pid "$gw_pid"

# --- the same gateway without its two per-request defaults that the pass-through has no counterpart of: the
# embedded store (observability off) and the request log line (logs at warn). Not a target: it shows, in the same
# run, what those defaults cost and how near the gateway's routing and translation alone come to the pass-through.
t_gw_bare="gateway, store and request log off"
gw_bare_port=$(free_port)
mkdir -p "$tmp/config-bare"
sed -e "s/^bind_address = .*/bind_address = \"127.0.0.1:$gw_bare_port\"/" "$tmp/config/tensorzero.toml" >"$tmp/config-bare/tensorzero.toml"
printf '\n[gateway.observability]\nenabled = false\n' >>"$tmp/config-bare/tensorzero.toml"
start_gateway "$tmp/config-bare" "$gw_bare_port" "$tmp/gateway-bare.log" TENSORZERO_LOG_LEVEL=warn
check_post "http://127.0.0.1:$gw_bare_port/openai/v1/chat/completions" "$b/gw-model.json"
closed_loops "$t_gw_bare" "$gw_pid" "http://127.0.0.1:$gw_bare_port/openai/v1/chat/completions" "$b/gw-model.json"
stop_pid "$gw_pid"

# ---------------------------------------------------------------------------------------------------------------
# The report.
ms() { awk -v u="$1" 'BEGIN { if (u == "") print "n/a"; else printf "%.2f", u / 1000 }'; }
signed_ms() { awk -v u="$1" 'BEGIN { printf "%+.2f", u / 1000 }'; }
# ratio A B: A / B with two decimals, or n/a
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }
mark() { # VALUE OP LIMIT
  awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
    if (v == "n/a" || v == "") { print "n/a"; exit }
    ok = (op == ">=") ? (v + 0 >= l + 0) : (v + 0 <= l + 0); print ok ? "PASS" : "FAIL" }'
}

report() {
  local key target scenario base added
  echo "## Load benchmark"
  echo
  echo "- machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, Linux $(uname -r)"
  echo "- dotnet $(dotnet --version), node $(node --version), $("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //'), wrk $(wrk -v 2>&1 | awk 'NR == 1 { print $2 }')"
  echo "- wrk -t1 --timeout 5s; runs of ${duration} s after a ${warmup} s warm-up (16 connections); first run: $first_n requests on 1 connection right after start; steady: $steady_conns connections paced together to $steady_rate req/s; stream: 16 connections$( ((smoke)) && echo "; SMOKE RUN")"
  read_steal
  local stolen=$(((steal_ticks - steal_start) * 1000 / (total_ticks - total_start + 1)))
  echo "- CPU time taken by the hypervisor (steal) during the runs: $((stolen / 10)).$((stolen % 10))%$( ((stolen > 20)) && echo " (over 2%: the targets got less CPU than they asked for, so this run's ratios are not comparable with other runs)")"
  echo
  echo "| target | scenario | req/s | p50 ms | p99 ms | added p50 / p99 ms | CPU % | RSS MB (end / peak) |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  for key in "${rows[@]}"; do
    target=${key%%|*} scenario=${key#*|}
    base="$t_nginx|$scenario"
    if [[ $target == "$t_nginx" || -z ${P50[$base]:-} ]]; then
      added="—"
    else
      added="$(signed_ms $((${P50[$key]} - ${P50[$base]}))) / $(signed_ms $((${P99[$key]} - ${P99[$base]})))"
    fi
    printf '| %s | %s | %.0f | %s | %s | %s | %s | %s / %s |\n' "$target" "$scenario" "${RPS[$key]}" \
      "$(ms "${P50[$key]}")" "$(ms "${P99[$key]}")" "$added" "${CPU[$key]}" "${RSS[$key]}" "${HWM[$key]}"
  done
  echo
  echo "Streaming time to first byte (slow upstream: first chunk at once, the rest 200 ms later; $ttfb_n sequential curl requests):"
  echo
  echo "| target | TTFB median ms | TTFB p99 ms | added median / p99 ms | first data (median) ms | flushing |"
  echo "| --- | ---: | ---: | ---: | ---: | --- |"
  local direct="direct (slow upstream)" label flushing
  for label in "${ttfb_labels[@]}"; do
    if awk -v f="${FIRST_MED[$label]}" 'BEGIN { exit !(f >= 100) }'; then flushing="FAIL: buffered"; else flushing="ok"; fi
    if [[ $label == "$direct" ]]; then added="—"; else
      added=$(awk -v a="${TTFB_MED[$label]}" -v b="${TTFB_MED[$direct]}" -v c="${TTFB_P99[$label]}" -v d="${TTFB_P99[$direct]}" \
        'BEGIN { printf "%+.2f / %+.2f", a - b, c - d }')
    fi
    echo "| $label | ${TTFB_MED[$label]} | ${TTFB_P99[$label]} | $added | ${FIRST_MED[$label]} | $flushing |"
  done
  echo
  echo "Against the targets:"
  echo
  local g c v pt_rps pk_rps pt_add gw_add
  for g in "$t_gw1" "$t_gw2" "$t_gw3"; do
    for c in c16 c64; do
      v=$(ratio "${RPS[$g|$c]:-}" "${RPS[$t_pt|$c]:-}")
      echo "- $g, $c: req/s ÷ pass-through = $v (target ≥ 0.85) $(mark "$v" '>=' 0.85)"
    done
  done
  if [[ -z ${RPS[$t_pk|c16]:-} ]]; then
    echo "- req/s ÷ Portkey (target ≥ 20): n/a, Portkey was not run"
  else
    for g in "$t_gw1" "$t_gw2" "$t_gw3"; do
      for c in c16 c64; do
        v=$(ratio "${RPS[$g|$c]:-}" "${RPS[$t_pk|$c]:-}")
        echo "- $g, $c: req/s ÷ Portkey = $v (target ≥ 20) $(mark "$v" '>=' 20)"
      done
    done
  fi
  local s="${steady_rate}rps"
  for g in "$t_gw1" "$t_gw2" "$t_gw3"; do
    v=$(awk -v g="${P99[$g|$s]:-}" -v p="${P99[$t_pt|$s]:-}" 'BEGIN { if (g == "" || p == "") print "n/a"; else printf "%.2f", (g - p) / 1000 }')
    echo "- $g: added p99 at $steady_rate req/s minus the pass-through's = $v ms (target ≤ 0.5) $(mark "$v" '<=' 0.5)"
  done
  v=$(ratio "${P99[$t_gw1|first$first_n]:-}" "${P99[$t_gw1|$s]:-}")
  echo "- $t_gw1: first-$first_n p99 ÷ steady ($s) p99 = $v (target ≤ 2) $(mark "$v" '<=' 2); ÷ c1 p99 = $(ratio "${P99[$t_gw1|first$first_n]:-}" "${P99[$t_gw1|c1]:-}")"
  local peak=0
  for key in "${rows[@]}"; do
    [[ ${key%%|*} == gateway* && ${key%%|*} != "$t_gw_bare" ]] && ((${HWM[$key]} > peak)) && peak=${HWM[$key]}
  done
  echo "- gateway peak RSS (VmHWM) under load = $peak MB (target ≤ 120) $(mark "$peak" '<=' 120)"
  if ((${#soak_samples[@]})); then
    local first=${soak_samples[0]} last=${soak_samples[-1]} max=0 x
    for x in "${soak_samples[@]}"; do ((x > max)) && max=$x; done
    echo "- gateway soak (${soak} s, 64 connections, every 10 s): RSS first $first / last $last / max $max MB, growth $((last - first)) MB (target: no growth, ≤ 5 MB) $(mark $((last - first)) '<=' 5)"
  else
    echo "- gateway soak: not run"
  fi
  for label in gateway; do
    [[ -n ${TTFB_MED[$label]:-} ]] || continue
    v=$(awk -v a="${TTFB_MED[$label]}" -v b="${TTFB_MED[$direct]}" 'BEGIN { printf "%.2f", a - b }')
    echo "- $label: streaming TTFB added over direct (median) = $v ms (target ≤ 0.5) $(mark "$v" '<=' 0.5); first data after ${FIRST_MED[$label]} ms (must be far below 200) $(mark "${FIRST_MED[$label]}" '<=' 100)"
  done
  echo
  echo "Not a target: $t_gw_bare (same build, \`[gateway.observability] enabled = false\`, logs at \`warn\`):"
  echo
  for c in c16 c64; do
    echo "- $c: req/s ÷ pass-through = $(ratio "${RPS[$t_gw_bare|$c]:-}" "${RPS[$t_pt|$c]:-}"), ÷ the gateway with its defaults = $(ratio "${RPS[$t_gw_bare|$c]:-}" "${RPS[$t_gw1|$c]:-}")"
  done
  v=$(awk -v g="${P99[$t_gw_bare|$s]:-}" -v p="${P99[$t_pt|$s]:-}" 'BEGIN { if (g == "" || p == "") print "n/a"; else printf "%.2f", (g - p) / 1000 }')
  echo "- added p99 at $steady_rate req/s minus the pass-through's = $v ms; peak RSS (VmHWM, after its last run) = ${HWM[$t_gw_bare|$s]:-n/a} MB"
  echo
  echo "Not a target: the same targets asked of the bare pass-through, whose two parts (Kestrel and HttpClient) the gateway is built on:"
  echo
  if [[ -z ${RPS[$t_pk|c16]:-} ]]; then
    echo "- 20 × Portkey's req/s ÷ the pass-through's: n/a, Portkey was not run"
  else
    for c in c16 c64; do
      # Portkey's rate against a twentieth of the pass-through's: the existing ratio, with its n/a for a missing run.
      v=$(ratio "${RPS[$t_pk|$c]:-}" "$(awk -v p="${RPS[$t_pt|$c]:-}" 'BEGIN { if (p != "") print p / 20 }')")
      echo "- $c: 20 × Portkey's req/s ÷ the pass-through's = $v$(awk -v v="$v" 'BEGIN { if (v != "n/a" && v > 1) print " (more than the pass-through itself answered)" }')"
    done
  fi
  if [[ -n ${TTFB_MED[$t_pt]:-} ]]; then
    v=$(awk -v a="${TTFB_MED[$t_pt]}" -v b="${TTFB_MED[$direct]}" 'BEGIN { printf "%.2f", a - b }')
    echo "- streaming TTFB added over direct (median) = $v ms (the gateway's target: ≤ 0.5)"
  fi
  if ((${#buffered[@]})); then
    echo
    echo "FAIL: streamed chunks were buffered (first data 100 ms or more after the request) by: ${buffered[*]}"
  fi
  if ((${#errors[@]})); then
    echo
    echo "ERRORS:"
    printf -- '- %s\n' "${errors[@]}"
  fi
}

report_text=$(report)
echo "$report_text"
[[ -z $out ]] || echo "$report_text" >"$out"

if ((${#errors[@]})); then
  say "runs answered errors (see ERRORS above)"
  exit 1
fi
if ((smoke)) && ((${#buffered[@]})); then
  say "smoke: streaming was buffered"
  exit 1
fi
exit 0
