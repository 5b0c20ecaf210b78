-- wrk script: GET /v1/communes/{code}, cycling through every commune code so that the
-- benchmark reads the whole table rather than one cached row.
local codes = {}
for line in io.lines(os.getenv("CODES_FILE")) do
  if #line == 5 then codes[#codes + 1] = line end
end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/v1/communes/" .. codes[(i % #codes) + 1])
end
