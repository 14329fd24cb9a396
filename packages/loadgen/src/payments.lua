-- wrk script of runWrkPayments (wrk.ts; `npm run bench`, `bench:cutover`): POST /v1/payments with a new
-- Idempotency-Key per request, the key also in metadata.loadgen_key (as @quickship/loadgen does)
-- so the benchmark can count what was stored. Arguments: <key prefix> <API key> <expiry year>.
-- done() (summary.lua, beside this file) prints one JSON line with the counts and latency percentiles.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "summary.lua")

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
