-- flow.lua - wrk script for the full delegate flow, as a browser does it:
-- GET /q/QID with the session cookie, take the _csrf hidden field from the
-- page, POST the urlencoded answers with it (303 to the receipt expected).
-- Run with one connection per thread (wrk -tN -cN): wrk's Lua state is per
-- thread, so request()/response() then alternate for exactly one connection
-- and the GET/POST pairing is exact.  Each flow uses the next token of the
-- thread's slice (cold: a new delegate per flow).
-- Env: BENCH_DIR, TOKENS, BODIES (gen answers --format urlenc), NTHREADS,
-- QID, LIMIT (as in api.lua).
-- Counters: flows (POST answered 303), gets (GET 200 with a _csrf),
-- other (anything else).  FLOWS / duration = flows/s.
local C = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local qid = os.getenv("QID") or "lsg-review"
local path = "/q/" .. qid

setup = C.setup

local toks, bodies, i, csrf, cookie
local get_hdrs = { ["Accept"] = "text/html", ["Accept-Language"] = "en" }
local post_hdrs = { ["Content-Type"] = "application/x-www-form-urlencoded",
                    ["Accept"] = "text/html" }
flows, gets, other, wraps, first_bad = 0, 0, 0, 0, nil
local posting = false

function init(args)
  toks = C.token_reader(os.getenv("TOKENS"), tid, C.nthreads, tonumber(os.getenv("LIMIT") or "0"))
  bodies = C.line_reader(os.getenv("BODIES"), tid * 7)
  i = 0
end

function request()
  if csrf then
    posting = true
    post_hdrs["Cookie"] = cookie
    local body = "_csrf=" .. csrf .. "&" .. bodies.next()
    csrf = nil
    return wrk.format("POST", path, post_hdrs, body)
  end
  posting = false
  i = i + 1
  cookie = "snd_session=" .. toks.next()
  wraps = toks.wraps
  get_hdrs["Cookie"] = cookie
  return wrk.format("GET", path, get_hdrs)
end

function response(status, headers, body)
  if posting then
    if status == 303 then flows = flows + 1
    else
      other = other + 1
      if first_bad == nil then first_bad = "POST " .. status .. " " .. body:sub(1, 200) end
    end
  else
    csrf = status == 200 and body:match('name="_csrf" value="(%x+)"') or nil
    if csrf then gets = gets + 1
    else
      other = other + 1
      if first_bad == nil then first_bad = "GET " .. status .. " " .. body:sub(1, 200) end
    end
  end
end

function done(summary, latency, requests)
  C.done(summary, latency, { "flows", "gets", "other", "wraps" })
end
