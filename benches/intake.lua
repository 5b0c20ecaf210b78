-- wrk script for benches/intake.sh: POST /v1/petitions with a feedback petition (a citizen,
-- one attachment), the partner's key, and a new Idempotency-Key on every request, so that
-- every request is a fresh submission, never a replay.
--
--   API_KEY=tdk_… KEY_PREFIX=run1 wrk -t1 -c8 -d10s -s benches/intake.lua http://127.0.0.1:18080
--
-- KEY_PREFIX must differ between runs against the same database (keys are kept 48 hours).

local api_key = os.getenv("API_KEY") or error("API_KEY is required")
local prefix = os.getenv("KEY_PREFIX") or tostring(os.time())

local body = [[{"kind":"feedback","category":"environment","commune_code":"00004",]]
  .. [["title":"Rác thải tồn đọng","description":"Rác không được thu gom ba ngày nay ở ngõ 5.",]]
  .. [["location":{"lat":21.03,"lon":105.83},]]
  .. [["attachments":[{"url":"https://cdn.example.vn/a.jpg","media_type":"image/jpeg"}],]]
  .. [["citizen":{"partner_ref":"u-1","full_name":"Nguyễn Văn An","phone":"0912345678",]]
  .. [["address":"12 Phố Huế"}}]]

-- Each wrk thread has its own Lua state; number them so their keys differ.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

local sent = 0
function request()
  sent = sent + 1
  return wrk.format("POST", "/v1/petitions", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. api_key,
    ["Idempotency-Key"] = string.format("%s-%d-%d", prefix, thread_id or 0, sent),
  }, body)
end
