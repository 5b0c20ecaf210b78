-- wrk script: GET PREFIX..value, cycling through the values in VALUES_FILE (one per line),
-- so that a benchmark reads the whole table rather than one cached row.
local prefix = os.getenv("PREFIX")
local values = {}
for line in io.lines(os.getenv("VALUES_FILE")) do
  if #line > 0 then values[#values + 1] = line end
end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", prefix .. values[(i % #values) + 1])
end
