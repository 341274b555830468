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

local ts = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3
end

-- Defined only when needed: wrk parses responses for the script only when a response() function exists.
-- A counted run (the first requests after a start, on one connection) also times each request itself: wrk's own
-- percentiles add a synthetic sample per expected request for every slow one (its coordinated-omission correction),
-- so a single 100 ms first request would read as a p99 of 100 ms out of 1,000 requests.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

if stop_after > 0 then
  local seen = 0
  local sent_at = 0
  local latencies = {}
  function request()
    sent_at = now_us()
    return wrk.format()
  end
  function response(status, headers, body)
    seen = seen + 1
    latencies[seen] = math.floor(now_us() - sent_at)
    if seen == stop_after then
      wrk.thread:set("latencies", table.concat(latencies, ","))
      wrk.thread:stop()
      -- wrk's main thread sleeps for the whole -d; SIGINT (wrk's own stop signal) ends that sleep, so the run's
      -- duration is the time the responses took. (os.execute can't send it: system() ignores SIGINT meanwhile.)
      ffi.C.kill(ffi.C.getpid(), 2)
    end
  end
end

-- The exact percentile of the timed requests (nearest rank), or nil when the run was not a counted one.
local function timed_percentile(p)
  local all = {}
  for _, thread in ipairs(threads) do
    local list = thread:get("latencies")
    if list then
      for value in string.gmatch(list, "%d+") do
        table.insert(all, tonumber(value))
      end
    end
  end
  if #all == 0 then
    return nil
  end
  table.sort(all)
  return all[math.max(1, math.ceil(#all * p / 100))]
end

-- Every request gets the next slot of a fixed schedule (one every 1/rate s), and its connection waits for it: the
-- total rate stays at BENCH_RATE whatever the latency, as long as enough connections are free.
if rate > 0 then
  local interval_ms = 1000 / rate
  local next_ms
  local function now_ms()
    return now_us() / 1000
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
    timed_percentile(50) or latency:percentile(50), timed_percentile(99) or latency:percentile(99),
    seconds > 0 and summary.requests / seconds or 0))
end
