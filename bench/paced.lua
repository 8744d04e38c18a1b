-- wrk: one request every BENCH_OPEN_DELAY_MS (default 5 ms) per connection,
-- so open latency is measured at a steady pace, not back to back.
local pause = tonumber(os.getenv("BENCH_OPEN_DELAY_MS") or "5")
function delay()
	return pause
end
