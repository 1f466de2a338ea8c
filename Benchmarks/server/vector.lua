-- wrk: vector search in a collection of the caller's: a random 128-d query, top 10.
local key = os.getenv("TROVE_KEY")
local dim = tonumber(os.getenv("DIM") or "128")
request = function()
    local v = {}
    for i = 1, dim do v[i] = string.format("%.4f", math.random() * 2 - 1) end
    return wrk.format("POST", "/api/collections/bench/search",
                      {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"},
                      '{"vector": [' .. table.concat(v, ",") .. '], "limit": 10, "include_documents": false}')
end
