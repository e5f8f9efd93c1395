// The dashboard at /ui in a real Chromium (the apt `chromium`, driven by npm playwright-core; no browser download)
// against a real `engram serve`: sign in, find memories added through the API, search with explain (signal bars and
// excluded candidates), edit (history entry), delete, prove that stored markup renders as text, check the CSP, and
// screenshot every view at 1280 px and 390 px into artifacts/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startEngram } from './engram-server.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const shots = path.join(repoRoot, 'artifacts', 'screenshots');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const xssText = 'Note <script>window.__xss = 1</script><img src=x onerror="window.__xss = 2"> end';
const widths = [{ name: '1280', width: 1280, height: 900 }, { name: '390', width: 390, height: 844 }];

let server;
let browser;

async function call(method, route, body) {
  const response = await fetch(`${server.host}${route}`, {
    method,
    headers: { Authorization: `Token ${server.apiKey}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `${method} ${route}: ${response.status} ${await response.clone().text()}`);
  return response.json();
}

async function add(text, userId = 'alice') {
  const result = await call('POST', '/v3/memories/add/', { messages: [{ role: 'user', content: text }], user_id: userId, infer: false });
  return result.results[0].id;
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startEngram();
  browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  await add('Alice likes green tea in the morning');
  await add('Alice lives in Lisbon');
  await add('Alice prefers green tea over coffee');
  await add(xssText);
  await add('Bob plays the cello', 'bob');
  // One asynchronous add, so that the events page has an event.
  const queued = await call('POST', '/v3/memories/add/', { messages: [{ role: 'user', content: 'I am allergic to peanuts.' }], user_id: 'carol' });
  for (let i = 0; i < 600; i++) {
    const event = await call('GET', `/v1/event/${queued.event_id}/`);
    if (event.status === 'SUCCEEDED' || event.status === 'FAILED') break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function openPage(viewport) {
  const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`); });
  page.on('response', async (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.request().method()} ${response.url()} ${await response.text()}`);
  });
  page.on('dialog', (dialog) => { problems.push(`dialog: ${dialog.message()}`); dialog.dismiss(); });
  return { context, page, problems };
}

async function signIn(page) {
  const response = await page.goto(`${server.host}/ui/`);
  const csp = response.headers()['content-security-policy'];
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  await page.getByLabel('API key').fill(server.apiKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Memories' }).waitFor();
  assert.ok(!page.url().includes(server.apiKey), 'the key never goes in the URL');
}

test('a wrong key is refused with a clear message', async () => {
  const { context, page } = await openPage(widths[0]);
  await page.goto(`${server.host}/ui/`);
  await page.getByLabel('API key').fill('m0-not-a-key');
  await page.keyboard.press('Enter');
  await page.getByRole('alert').filter({ hasText: 'not accepted' }).waitFor();
  await context.close();
});

test('sign in, find, search with explain, edit, delete, and stored markup stays text', async () => {
  const { context, page, problems } = await openPage(widths[0]);
  await signIn(page);

  // Memories table, filtered by scope and text.
  await page.getByLabel('Scope id').fill('alice');
  await page.getByLabel('Text').fill('green tea');
  await page.getByRole('button', { name: 'Apply' }).click();
  const rows = page.locator('#memories-results tbody tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 2);
  assert.ok((await page.locator('#memories-results').innerText()).includes('Alice likes green tea in the morning'));

  // Stored markup renders as text: the literal characters are shown, no element was created, no script ran.
  await page.getByLabel('Text').fill('');
  await page.getByRole('button', { name: 'Apply' }).click();
  const xssLink = page.locator('#memories-results a', { hasText: '<script>' });
  await xssLink.waitFor();
  assert.equal(await xssLink.textContent(), xssText);
  assert.equal(await page.locator('main script, main img').count(), 0);
  await xssLink.click();
  await page.locator('#memory-text').waitFor();
  assert.equal(await page.locator('#memory-text').textContent(), xssText);
  assert.equal(await page.locator('main script, main img').count(), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);

  // Search playground with explain: bars for each hit's signals, and the excluded candidates with reasons.
  await page.getByRole('link', { name: 'Search' }).click();
  await page.getByLabel('Query').fill('green tea');
  await page.getByLabel('Scope id').fill('alice');
  await page.getByLabel('top_k').fill('1');
  await page.getByRole('button', { name: 'Search' }).click();
  const hit = page.locator('.hit').first();
  await hit.waitFor();
  assert.equal(await page.locator('.hit').count(), 1);
  assert.match(await hit.locator('.hit-text').innerText(), /green tea/);
  const bars = hit.locator('.signal');
  assert.ok(await bars.count() >= 2, 'one bar per signal');
  const widthsOfBars = await hit.locator('.bar-fill').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().width));
  assert.ok(widthsOfBars.some((w) => w > 0), `a bar has a length: ${widthsOfBars}`);
  const excluded = page.locator('table.excluded tbody tr');
  assert.ok(await excluded.count() >= 1, 'the other green tea memory was excluded');
  assert.ok((await page.locator('table.excluded').innerText()).includes('ranked beyond top_k'));

  // Edit a memory and see the history entry.
  await hit.locator('.hit-text').click();
  await page.locator('#memory-text').waitFor();
  const original = await page.locator('#memory-text').textContent();
  await page.getByLabel('New text').fill('Alice loves jasmine tea');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.locator('#memory-text', { hasText: 'Alice loves jasmine tea' }).waitFor();
  const history = page.locator('#history li');
  await history.nth(1).waitFor();
  const last = await history.last().innerText();
  assert.match(last, /UPDATE/);
  assert.ok(last.includes(original) && last.includes('Alice loves jasmine tea'), last);

  // Delete it: back on the table, and gone.
  await page.getByRole('button', { name: 'Delete memory' }).click();
  await page.getByRole('button', { name: 'Yes, delete it' }).click();
  await page.getByRole('heading', { level: 1, name: 'Memories' }).waitFor();
  await page.locator('#memories-results tbody tr').first().waitFor();
  assert.ok(!(await page.locator('#memories-results').innerText()).includes('jasmine'));

  assert.deepEqual(problems, []);
  await context.close();
});

test('every view, keyboard reachable, screenshotted at 1280 px and 390 px', async () => {
  for (const viewport of widths) {
    const { context, page, problems } = await openPage(viewport);
    await page.goto(`${server.host}/ui/`);
    await page.screenshot({ path: path.join(shots, `sign-in-${viewport.name}.png`), fullPage: true });
    await signIn(page);

    // Keyboard: on a fresh load the skip link comes first, then the navigation; Enter follows a link.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Memories' }).waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Scopes');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Scopes' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Scopes', 'focus moves to the new heading');

    const views = [
      ['scopes', 'Scopes', async () => { await page.locator('#scopes-user').waitFor(); assert.match(await page.locator('#scopes-user').innerText(), /Users \(3\)/); }],
      ['memories', 'Memories', async () => { await page.locator('#memories-results tbody tr').first().waitFor(); }],
      ['search', 'Search playground', async () => {
        await page.getByLabel('Query').fill('tea');
        await page.getByRole('button', { name: 'Search' }).click();
        await page.locator('.hit').first().waitFor();
      }],
      ['events', 'Events', async () => { await page.locator('table.events tbody tr').first().waitFor(); assert.match(await page.locator('table.events').innerText(), /SUCCEEDED/); }],
      ['stats', 'Stats', async () => { await page.locator('#stat-active').waitFor(); assert.match(await page.locator('#stat-total .tile-value').innerText(), /^[4-9]$/); }],
    ];
    for (const [route, title, check] of views) {
      await page.goto(`${server.host}/ui/#/${route}`);
      await page.getByRole('heading', { level: 1, name: title }).waitFor();
      await check();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${route} at ${viewport.name} px scrolls sideways by ${overflow} px`);
      await page.screenshot({ path: path.join(shots, `${route}-${viewport.name}.png`), fullPage: true });
    }

    await page.goto(`${server.host}/ui/#/memories`);
    await page.locator('#memories-results tbody a').first().click();
    await page.locator('#memory-text').waitFor();
    await page.screenshot({ path: path.join(shots, `memory-${viewport.name}.png`), fullPage: true });

    assert.deepEqual(problems, []);
    await context.close();
  }
});
