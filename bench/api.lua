-- api.lua - wrk script: POST /api/v1/questionnaires/QID/responses with the
-- next pre-issued token as Authorization: Bearer and a varied JSON body.
-- Env: BENCH_DIR (this directory), TOKENS (gen tokens output), BODIES (gen
-- answers --format json output), NTHREADS (= wrk -t), QID (default
-- lsg-review), LIMIT (use only the first LIMIT tokens: delegates revising;
-- 0 = all, each used once while they last).
-- Counts 201s per thread ("created") and anything else ("other"); WRAPS says
-- how often a thread ran out of its tokens and started over (a cold run
-- needs WRAPS 0).
local C = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local qid = os.getenv("QID") or "lsg-review"
local path = "/api/v1/questionnaires/" .. qid .. "/responses"

setup = C.setup

local toks, bodies, i, nb
local hdrs = { ["Content-Type"] = "application/json" }
created, other, wraps, first_bad = 0, 0, 0, nil

-- With LIMIT (delegates revising), each thread's requests repeat: its
-- tokens are few, so they are formatted once in init() (a few ms for a
-- slice of 500) and request() only picks the next one, as a user's own
-- load test over a fixed set of delegates would.  Without LIMIT each
-- token is used once and is formatted when it is sent.
local pre, npre

function init(args)
  local limit = tonumber(os.getenv("LIMIT") or "0")
  toks = C.token_reader(os.getenv("TOKENS"), tid, C.nthreads, limit)
  bodies = C.lines(os.getenv("BODIES"))
  nb = #bodies
  i = 0
  if limit > 0 and toks.count <= 4096 then
    pre, npre = {}, toks.count
    for k = 1, npre do
      hdrs["Authorization"] = "Bearer " .. toks.next()
      pre[k] = wrk.format("POST", path, hdrs, bodies[(k + tid * 7) % nb + 1])
    end
  end
end

function request()
  i = i + 1
  if pre then
    if i > npre then i, wraps = 1, wraps + 1 end
    return pre[i]
  end
  hdrs["Authorization"] = "Bearer " .. toks.next()
  wraps = toks.wraps
  return wrk.format("POST", path, hdrs, bodies[(i + tid * 7) % nb + 1])
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  else
    other = other + 1
    if first_bad == nil then first_bad = status .. " " .. body end
  end
end

function done(summary, latency, requests)
  C.done(summary, latency, { "created", "other", "wraps" })
end
