-- bench/ingest.lua: wrk request generator for bench/ingest.
--
--	wrk -s bench/ingest.lua URL -- generic|twilio RUN
--
-- Every request is a form POST carrying a message with an id unique to
-- the run, the wrk thread and the request (RUN-THREAD-N), so that none is
-- a duplicate, from a sender of its own (the thread's and the request's
-- number), so that none is a follow-up of an open case: each one makes a
-- message, a case and an acknowledgement, however many a run sends.

-- "Cống thoát nước hẻm 42 bị tắc, đường ngập nước", URL-encoded.
local text = "C%E1%BB%91ng+tho%C3%A1t+n%C6%B0%E1%BB%9Bc+h%E1%BA%BBm+42+" ..
    "b%E1%BB%8B+t%E1%BA%AFc%2C+%C4%91%C6%B0%E1%BB%9Dng+ng%E1%BA%ADp+" ..
    "n%C6%B0%E1%BB%9Bc"

local nthreads = 0

function setup(thread)
	nthreads = nthreads + 1
	thread:set("tid", nthreads)
end

function init(args)
	kind = args[1] or "generic"
	run = args[2] or tostring(os.time())
	n = 0
	wrk.method = "POST"
	wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
	n = n + 1
	local id = run .. "-" .. tid .. "-" .. n
	local from = string.format("%%2B849%d%07d", tid, n % 10000000)
	local body
	if kind == "twilio" then
		body = "MessageSid=SM" .. id .. "&AccountSid=ACbench&From=" ..
		    from .. "&To=%2B842838000000&Body=" .. text ..
		    "&NumMedia=0&NumSegments=1&SmsStatus=received&ApiVersion=" ..
		    "2010-04-01"
	else
		body = "from=" .. from .. "&to=8088&id=" .. id .. "&text=" .. text
	end
	return wrk.format(nil, nil, nil, body)
end

-- The 99.9th percentile, which wrk's --latency leaves out: a line as
-- theirs (bench/ingest reads it).
function done(summary, latency, requests)
	io.write(string.format("  99.9%%  %.2fms\n",
	    latency:percentile(99.9) / 1000))
end
