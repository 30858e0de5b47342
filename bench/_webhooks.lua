-- wrk script for bench/webhooks.py: replays pre-signed deliveries (path TAB timestamp TAB signature TAB body
-- per line, from $HRSYNC_BENCH_REQUESTS); each thread takes every n-th line, so no two threads send the same one.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  accepted, duplicates, refused = 0, 0, 0
  local step = tonumber(os.getenv("HRSYNC_BENCH_THREADS"))
  prepared, position = {}, 1
  local number = 0
  for line in io.lines(os.getenv("HRSYNC_BENCH_REQUESTS")) do
    if number % step == id then
      local path, stamp, signature, body = line:match("([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)")
      prepared[#prepared + 1] = wrk.format("POST", path, {["Content-Type"] = "application/json",
        ["X-BambooHR-Timestamp"] = stamp, ["X-BambooHR-Signature"] = signature}, body)
    end
    number = number + 1
  end
end

function request()
  local prepared_request = prepared[position]
  position = position % #prepared + 1
  return prepared_request
end

function response(status, headers, body)
  if status == 202 then
    if body and body:find("duplicate", 1, true) then duplicates = duplicates + 1 else accepted = accepted + 1 end
  else
    refused = refused + 1
  end
end

function done(summary, latency, requests)
  local a, d, r = 0, 0, 0
  for _, thread in ipairs(threads) do
    a, d, r = a + thread:get("accepted"), d + thread:get("duplicates"), r + thread:get("refused")
  end
  local e = summary.errors
  io.write(string.format('{"requests": %d, "seconds": %.3f, "p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, '
    .. '"max_ms": %.3f, "accepted": %d, "duplicates": %d, "refused": %d, "socket_errors": %d}\n', summary.requests,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, a, d, r, e.connect + e.read + e.write + e.timeout))
end
