-- wrk script of the load benchmark (tests/load/run.sh). Settings come from the environment:
--   BENCH_BODY_FILE   the JSON request body, sent as a POST with Content-Type: application/json (required)
--   BENCH_STOP_AFTER  stop after exactly this many responses (0 or unset: run for wrk's -d)
--   BENCH_DELAY_MS    pause of each connection between a response and its next request (paces a steady rate)
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
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0") or 0

-- Defined only when needed: wrk parses responses for the script only when a response() function exists.
if stop_after > 0 then
  ffi = require("ffi")
  ffi.cdef("int kill(int pid, int sig); int getpid(void);")
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

if delay_ms > 0 then
  function delay()
    return delay_ms
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
