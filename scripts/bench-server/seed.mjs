// Seeds N memories into a running `engram serve` through the API (POST /v3/memories/add/ with infer:false, 100
// messages per request), for one user. Deterministic text: sentences drawn from a fixed vocabulary with a fixed seed.
// Usage: node seed.mjs HOST API_KEY [COUNT=10000] [USER=bench-user]
const [host, apiKey, countArg = '10000', userId = 'bench-user'] = process.argv.slice(2);
if (!host || !apiKey) {
  console.error('usage: node seed.mjs HOST API_KEY [COUNT] [USER]');
  process.exit(2);
}

const subjects = ['Ana', 'Bob', 'Caroline', 'Dmitri', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jon', 'Kemal', 'Lena'];
const verbs = ['loves', 'visited', 'bought', 'cooked', 'painted', 'studied', 'fixed', 'planned', 'recommended', 'lost', 'found', 'sold'];
const objects = ['a red bicycle', 'the old piano', 'a trip to Lisbon', 'sourdough bread', 'a watercolor of the harbor', 'Spanish grammar',
  'the kitchen sink', 'a hiking route in the Alps', 'a jazz album', 'her car keys', 'a vintage camera', 'the garden shed', 'a chess set',
  'a cello lesson', 'green tea from Kyoto', 'a marathon plan', 'a book about volcanoes', 'the support group meeting', 'a puppy named Max',
  'tickets for the opera'];
const times = ['last week', 'yesterday', 'in March', 'on Sunday', 'two years ago', 'this morning', 'during the holidays', 'after work'];
const places = ['in Porto', 'at the market', 'with friends', 'near the lake', 'in Berlin', 'at home', 'downtown', 'by the sea'];

let state = 42;
const next = (n) => {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state % n;
};
const pick = (list) => list[next(list.length)];

const count = Number(countArg);
const perRequest = 100;
const started = Date.now();
for (let done = 0; done < count; done += perRequest) {
  const messages = [];
  for (let i = done; i < Math.min(count, done + perRequest); i++) {
    messages.push({ role: 'user', content: `${pick(subjects)} ${pick(verbs)} ${pick(objects)} ${pick(places)} ${pick(times)} (note ${i}).` });
  }
  const response = await fetch(`${host}/v3/memories/add/`, {
    method: 'POST',
    headers: { Authorization: `Token ${apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ messages, user_id: userId, infer: false }),
  });
  if (!response.ok) {
    console.error(`add failed: ${response.status} ${await response.text()}`);
    process.exit(1);
  }
}
console.log(`seeded ${count} memories for ${userId} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
