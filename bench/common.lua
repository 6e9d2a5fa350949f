-- common.lua - shared by the bench wrk scripts (loaded with dofile from
-- BENCH_DIR): token slices, body lists and the machine-readable summary.
local M = {}

-- This thread's slice of the token file: lines of fixed width (gen tokens
-- pads them), so a thread seeks straight to its part.  LIMIT (if > 0) uses
-- only the first LIMIT tokens of the file; OFFSET (env) skips that many
-- first (profile.sh warms up on tokens the measured run does not use).
function M.token_slice(path, tid, nthreads, limit)
  local f = assert(io.open(path, "rb"))
  local first = f:read("*l")
  local width = #first + 1
  local offset = tonumber(os.getenv("OFFSET") or "0")
  local total = f:seek("end") / width - offset
  if limit and limit > 0 and limit < total then total = limit end
  local per = math.floor(total / nthreads)
  assert(per > 0, "fewer tokens than threads")
  f:seek("set", (offset + tid * per) * width)
  local blob = f:read(per * width)
  f:close()
  local toks = {}
  for k = 0, per - 1 do
    toks[k + 1] = blob:sub(k * width + 1, k * width + width - 1):match("^(%S+)")
  end
  return toks
end

function M.lines(path)
  local t = {}
  for line in io.lines(path) do
    if #line > 0 then t[#t + 1] = line end
  end
  assert(#t > 0, path .. ": empty")
  return t
end

-- Threads registered in setup() so done() can sum their counters.
M.threads = {}
M.nthreads = tonumber(os.getenv("NTHREADS") or "2")

function M.setup(thread)
  thread:set("tid", #M.threads)
  M.threads[#M.threads + 1] = thread
end

-- Prints RPS, P50_US, P99_US, ERRORS, REQUESTS and the sum over threads of
-- every counter named in `counters` (thread globals), one per line.
function M.done(summary, latency, counters)
  local e = summary.errors
  io.write(string.format("RPS %.0f\nP50_US %d\nP99_US %d\nMAX_US %d\nERRORS %d\nREQUESTS %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.status + e.timeout, summary.requests))
  io.write(string.format("ERR_DETAIL connect=%d,read=%d,write=%d,status=%d,timeout=%d\n",
    e.connect, e.read, e.write, e.status, e.timeout))
  for _, name in ipairs(counters) do
    local sum = 0
    for _, t in ipairs(M.threads) do sum = sum + (t:get(name) or 0) end
    io.write(string.format("%s %d\n", name:upper(), sum))
  end
  for _, t in ipairs(M.threads) do
    local bad = t:get("first_bad")
    if bad then io.write("FIRST_BAD " .. bad:gsub("%s+", " "):sub(1, 300) .. "\n"); break end
  end
end

return M
