// An initiative's page: the whole document with a switch between its language versions (the
// original and each translation), its details, and similar initiatives. The version shown first
// is the one in the page's locale when there is one, else the original; `?version=xx` names
// another, and switching versions updates it in place (no new history entry).

import {
  chrome, data, dateOnly, flag, h, hitCard, label, locale, sdgBadge, t,
} from './common.js';

const { header, footer } = chrome('initiative');
const main = h('main', { id: 'main', tabindex: '-1', class: 'initiative-page' });
document.getElementById('app').append(header, main, footer);

const backHref = `/?locale=${encodeURIComponent(locale)}`;
main.append(h('p', { class: 'back' }, h('a', { href: backHref }, h('span', { 'aria-hidden': 'true' }, '← '), t('back_to_search'))));

if (data.error || !data.document) {
  // Only a 404 says the initiative does not exist; a busy server says to try again.
  const missing = !data.error || data.error.status === 404;
  const busy = data.error?.code === 'busy' || data.error?.code === 'timeout';
  if (data.error?.code === 'no_page') {
    // A mistyped or truncated link: the heading says it all; the link above leads back.
    main.append(h('h1', {}, t('page_not_found')));
  } else {
    main.append(
      h('h1', {}, missing ? t('not_found') : t('unavailable')),
      h('p', { class: 'notice error' }, busy ? t('try_again') : data.error?.message || t('not_found')));
  }
} else {
  renderInitiative(data.document, data.similar || []);
}
document.documentElement.dataset.ready = 'true';

function versionsOf(doc) {
  const original = { lang: doc.language, title: doc.title, summary: doc.summary, description: doc.description, original: true };
  const translations = Object.entries(doc.translations || {})
    .filter(([lang, text]) => lang !== doc.language && text && typeof text === 'object')
    .map(([lang, text]) => ({ lang, title: text.title, summary: text.summary, description: text.description, original: false }));
  return [original, ...translations];
}

/** A field of a version, or the original's when the translation lacks it (with its language). */
function field(version, original, name) {
  if (version[name]) return { text: version[name], lang: version.lang };
  if (original[name]) return { text: original[name], lang: original.lang };
  return null;
}

function paragraphs(text) {
  return String(text).split(/\n\s*\n|\r?\n/).map((p) => p.trim()).filter(Boolean).map((p) => h('p', {}, p));
}

function renderInitiative(doc, similar) {
  const versions = versionsOf(doc);
  const original = versions[0];
  const requested = new URLSearchParams(location.search).get('version');
  let shown = versions.find((v) => v.lang === requested)
    || versions.find((v) => v.lang === locale)
    || original;

  const title = h('h1', { id: 'initiative-title' });
  const summary = h('p', { class: 'summary' });
  const description = h('div', { class: 'description' });
  const buttons = versions.map((version) => h('button', {
    type: 'button',
    class: 'version',
    'data-lang': version.lang,
    'aria-pressed': 'false',
    onclick: () => show(version, true),
  }, label('language', version.lang), version.original ? ` (${t('original')})` : ''));
  const switcher = versions.length > 1
    ? h('div', { class: 'versions' },
      h('span', { id: 'versions-label', class: 'versions-label' }, t('versions')),
      h('div', { role: 'group', 'aria-labelledby': 'versions-label', class: 'version-buttons' }, buttons))
    : null;

  function show(version, fromUser) {
    shown = version;
    title.textContent = version.title || original.title;
    title.lang = version.title ? version.lang : original.lang;
    const s = field(version, original, 'summary');
    summary.hidden = !s;
    if (s) {
      summary.textContent = s.text;
      summary.lang = s.lang;
    }
    const d = field(version, original, 'description');
    description.replaceChildren(...(d ? paragraphs(d.text) : []));
    if (d) description.lang = d.lang;
    for (const button of buttons) button.setAttribute('aria-pressed', String(button.dataset.lang === version.lang));
    document.title = `${title.textContent} · ${t('site_name')}`;
    if (fromUser) {
      const url = new URL(location.href);
      url.searchParams.set('version', version.lang);
      history.replaceState(history.state, '', url.pathname + url.search);
    }
  }

  const place = h('p', { class: 'kicker' },
    h('span', { class: 'flag', 'aria-hidden': 'true' }, flag(doc.country)), ' ',
    doc.city, ', ', label('country', doc.country));

  main.append(h('article', { class: 'initiative', 'aria-labelledby': 'initiative-title' },
    h('header', {}, place, title, switcher),
    summary, description));
  show(shown, false);

  main.append(details(doc));

  main.append(h('section', { class: 'similar', 'aria-labelledby': 'similar-heading' },
    h('h2', { id: 'similar-heading' }, t('similar')),
    similar.length
      ? h('ol', { class: 'hits compact', id: 'similar-list' }, similar.map((hit, i) => hitCard(hit, i, { prefix: 'similar' })))
      : h('p', {}, t('no_similar'))));
}

function details(doc) {
  const rows = [];
  const row = (term, ...value) => rows.push(h('div', { class: 'detail' }, h('dt', {}, term), h('dd', {}, ...value)));
  row(t('city'), doc.city);
  row(t('country'), h('span', { class: 'flag', 'aria-hidden': 'true' }, flag(doc.country)), ' ', label('country', doc.country));
  if (doc.start_year) row(t('start_year'), String(doc.start_year));
  if (doc.promoter) row(t('promoter'), doc.promoter);
  if ((doc.themes || []).length) {
    row(t('themes'), h('ul', { class: 'tags' }, doc.themes.map((theme) => h('li', { class: 'tag' }, label('theme', theme)))));
  }
  if ((doc.sdgs || []).length) {
    row(t('sdgs'), h('ul', { class: 'sdg-full-list' }, doc.sdgs.map((n) => h('li', {}, sdgBadge(n, { withLabel: true })))));
  }
  if ((doc.target_groups || []).length) {
    row(t('target_groups'), h('ul', { class: 'tags' }, doc.target_groups.map((g) => h('li', { class: 'tag' }, label('target_group', g)))));
  }
  if ((doc.charter_principles || []).length) {
    row(t('principles'), h('ul', { class: 'plain-list' },
      doc.charter_principles.map((n) => h('li', {}, `${n}. ${label('principle', n)}`))));
  }
  if (typeof doc.url === 'string' && /^https?:\/\//i.test(doc.url)) {
    row(t('website'), h('a', { href: doc.url, rel: 'noopener noreferrer nofollow', class: 'url' }, doc.url));
  }
  row(t('language'), label('language', doc.language), doc.language_detected ? ` (${t('detected')})` : '');
  if (doc.updated_at) row(t('updated'), h('time', { datetime: doc.updated_at }, dateOnly(doc.updated_at)));
  return h('section', { class: 'details', 'aria-labelledby': 'details-heading' },
    h('h2', { id: 'details-heading' }, t('details')),
    h('dl', {}, rows));
}
