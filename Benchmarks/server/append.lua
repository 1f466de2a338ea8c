-- wrk: POST a message without a model call into one of the seeded conversations.
-- Conversation ids come from conversations.txt (one per line), written by run.sh.
local words = {"lighthouse", "harbour", "kettle", "garden", "otter", "lantern", "storm", "orchard", "river", "bridge",
               "invoice", "server", "backup", "password", "deploy", "network", "printer", "meeting", "report", "budget"}
local conversations = {}
for line in io.lines(os.getenv("CONVERSATIONS") or "conversations.txt") do conversations[#conversations + 1] = line end
local key = os.getenv("TROVE_KEY")
local n = 0
math.randomseed(os.time() + (tonumber(os.getenv("SEED") or "1")))

request = function()
    n = n + 1
    local text = {}
    for i = 1, 12 do text[i] = words[math.random(#words)] end
    local conv = conversations[math.random(#conversations)]
    local body = '{"content": "' .. table.concat(text, " ") .. ' ' .. n .. '", "reply": false}'
    return wrk.format("POST", "/api/conversations/" .. conv .. "/messages",
                      {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"}, body)
end
