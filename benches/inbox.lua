-- wrk script for benches/inbox.sh: GET the URL given to wrk (an office's inbox, with or without
-- filters) as a signed-in official, with the access token from TOKEN.
--
--   TOKEN=eyJ… wrk -t1 -c16 -d10s --latency -s benches/inbox.lua \
--     'http://127.0.0.1:18080/v1/petitions?overdue=true'
--
-- Access tokens last 15 minutes: sign in again for a longer run.

local token = os.getenv("TOKEN") or error("TOKEN (an access token) is required")
wrk.headers["Authorization"] = "Bearer " .. token
