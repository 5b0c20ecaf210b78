-- wrk script for benches/inbox.sh: POST /v1/auth/login with a staff account's username and
-- password (STAFF_USERNAME, STAFF_PASSWORD), every request a full sign-in: the password is checked
-- against its argon2id hash and a new token pair is issued (a refresh token row written).
--
--   STAFF_USERNAME=canbo.badinh STAFF_PASSWORD='…' wrk -t1 -c16 -d10s --latency -s benches/login.lua \
--     http://127.0.0.1:18080
--
-- Start the server with LOGIN_RATE_LIMIT high enough (e.g. 100000000), or the per-username
-- budget (10 a minute by default) answers 429 after the first few requests.

local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return string.format("\\u%04x", c:byte())
  end) .. '"'
end

local username = os.getenv("STAFF_USERNAME") or error("STAFF_USERNAME is required")
local password = os.getenv("STAFF_PASSWORD") or error("STAFF_PASSWORD is required")

wrk.method = "POST"
wrk.path = "/v1/auth/login"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"username":' .. json_string(username) .. ',"password":' .. json_string(password) .. '}'
