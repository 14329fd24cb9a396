-- wrk script of runWrkPayments (wrk.ts; `npm run bench`, `bench:cutover`): POST /v1/payments with a new
-- Idempotency-Key per request, the key also in metadata.loadgen_key (as @quickship/loadgen does)
-- so the benchmark can count what was stored. Arguments: <key prefix> <API key> <expiry year>.
-- done() prints one JSON line with the counts and latency percentiles (microseconds).
local counter = 0

function init(args)
  prefix = args[1]
  auth = "Bearer " .. args[2]
  year = args[3]
end

function request()
  counter = counter + 1
  local key = prefix .. counter
  local body = '{"amount":' .. (100 + counter % 9900) .. ',"currency":"usd",' ..
    '"card":{"number":"4242424242424242","exp_month":12,"exp_year":' .. year .. ',"cvc":"123"},' ..
    '"description":"bench ' .. key .. '","metadata":{"loadgen_key":"' .. key .. '"}}'
  return wrk.format("POST", "/v1/payments",
    { ["Authorization"] = auth, ["Content-Type"] = "application/json", ["Idempotency-Key"] = key }, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_SUMMARY {"requests":%d,"durationUs":%d,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,' ..
    '"minUs":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"p999Us":%d,"maxUs":%d,"meanUs":%.1f}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency.min, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean))
end
