-- wrk script of the load benchmark (tests/load/run.sh). Settings come from the environment:
--   BENCH_BODY_FILE   the JSON request body, sent as a POST with Content-Type: application/json (required)
--   BENCH_STOP_AFTER  stop after exactly this many responses (0 or unset: run for wrk's -d)
--   BENCH_RATE        paces the requests of all connections together to this many per second (0 or unset: closed loop)
-- done() prints one line: BENCH requests=N duration_us=N non2xx=N socket_errors=N p50_us=N p99_us=N rps=N
local body_file = os.getenv("BENCH_BODY_FILE")
local file = body_file and io.open(body_file, "rb")
if not file then
  error("BENCH_BODY_FILE must name a readable file")
end
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"

local stop_after = tonumber(os.getenv("BENCH_STOP_AFTER") or "0") or 0
local rate = tonumber(os.getenv("BENCH_RATE") or "0") or 0
local ffi = require("ffi")
ffi.cdef([[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *ts);
  int kill(int pid, int sig);
  int getpid(void);
]])

-- Defined only when needed: wrk parses responses for the script only when a response() function exists.
if stop_after > 0 then
  local seen = 0
  function response(status, headers, body)
    seen = seen + 1
    if seen == stop_after then
      wrk.thread:stop()
      -- wrk's main thread sleeps for the whole -d; SIGINT (wrk's own stop signal) ends that sleep, so the run's
      -- duration is the time the responses took. (os.execute can't send it: system() ignores SIGINT meanwhile.)
      ffi.C.kill(ffi.C.getpid(), 2)
    end
  end
end

-- Every request gets the next slot of a fixed schedule (one every 1/rate s), and its connection waits for it: the
-- total rate stays at BENCH_RATE whatever the latency, as long as enough connections are free.
if rate > 0 then
  local ts = ffi.new("bench_timespec")
  local interval_ms = 1000 / rate
  local next_ms
  local function now_ms()
    ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
  end
  function delay()
    local now = now_ms()
    next_ms = (next_ms or now) + interval_ms
    local wait = next_ms - now
    return wait > 0 and math.floor(wait) or 0
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "BENCH requests=%d duration_us=%d non2xx=%d socket_errors=%d p50_us=%d p99_us=%d rps=%.1f\n",
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), seconds > 0 and summary.requests / seconds or 0))
end
