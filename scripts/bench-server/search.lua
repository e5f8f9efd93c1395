-- wrk script: POST /v3/memories/search/ for one user, cycling through queries.
-- Usage: API_KEY=m0-… wrk -t2 -c16 -d30s -s search.lua http://127.0.0.1:8765
local queries = {
  "Who visited Lisbon?", "sourdough bread", "What did Ana buy last week?", "hiking route in the Alps",
  "jazz album", "Who lost her car keys?", "opera tickets", "a puppy named Max", "chess set downtown",
  "green tea from Kyoto", "marathon plan in March", "book about volcanoes",
}
local key = os.getenv("API_KEY")
local bodies = {}
for i, q in ipairs(queries) do
  bodies[i] = string.format('{"query":"%s","filters":{"user_id":"bench-user"},"top_k":10}', q)
end
local n = 0

request = function()
  n = n + 1
  return wrk.format("POST", "/v3/memories/search/", {
    ["Authorization"] = "Token " .. key,
    ["Content-Type"] = "application/json",
  }, bodies[(n % #bodies) + 1])
end

response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end
