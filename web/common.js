// Shared by the three pages: the page's data, interface strings, a small element builder,
// safe highlights, flags, SDG badges, hit cards and the header and footer.
//
// Stored documents are unsanitised, so text only ever reaches the page through textContent
// (the `h` builder) — except highlights, which go through `marked`, keeping <mark> and nothing else.

/** Everything the server put into the page (see src/web/shell.rs). */
export const data = JSON.parse(document.getElementById('page-data').textContent);

/** The page's interface locale. */
export const locale = data.locale;

/** An interface string, with `{name}` placeholders filled from `vars`. */
export function t(key, vars = {}) {
  const text = data.strings[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

/** A count in the locale's digits. */
export function number(n) {
  return new Intl.NumberFormat(locale).format(n);
}

/**
 * An element: `h('a', {href: '/', class: 'x', onclick: f}, 'text', child, [more])`.
 * Strings become text nodes; null, undefined and false children and attributes are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'text') {
      element.textContent = value;
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : String(child));
  }
}

/**
 * A highlight (HTML-escaped text with <mark> tags) as nodes: text and <mark> only. The string is
 * parsed in an inert <template>, so nothing in it can run or load.
 */
export function marked(html) {
  const template = document.createElement('template');
  template.innerHTML = html;
  const out = document.createDocumentFragment();
  const walk = (node, into) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        into.append(child.textContent);
      } else if (child.nodeName === 'MARK') {
        into.append(h('mark', {}, child.textContent));
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        walk(child, into);
      }
    }
  };
  walk(template.content, out);
  return out;
}

/** The flag emoji of an ISO 3166-1 alpha-2 code (regional indicator symbols). */
export function flag(code) {
  const letters = String(code || '').toUpperCase();
  if (!/^[A-Z]{2}$/.test(letters)) return '';
  return String.fromCodePoint(...[...letters].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65));
}

/** The label of a facet value in the page's locale. */
export function label(facet, value) {
  return data.labels?.[facet]?.[String(value)] ?? String(value);
}

/** The page URL in another interface locale (same path and parameters). */
export function withLocale(href, code) {
  const url = new URL(href, location.origin);
  url.searchParams.set('locale', code);
  return url.pathname + url.search;
}

/** The page of an initiative, in the page's locale. */
export function initiativeHref(id) {
  return `/initiatives/${encodeURIComponent(id)}?locale=${encodeURIComponent(locale)}`;
}

/** Black or white, whichever reads better on `hex` (WCAG contrast). */
export function readableOn(hex) {
  const match = /^#?([0-9a-f]{6})$/i.exec(hex || '');
  if (!match) return '#000';
  const channels = [0, 2, 4].map((i) => parseInt(match[1].slice(i, i + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const onWhite = 1.05 / (luminance + 0.05);
  const onBlack = (luminance + 0.05) / 0.05;
  return onBlack >= onWhite ? '#000' : '#fff';
}

/** An SDG's square in its icon colour, with its number; its name for screen readers. */
export function sdgBadge(n, { withLabel = false } = {}) {
  const color = data.colors?.sdg?.[String(n)] || '#555555';
  const square = h('span', { class: 'sdg-square', 'aria-hidden': 'true' }, String(n));
  square.style.backgroundColor = color;
  square.style.color = readableOn(color);
  const name = `${t('sdg_n', { n })}: ${label('sdg', n)}`;
  if (withLabel) {
    return h('span', { class: 'sdg' }, square, h('span', { class: 'sdg-name' }, label('sdg', n)),
      h('span', { class: 'visually-hidden' }, ` (${t('sdg_n', { n })})`));
  }
  return h('span', { class: 'sdg', title: name }, square, h('span', { class: 'visually-hidden' }, name));
}

/**
 * The title with the highlight's marks. The API highlights a title whole; should a highlight
 * ever stop short of the title's end, the rest of the title is added back, and a highlight that
 * is not a prefix of the title is not used.
 */
function highlightedTitle(title, highlight) {
  if (!highlight) return title;
  const fragment = marked(highlight);
  const text = fragment.textContent;
  if (!title.startsWith(text)) return title;
  fragment.append(title.slice(text.length));
  return fragment;
}

/** A search hit (or a similar initiative) as a list item. */
export function hitCard(hit, index, { headingLevel = 'h3', prefix = 'hit' } = {}) {
  const highlights = hit.highlights || {};
  const headingId = `${prefix}-${index}`;
  const title = highlightedTitle(hit.title, highlights.title);
  const snippetHtml = highlights.summary || highlights.description;
  const snippet = snippetHtml ? marked(snippetHtml) : hit.summary || '';
  const shown = hit.shown_language || hit.language;
  const place = [
    h('span', { class: 'flag', 'aria-hidden': 'true' }, flag(hit.country)),
    ' ',
    h('span', { class: 'city' }, hit.city),
    ', ',
    h('span', { class: 'country' }, label('country', hit.country)),
  ];
  if (hit.start_year) place.push(' · ', h('span', {}, t('since', { year: hit.start_year })));
  return h('li', { class: 'hit', 'data-id': hit.id, 'data-country': hit.country, 'data-languages': (hit.languages || []).join(','), 'data-year': hit.start_year ?? null },
    h('article', { 'aria-labelledby': headingId },
      h(headingLevel, { class: 'hit-title', id: headingId },
        h('a', { href: initiativeHref(hit.id), lang: shown }, title)),
      h('p', { class: 'hit-place' }, place),
      snippet ? h('p', { class: 'hit-snippet', lang: shown }, snippet) : null,
      h('div', { class: 'hit-tags' },
        (hit.themes || []).length
          ? h('ul', { class: 'tags', 'aria-label': t('themes') },
            hit.themes.map((theme) => h('li', { class: 'tag' }, label('theme', theme))))
          : null,
        (hit.sdgs || []).length
          ? h('ul', { class: 'sdg-list', 'aria-label': t('sdgs') },
            hit.sdgs.map((n) => h('li', {}, sdgBadge(n))))
          : null)));
}

/** The site's header (brand, page links, interface-language switch) and footer. */
export function chrome(current) {
  const here = location.pathname + location.search;
  const switcher = h('nav', { class: 'locale-switch', 'aria-label': t('nav_language') },
    h('ul', {}, data.locales.map(({ code, name }) => h('li', {},
      h('a', {
        href: withLocale(here, code),
        lang: code,
        hreflang: code,
        'data-locale': code,
        'aria-current': code === locale ? 'true' : null,
      }, name)))));
  const header = h('header', { class: 'site-header' },
    h('div', { class: 'bar' },
      h('a', { class: 'brand', href: `/?locale=${encodeURIComponent(locale)}` },
        h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '◆'), ' ', t('site_name')),
      h('nav', { class: 'site-nav', 'aria-label': t('nav_main') },
        h('ul', {},
          h('li', {}, h('a', {
            href: `/?locale=${encodeURIComponent(locale)}`,
            'aria-current': current === 'search' ? 'page' : null,
          }, t('nav_search'))),
          h('li', {}, h('a', {
            href: `/admin?locale=${encodeURIComponent(locale)}`,
            'aria-current': current === 'admin' ? 'page' : null,
          }, t('nav_admin'))))),
      switcher));
  const footer = h('footer', { class: 'site-footer' },
    h('p', {}, t('footer'), ' ', h('a', { href: '/v1/facets' }, t('footer_api'))));
  return { header, footer, switcher };
}

/** Points the language switch at the current URL (after the URL changed in place). */
export function refreshLocaleLinks(switcher) {
  const here = location.pathname + location.search;
  for (const link of switcher.querySelectorAll('a[data-locale]')) {
    link.setAttribute('href', withLocale(here, link.dataset.locale));
  }
}

/** A JSON request: `{status, body}` (body null when not JSON). */
export async function fetchJSON(url, options = {}) {
  const response = await fetch(url, options);
  let body = null;
  if (response.status !== 204) {
    try {
      body = await response.json();
    } catch {
      body = null;
    }
  }
  return { status: response.status, body };
}

/** The message of an API error body. */
export function errorMessage(status, body) {
  return body?.error?.message || t('request_failed', { status });
}

/** A date and time in the page's locale. */
export function dateTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short' }).format(date);
}

/** A date in the page's locale. */
export function dateOnly(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(date);
}
