// End-to-end test of the pages in Debian's headless Chromium, driven by playwright-core (no
// browser download: the browser is /usr/bin/chromium, or $CHROMIUM).
//
//   node tests/browser/e2e.mjs BASE_URL ADMIN_TOKEN DOCS_DIR
//
// BASE_URL is a databank server holding the seed data whose admin token is ADMIN_TOKEN (the Rust
// test tests/browser.rs starts one). Screenshots of the search page go to DOCS_DIR. Each step
// prints "ok - …"; the first failure prints "not ok - …" with the reason and exits 1. Every page
// is checked with axe-core (no serious or critical violation), and any script error or
// Content-Security-Policy violation in any page fails the run.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const [base, token, docsDir] = process.argv.slice(2);
if (!base || !token || !docsDir) {
  console.error('usage: node e2e.mjs BASE_URL ADMIN_TOKEN DOCS_DIR');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
if (!fs.existsSync(executablePath)) {
  console.error(`not ok - no Chromium at ${executablePath}: install Debian's package (apt-get install chromium) or set CHROMIUM`);
  process.exit(1);
}
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const TIMEOUT = 60_000; // a slow, shared 2-core CI machine: wait for elements generously, never sleep

let passed = 0;
const problems = []; // script errors and CSP violations seen in any page

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

async function step(name, body) {
  const started = Date.now();
  try {
    await body();
  } catch (error) {
    console.log(`not ok - ${name}\n  ${String(error.stack || error).split('\n').join('\n  ')}`);
    throw error;
  }
  if (problems.length) {
    const seen = problems.splice(0);
    console.log(`not ok - ${name}: the page reported errors\n  ${seen.join('\n  ')}`);
    throw new Error('page errors');
  }
  passed += 1;
  console.log(`ok - ${name} (${Date.now() - started} ms)`);
}

function watch(page) {
  page.setDefaultTimeout(TIMEOUT);
  page.setDefaultNavigationTimeout(TIMEOUT);
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // Chromium logs every 4xx answer as an error; the staff page expects 422 from a dry run
    // with bad rows, and an unknown initiative is a 404. Server errors are caught below.
    if (message.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on('response', (response) => {
    if (response.status() >= 500) problems.push(`${response.status()} from ${response.url()}`);
  });
  return page;
}

/** axe-core in the page: fails on any violation of impact serious or critical. */
async function checkAccessibility(page, what) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const run = await window.axe.run(document);
    return { violations: run.violations, passes: run.passes.length };
  });
  console.log(`  # axe ${what}: ${result.passes} rules pass, ${result.violations.length} violation(s)`);
  assert(result.passes > 20, `axe checked almost nothing on ${what}`);
  const blocking = result.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
  for (const v of result.violations) {
    console.log(`  # axe ${what}: ${v.impact} ${v.id} (${v.nodes.length}): ${v.help}`);
  }
  assert(!blocking.length, `axe found serious/critical violations on ${what}:\n${blocking.map((v) =>
    `${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n    ')}`).join('\n')}`);
}

/** The hits shown: [{id, country, languages}]. */
function hits(page) {
  return page.$$eval('#hits li.hit', (items) => items.map((li) => ({
    id: li.dataset.id, country: li.dataset.country, languages: li.dataset.languages.split(','),
  })));
}

/** The country facet as {code: count}. */
function countryCounts(page) {
  return page.$$eval('fieldset[data-facet="country"] li.facet-value', (items) => Object.fromEntries(items.map((li) => [
    li.querySelector('input').value, Number(li.querySelector('.count').textContent.replace(/\D/g, '')),
  ])));
}

/** Waits until `predicate` holds in the page and no search is in flight. */
async function settled(page, predicate, arg) {
  await page.waitForFunction(predicate, arg);
  await page.waitForFunction(() => document.getElementById('results')?.getAttribute('aria-busy') === 'false');
}

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});

let exitCode = 0;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const page = watch(await context.newPage());
  let before; // hits and country counts of the text search
  let ticked; // hits with the country ticked
  let country;
  let initiative; // {id, translatedTitle, originalTitle, lang}

  await step('the search page has its first results in the HTML, rendered at load', async () => {
    const response = await page.goto(`${base}/`, { waitUntil: 'load' });
    assert(response.status() === 200, `GET / answered ${response.status()}`);
    assert((response.headers()['content-security-policy'] || '').includes("script-src 'self'"), 'no CSP on the page');
    const html = await response.text();
    assert(html.includes('id="page-data"') && html.includes('"hits":[{'), 'the page does not carry its first results');
    // No waiting: the results must be there when the load event has fired.
    const shown = await hits(page);
    assert(shown.length === 20, `expected 20 hits at load, got ${shown.length}`);
    const heading = await page.textContent('#results-heading');
    assert(/339/.test(heading), `heading should count the 339 seed initiatives: ${heading}`);
  });

  await step('the search page has no serious or critical accessibility violation', async () => {
    await checkAccessibility(page, '/');
  });

  await step('keyboard: the first Tab reaches the skip link, which is visible', async () => {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => ({
      cls: document.activeElement.className,
      top: document.activeElement.getBoundingClientRect().top,
    }));
    assert(focused.cls === 'skip-link' && focused.top >= 0, `focus is on ${JSON.stringify(focused)}`);
  });

  await step('typing shows suggestions, navigable with the arrow keys', async () => {
    await page.click('#q');
    await page.keyboard.type('huer', { delay: 60 });
    await page.waitForSelector('#suggestions [role="option"]', { state: 'visible' });
    assert(await page.getAttribute('#q', 'aria-expanded') === 'true', 'combobox not expanded');
    const options = await page.$$eval('#suggestions [role="option"] .suggestion-text', (els) => els.map((e) => e.textContent));
    assert(options.some((o) => /^hue/i.test(o)), `suggestions do not complete "huer": ${options}`);
    await page.keyboard.press('ArrowDown');
    const activeId = await page.getAttribute('#q', 'aria-activedescendant');
    assert(activeId && await page.getAttribute(`#${activeId}`, 'aria-selected') === 'true', 'ArrowDown did not select an option');
    await page.keyboard.press('Escape');
    await page.waitForSelector('#suggestions', { state: 'hidden' });
  });

  await step('searching puts the query in the URL and shows its results', async () => {
    await page.fill('#q', 'huerto');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('q') === 'huerto');
    await settled(page, () => /huerto/.test(document.getElementById('results-heading').textContent));
    before = { hits: await hits(page), counts: await countryCounts(page) };
    assert(before.hits.length > 1, 'huerto should find several initiatives');
    assert(Object.keys(before.counts).length >= 3, `huerto should span several countries: ${JSON.stringify(before.counts)}`);
    assert(await page.$('#hits mark') !== null, 'no highlighted snippet');
  });

  await step('ticking a country filters the hits and keeps the other countries\' counts', async () => {
    country = 'ES' in before.counts ? 'ES' : Object.keys(before.counts)[0];
    // With the keyboard: focus the checkbox, press Space.
    await page.focus(`#f-country-${country}`);
    await page.keyboard.press('Space');
    await page.waitForURL((url) => url.searchParams.getAll('country').includes(country));
    await settled(page, (code) => [...document.querySelectorAll('#hits li.hit')].every((li) => li.dataset.country === code), country);
    ticked = await hits(page);
    assert(ticked.length === before.counts[country], `expected ${before.counts[country]} hits for ${country}, got ${ticked.length}`);
    assert(await page.isChecked(`#f-country-${country}`), 'the ticked box is not checked');
    const focusedId = await page.evaluate(() => document.activeElement.id);
    assert(focusedId === `f-country-${country}`, `focus left the checkbox for ${focusedId}`);
    const after = await countryCounts(page);
    for (const [code, count] of Object.entries(before.counts)) {
      assert(after[code] === count, `country ${code} had ${count}, now ${after[code]} (counts must be disjunctive)`);
    }
  });

  await step('opening an initiative shows the whole document and similar initiatives', async () => {
    const target = ticked.find((hit) => hit.languages.length > 1);
    assert(target, 'no hit with a translation to open');
    await Promise.all([
      page.waitForURL((url) => url.pathname === `/initiatives/${target.id}`),
      page.click(`#hits li.hit[data-id="${target.id}"] h3 a`),
    ]);
    await page.waitForSelector('#initiative-title');
    const title = await page.textContent('#initiative-title');
    const doc = await (await page.request.get(`${base}/v1/initiatives/${target.id}`)).json();
    const shownLang = await page.getAttribute('#initiative-title', 'lang');
    const expected = shownLang === doc.language ? doc.title : doc.translations[shownLang].title;
    assert(title === expected, `title ${JSON.stringify(title)} is not ${JSON.stringify(expected)}`);
    const description = await page.textContent('.description');
    assert(description.length > 200, 'the description is missing');
    assert(await page.$$eval('#similar-list li.hit', (els) => els.length) > 0, 'no similar initiatives');
    initiative = { id: target.id, doc, firstLang: shownLang };
    await checkAccessibility(page, `/initiatives/${target.id}`);
  });

  await step('the initiative\'s language switch shows another version', async () => {
    const other = await page.$eval(`.version[aria-pressed="false"]`, (b) => b.dataset.lang);
    await page.click(`.version[data-lang="${other}"]`);
    await page.waitForFunction((lang) => document.getElementById('initiative-title').lang === lang, other);
    const title = await page.textContent('#initiative-title');
    const { doc } = initiative;
    const expected = other === doc.language ? doc.title : doc.translations[other].title;
    assert(title === expected, `after switching to ${other} the title is ${JSON.stringify(title)}`);
    assert(await page.getAttribute(`.version[data-lang="${other}"]`, 'aria-pressed') === 'true', 'switch not pressed');
    initiative.switchedTitle = title;
  });

  await step('following a similar initiative opens it', async () => {
    const similarId = await page.$eval('#similar-list li.hit', (li) => li.dataset.id);
    assert(similarId !== initiative.id, 'an initiative is similar to itself');
    await Promise.all([
      page.waitForURL((url) => url.pathname === `/initiatives/${similarId}`),
      page.click('#similar-list li.hit h3 a'),
    ]);
    await page.waitForSelector('#initiative-title');
    const doc = await (await page.request.get(`${base}/v1/initiatives/${similarId}`)).json();
    const titles = [doc.title, ...Object.values(doc.translations || {}).map((t) => t.title)];
    assert(titles.includes(await page.textContent('#initiative-title')), 'the similar initiative\'s title is not shown');
  });

  await step('the back button returns to the initiative, in the version chosen, then to the results', async () => {
    await page.goBack();
    await page.waitForURL((url) => url.pathname === `/initiatives/${initiative.id}`);
    await page.waitForSelector('#initiative-title');
    assert(await page.textContent('#initiative-title') === initiative.switchedTitle, 'back did not restore the chosen version');
    await page.goBack();
    await page.waitForURL((url) => url.pathname === '/' && url.searchParams.getAll('country').includes(country));
    await settled(page, (n) => document.querySelectorAll('#hits li.hit').length === n, ticked.length);
    const again = await hits(page);
    assert(JSON.stringify(again.map((h) => h.id)) === JSON.stringify(ticked.map((h) => h.id)), 'back did not show the previous results');
    assert(await page.isChecked(`#f-country-${country}`), 'back lost the ticked country');
    assert(await page.inputValue('#q') === 'huerto', 'back lost the query');
    await page.goBack();
    await page.waitForURL((url) => url.pathname === '/' && !url.searchParams.has('country'));
    await settled(page, (n) => document.querySelectorAll('#hits li.hit').length === n, before.hits.length);
    assert(!(await page.isChecked(`#f-country-${country}`)), 'back did not untick the country');
    const unfiltered = await hits(page);
    assert(JSON.stringify(unfiltered.map((h) => h.id)) === JSON.stringify(before.hits.map((h) => h.id)), 'back did not restore the unfiltered results');
  });

  await step('a shared URL opens the same search (q, country, sdg)', async () => {
    await page.goto(`${base}/?q=huerto&country=ES&sdg=4`, { waitUntil: 'load' });
    const shown = await hits(page);
    assert(shown.length > 0 && shown.every((h) => h.country === 'ES'), 'the shared search is not applied');
    assert(await page.isChecked('#f-country-ES') && await page.isChecked('#f-sdg-4'), 'the shared filters are not ticked');
  });

  await step('pagination, year range and sort are in the URL; back undoes them', async () => {
    await page.goto(`${base}/`, { waitUntil: 'load' });
    const first = (await hits(page)).map((h) => h.id);
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('page') === '2'),
      page.click('.pager a[rel="next"]'),
    ]);
    await settled(page, (ids) => {
      const now = [...document.querySelectorAll('#hits li.hit')].map((li) => li.dataset.id);
      return now.length === 20 && !now.includes(ids[0]);
    }, first);
    assert(await page.evaluate(() => document.activeElement.id) === 'results-heading', 'focus did not move to the results');
    assert(await page.getAttribute('.pager a[aria-current="page"]', 'aria-label') === 'Page 2', 'page 2 is not marked current');
    await page.fill('#year_from', '2020');
    await page.press('#year_from', 'Enter');
    await page.waitForURL((url) => url.searchParams.get('year_from') === '2020' && !url.searchParams.has('page'));
    await settled(page, () => {
      const years = [...document.querySelectorAll('#hits li.hit')].map((li) => Number(li.dataset.year));
      return years.length > 0 && years.every((y) => y >= 2020);
    });
    await page.selectOption('#sort', 'start_year');
    await page.waitForURL((url) => url.searchParams.get('sort') === 'start_year');
    await settled(page, () => {
      const years = [...document.querySelectorAll('#hits li.hit')].map((li) => Number(li.dataset.year));
      return years.length > 1 && years.every((y, i) => i === 0 || years[i - 1] >= y);
    });
    await page.goBack();
    await page.waitForURL((url) => url.searchParams.get('year_from') === '2020' && !url.searchParams.has('sort'));
    await page.goBack();
    await page.waitForURL((url) => url.searchParams.get('page') === '2' && !url.searchParams.has('year_from'));
    await settled(page, () => document.getElementById('year_from').value === '');
  });

  await step('a parameter the API refuses gives the page with the API\'s message', async () => {
    const response = await page.goto(`${base}/?sdg=18`, { waitUntil: 'load' });
    assert(response.status() === 400, `status ${response.status()}`);
    const alert = await page.textContent('.notice.error');
    assert(/^sdg: /.test(alert) && /18/.test(alert), `message: ${alert}`);
  });

  await step('the interface language switch translates strings and facet labels', async () => {
    await page.goto(`${base}/?q=huerto&country=ES&sdg=4`, { waitUntil: 'load' });
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('locale') === 'es'),
      page.click('.locale-switch a[data-locale="es"]'),
    ]);
    await page.waitForSelector('#hits li.hit');
    assert(await page.getAttribute('html', 'lang') === 'es', 'html lang is not es');
    assert(await page.textContent('label[for="q"]') === 'Buscar iniciativas', 'the search label is not in Spanish');
    assert(await page.textContent('fieldset[data-facet="country"] legend') === 'País', 'facet title not in Spanish');
    const label = await page.textContent('label[for="f-country-ES"] .facet-label');
    assert(label === 'España', `country label is ${label}`);
    const url = new URL(page.url());
    assert(url.searchParams.get('q') === 'huerto' && url.searchParams.get('sdg') === '4', 'the switch lost the search');
    await page.goto(`${base}/?locale=ko`, { waitUntil: 'load' });
    assert(await page.textContent('label[for="q"]') === '사업 검색', 'Korean strings missing');
  });

  await step('screenshots of the search page, desktop and 390 px phone', async () => {
    fs.mkdirSync(docsDir, { recursive: true });
    const desktop = watch(await context.newPage());
    await desktop.goto(`${base}/?q=school%20garden`, { waitUntil: 'load' });
    await desktop.screenshot({ path: path.join(docsDir, 'search-desktop.png') });
    await desktop.close();
    const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true, locale: 'en-US' });
    const phone = watch(await phoneContext.newPage());
    await phone.goto(`${base}/?q=school%20garden`, { waitUntil: 'load' });
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    assert(width <= 390, `the phone page scrolls sideways (${width} px wide)`);
    assert(await phone.isHidden('#filter-panel'), 'filters should fold away on a phone');
    await phone.screenshot({ path: path.join(docsDir, 'search-phone.png') });
    await phone.click('.filters-toggle');
    assert(await phone.isVisible('#filter-panel'), 'the filter toggle does not open the filters');
    await phoneContext.close();
  });

  const admin = watch(await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' })).newPage());
  const files = fs.mkdtempSync(path.join(os.tmpdir(), 'databank-e2e-'));
  const header = 'id,title,description,city,country,themes,sdgs,start_year';
  // Stored documents are not sanitised: the pages must show this title and description as text.
  const hostileTitle = 'Zorblatt <b>reading</b> gardens <img src=x onerror=window.__xss=1>';
  const good = `e2e-zorblatt-1,${hostileTitle},"Neighbours plant a zorblatt garden, and children read there. </script><script>window.__xss=2</script>",Testville,ES,environment;culture,4;11,2024`;
  const bad = 'e2e-zorblatt-2,Zorblatt walking bus,"Parents walk children to school along zorblatt routes.",Testville,FR,mobility,4;18,2023';
  const fixed = bad.replace('4;18', '4;11');
  fs.writeFileSync(path.join(files, 'bad.csv'), `${header}\n${good}\n${bad}\n`);
  fs.writeFileSync(path.join(files, 'fixed.csv'), `${header}\n${good}\n${fixed}\n`);
  let totalBefore;

  await step('the admin page keeps the token in session storage only', async () => {
    await admin.goto(`${base}/admin`, { waitUntil: 'load' });
    await admin.waitForSelector('#total');
    totalBefore = Number((await admin.textContent('#total')).replace(/\D/g, ''));
    assert(totalBefore === 339, `the index should hold 339 initiatives, not ${totalBefore}`);
    assert(await admin.$('#last-commit time[datetime]') !== null, 'no last commit time');
    assert(await admin.$$eval('#per-language tbody tr', (rows) => rows.length) >= 8, 'no counts per language');
    await checkAccessibility(admin, '/admin');
    await admin.fill('#token', token);
    await admin.click('#save-token');
    await admin.waitForFunction(() => document.getElementById('token').value === '');
    const stored = await admin.evaluate(() => ({ session: sessionStorage.getItem('databank-admin-token'), local: localStorage.length }));
    assert(stored.session === token && stored.local === 0, `token storage: ${JSON.stringify(stored)}`);
  });

  await step('a CSV with a bad row: the dry run reports the row, and nothing can be committed', async () => {
    await admin.setInputFiles('#file', path.join(files, 'bad.csv'));
    await admin.click('#dry-run');
    await admin.waitForSelector('#rejected tbody tr');
    const rows = await admin.$$eval('#rejected tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
    assert(rows.length === 1, `expected one reported problem, got ${JSON.stringify(rows)}`);
    const [row, id, field, problem] = rows[0];
    assert(row === '3' && id === 'e2e-zorblatt-2' && /^sdgs/.test(field) && /18/.test(problem), `report row ${JSON.stringify(rows[0])}`);
    assert(await admin.isDisabled('#commit'), 'commit must wait for a clean dry run');
    await checkAccessibility(admin, '/admin with a report');
  });

  await step('the fixed CSV passes the dry run and is committed', async () => {
    await admin.setInputFiles('#file', path.join(files, 'fixed.csv'));
    await admin.click('#dry-run');
    await admin.waitForSelector('#dry-run-result.ok');
    assert(!(await admin.$('#rejected')), 'a clean file still shows rejected rows');
    await admin.waitForSelector('#commit:enabled');
    await admin.click('#commit');
    await admin.waitForSelector('#commit-result.ok');
    const message = await admin.textContent('#commit-result');
    assert(/2 new/.test(message), `commit result: ${message}`);
    await admin.waitForFunction((n) => document.getElementById('total')?.textContent.replace(/\D/g, '') === String(n), totalBefore + 2);
  });

  await step('the new initiatives are found by search, their markup shown as text', async () => {
    await admin.goto(`${base}/?q=zorblatt`, { waitUntil: 'load' });
    const found = (await hits(admin)).map((h) => h.id).sort();
    assert(JSON.stringify(found) === JSON.stringify(['e2e-zorblatt-1', 'e2e-zorblatt-2']), `search found ${found}`);
    const title = await admin.textContent('#hits li.hit[data-id="e2e-zorblatt-1"] h3');
    assert(title === hostileTitle, `the stored title is not shown as text: ${title}`);
    await admin.goto(`${base}/initiatives/e2e-zorblatt-1`, { waitUntil: 'load' });
    assert(await admin.textContent('#initiative-title') === hostileTitle, 'the initiative page does not show the title as text');
    assert((await admin.textContent('.description')).includes('</script><script>'), 'the description is not shown as text');
    assert(await admin.evaluate(() => window.__xss === undefined && !document.querySelector('main img, main b')), 'stored markup ran or was rendered');
  });

  await step('delete by id removes an initiative', async () => {
    await admin.goto(`${base}/admin`, { waitUntil: 'load' });
    await admin.fill('#delete-id', 'e2e-zorblatt-2');
    await admin.click('#delete');
    await admin.waitForSelector('#delete-status .ok');
    await admin.waitForFunction((n) => document.getElementById('total')?.textContent.replace(/\D/g, '') === String(n), totalBefore + 1);
    await admin.goto(`${base}/?q=zorblatt`, { waitUntil: 'load' });
    const found = (await hits(admin)).map((h) => h.id);
    assert(JSON.stringify(found) === JSON.stringify(['e2e-zorblatt-1']), `after delete search found ${found}`);
  });

  await step('an unknown initiative is a 404 page', async () => {
    const response = await admin.goto(`${base}/initiatives/no-such-initiative`, { waitUntil: 'load' });
    assert(response.status() === 404, `status ${response.status()}`);
    await admin.waitForSelector('h1');
  });
} catch (error) {
  exitCode = 1;
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${exitCode} failed`);
process.exit(exitCode);
