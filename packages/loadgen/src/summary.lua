-- wrk script of runWrkGet (wrk.ts), and the done() that payments.lua loads too: one JSON line
-- (WRK_SUMMARY) with the counts and latency percentiles (microseconds) for parseWrkSummary. With
-- no request() of its own, wrk sends its plain GET of the target URL.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_SUMMARY {"requests":%d,"durationUs":%d,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,' ..
    '"minUs":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"p999Us":%d,"maxUs":%d,"meanUs":%.1f}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency.min, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean))
end
