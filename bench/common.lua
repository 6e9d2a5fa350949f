-- common.lua - shared by the bench wrk scripts (loaded with dofile from
-- BENCH_DIR): token slices, body lists and the machine-readable summary.
local M = {}

-- This thread's slice of the token file: lines of fixed width (gen tokens
-- pads them), so a thread seeks straight to its part.  LIMIT (if > 0) uses
-- only the first LIMIT tokens of the file; OFFSET (env) skips that many
-- first (profile.sh warms up on tokens the measured run does not use).
-- The open file, its line width, this thread's count and its first byte.
local function slice_of(path, tid, nthreads, limit)
  local f = assert(io.open(path, "rb"))
  local first = f:read("*l")
  local width = #first + 1
  local offset = tonumber(os.getenv("OFFSET") or "0")
  local total = f:seek("end") / width - offset
  if limit and limit > 0 and limit < total then total = limit end
  local per = math.floor(total / nthreads)
  assert(per > 0, "fewer tokens than threads")
  return f, width, per, (offset + tid * per) * width
end

function M.token_slice(path, tid, nthreads, limit)
  local f, width, per, base = slice_of(path, tid, nthreads, limit)
  f:seek("set", base)
  local blob = f:read(per * width)
  f:close()
  local toks = {}
  for k = 0, per - 1 do
    toks[k + 1] = blob:sub(k * width + 1, k * width + width - 1):match("^(%S+)")
  end
  return toks
end

-- The same slice read lazily, one token per call of reader.next(), through
-- a 64 KB buffer: init() then costs nothing.  That matters: wrk runs each
-- thread's init() in turn and starts the thread at once, and only then
-- starts its clock, so a slow init() (reading 100 MB of tokens into Lua
-- strings took ~1 s for a cold run) lets the threads started first send
-- requests that are counted but fall outside the measured time.
-- reader.wraps counts how often the slice ran out and started over.
function M.token_reader(path, tid, nthreads, limit)
  local f, width, per, base = slice_of(path, tid, nthreads, limit)
  f:setvbuf("full", 65536)
  f:seek("set", base)
  local k = 0
  local reader = { wraps = 0, count = per }
  function reader.next()
    if k == per then
      k = 0
      reader.wraps = reader.wraps + 1
      f:seek("set", base)
    end
    k = k + 1
    return f:read(width):match("^(%S+)")
  end
  return reader
end

-- The non-empty lines of a file, lazily and cyclically (for flow.lua's 64
-- threads, which would otherwise each read all the bodies in init()),
-- starting after `skip` lines.
function M.line_reader(path, skip)
  local f = assert(io.open(path, "rb"))
  f:setvbuf("full", 65536)
  local reader = {}
  function reader.next()
    for _ = 1, 2 do
      local line = f:read("*l")
      while line ~= nil and #line == 0 do line = f:read("*l") end
      if line then return line end
      f:seek("set", 0)
    end
    error(path .. ": empty")
  end
  for _ = 1, skip or 0 do reader.next() end
  return reader
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
