-- The score-item write, for wrk: PUT …/scoring-record/items/{code} under If-Match. Each item is
-- written by one connection at a time and always sent with its current ETag, so every write
-- succeeds; any other answer is counted by wrk ("Non-2xx or 3xx responses") and fails the run.
--
-- BENCH_ITEMS names a file of open items, one a line: path, token, ETag (tab-separated), as
-- bench/seed.py writes it; BENCH_THREADS is wrk's -t. Each thread takes every BENCH_THREADS-th
-- item, so no two threads share one. A response finds its item by the X-Request-Id the request
-- carried (the service echoes a plain caller id), since wrk does not say which connection
-- answered.

local created = 0
function setup(thread)
  thread:set("index", created)
  created = created + 1
end

local slots, free = {}, {}
local body = '{"deductions":[]}'

function init(args)
  local threads = tonumber(os.getenv("BENCH_THREADS") or "1")
  local n = 0
  for line in io.lines(os.getenv("BENCH_ITEMS")) do
    local path, token, etag = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)$")
    if path and n % threads == index then
      slots[#slots + 1] = { path = path, token = token, etag = etag }
      free[#free + 1] = #slots
    end
    n = n + 1
  end
end

function request()
  -- More items than connections: a free one is always there while every answer is a 200.
  local slot = table.remove(free) or 1
  local item = slots[slot]
  return wrk.format("PUT", item.path, {
    ["Authorization"] = "Bearer " .. item.token,
    ["Content-Type"] = "application/json",
    ["If-Match"] = item.etag,
    ["X-Request-Id"] = "bench-" .. slot,
  }, body)
end

function response(status, headers, body)
  local id = headers["x-request-id"] or headers["X-Request-Id"] or ""
  local slot = tonumber(id:match("^bench%-(%d+)$") or "")
  if slot == nil then
    return
  end
  if status == 200 then
    slots[slot].etag = headers["etag"] or headers["ETag"]
  end
  free[#free + 1] = slot
end
