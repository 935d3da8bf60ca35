-- wrk script for bench/events-bench.sh: POST /events/push with a small JSON body, at_least_once, one
-- source ("bench", the rate limit is switched off in the benchmark home), event type "bench.push" (no
-- handler matches it, so this measures admission: validation, group commit, audit record, answer).
-- The bearer token comes from wrk's -H flag.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local n = 0

request = function()
  n = n + 1
  local body = string.format(
    '{"source":"bench","event_type":"bench.push","delivery":"at_least_once","payload":{"n":%d,"note":"wrk load"}}', n)
  return wrk.format(nil, "/events/push", nil, body)
end
