-- chair.lua - wrk script: chair screens.  Each connection GETs the chair's
-- live view (PATH, default /chair/lsg-review) with a chair session cookie
-- and waits DELAY_MS (default 2000) before the next refresh.
-- Env: BENCH_DIR, TOKENS (chair tokens), NTHREADS, CHAIR_PATH, DELAY_MS.
local C = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local path = os.getenv("CHAIR_PATH") or "/chair/lsg-review"
local wait = tonumber(os.getenv("DELAY_MS") or "2000")

setup = C.setup

local toks, i
local hdrs = { ["Accept"] = "text/html" }
ok, other, first_bad = 0, 0, nil

function init(args)
  toks = C.token_slice(os.getenv("TOKENS"), tid, C.nthreads, 0)
  i = 0
end

function delay()
  return wait
end

function request()
  i = i % #toks + 1
  hdrs["Cookie"] = "snd_session=" .. toks[i]
  return wrk.format("GET", path, hdrs)
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1
  else
    other = other + 1
    if first_bad == nil then first_bad = status .. " " .. body:sub(1, 200) end
  end
end

function done(summary, latency, requests)
  C.done(summary, latency, { "ok", "other" })
end
