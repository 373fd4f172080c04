-- wrk script behind bench/loadgen.py: sends logical operations built from a spec file.
--
-- The spec (a Lua file written by loadgen.py) is a list of variants; each variant is a
-- list of steps {method, path, body, capture, marker}. A logical operation is one random
-- variant; "{u}" becomes a token unique to the operation. A two-step operation (create a
-- version, then its artifact) captures an id from the first response: wrk does not say
-- which connection a response belongs to, so the first step's response is recognised by
-- its marker text and its id queued for the next request any connection sends.
--
-- One-step operations keep the client cheap, since on two cores it competes with the
-- server: requests without "{u}" are built once, and no response function is kept, so
-- wrk hands no bodies to Lua (a page of 100 versions is 40 KB); wrk's own counts give
-- the operations and the errors (status 400 and above) then.

local variants, prefix
local counter = 0
local queue, head, tail = {}, 1, 0
ops, errors, first_error, tid, one_step = 0, 0, "", 0, false

local threads = {}
local next_tid = 0

function setup(thread)
  next_tid = next_tid + 1
  thread:set("tid", next_tid)
  table.insert(threads, thread)
end

local function fill(text, u, id)
  text = text:gsub("{u}", u)
  if id then text = text:gsub("{id}", id) end
  return text
end

local function build(step, u, id)
  local headers = {}
  local body = nil
  if step.body ~= "" then
    headers["Content-Type"] = "application/json"
    body = fill(step.body, u, id)
  end
  return wrk.format(step.method, fill(step.path, u, id), headers, body)
end

local prebuilt = {}

function init(args)
  variants = dofile(args[1])
  prefix = args[2]
  math.randomseed(os.time() * 1000 + (tid or 0))
  one_step = #variants[1] == 1
  if one_step then
    response = nil -- wrk looks for it once init returns
    for i, variant in ipairs(variants) do
      local step = variant[1]
      if not (step.path .. step.body):find("{u}", 1, true) then
        prebuilt[i] = build(step, "", nil)
      end
    end
  end
end

function request()
  if head <= tail then
    local item = queue[head]
    queue[head] = nil
    head = head + 1
    return build(item.step, item.u, item.id)
  end
  local pick = math.random(#variants)
  if prebuilt[pick] then return prebuilt[pick] end
  counter = counter + 1
  local u = prefix .. "-" .. tid .. "-" .. counter
  return build(variants[pick][1], u, nil)
end

function response(status, headers, body)
  if status >= 400 then
    errors = errors + 1
    if first_error == "" then first_error = status .. " " .. (body or ""):sub(1, 300) end
    return
  end
  local first = variants[1][1]
  if #variants[1] > 1 and body and body:find(first.marker, 1, true) then
    -- The id alone does not say which variant sent it, so every variant shares step 2.
    local id = body:match(first.capture)
    tail = tail + 1
    counter = counter + 1
    queue[tail] = { step = variants[1][2], u = prefix .. "-" .. tid .. "-" .. counter, id = id }
    return
  end
  ops = ops + 1
end

function done(summary, latency, requests)
  local total_ops, total_errors, sample = 0, 0, ""
  for _, thread in ipairs(threads) do
    total_ops = total_ops + thread:get("ops")
    total_errors = total_errors + thread:get("errors")
    local e = thread:get("first_error")
    if sample == "" and e ~= "" then sample = e end
  end
  local e = summary.errors
  if threads[1]:get("one_step") then -- wrk counted the operations itself
    total_errors = e.status
    total_ops = summary.requests - e.status
    if e.status > 0 then sample = e.status .. " responses with status 400 or above" end
  end
  io.write(string.format(
    '\nLOADGEN {"ops": %d, "errors": %d, "requests": %d, "duration_us": %d, '
      .. '"socket_errors": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "mean_us": %.1f}\n'
      .. 'LOADGEN_FIRST_ERROR %s\n',
    total_ops, total_errors, summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean,
    (sample:gsub("[\r\n]", " "))))
end
