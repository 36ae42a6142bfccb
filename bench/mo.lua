-- bench/mo.lua: wrk request generator for the runs against peers
-- (bench/ingest --kannel): every request a GET of /sms/generic with a
-- message in the query, as Kannel's generic HTTP SMSC and papigwd both
-- take it, each with an id unique to the run, the wrk thread and the
-- request (RUN-THREAD-N), from a sender of its own: each one makes a
-- message, a case and an acknowledgement.
--
--	wrk -s bench/mo.lua URL -- RUN

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
	run = args[1] or tostring(os.time())
	n = 0
end

function request()
	n = n + 1
	return wrk.format("GET", string.format("/sms/generic?from=%%2B849%d%07d" ..
	    "&to=8089&id=%s-%d-%d&text=%s", tid, n % 10000000, run, tid, n,
	    text))
end
