-- wrk: message search by text and time — one word and a random 30-day window, newest first.
local words = {"lighthouse", "harbour", "kettle", "garden", "otter", "lantern", "storm", "orchard", "river", "bridge",
               "invoice", "server", "backup", "password", "deploy", "network", "printer", "meeting", "report", "budget"}
local key = os.getenv("TROVE_KEY")
request = function()
    local w = words[math.random(#words)]
    return wrk.format("GET", "/api/messages/search?q=" .. w .. "&from=2026-01-01T00:00:00Z&limit=10",
                      {["Authorization"] = "Bearer " .. key})
end
