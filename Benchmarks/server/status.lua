-- Appended to each script: count answers that are not 2xx, printed after the run.
local errors = 0
response = function(status, headers, body)
    if status >= 300 then errors = errors + 1 end
end
done = function(summary, latency, requests)
    io.write(string.format("non2xx %d\n", errors))
end
