// The search page. Its state is its URL, in the API's parameter names (`q`, `country`, `theme`,
// `sdg`, `language`, `principle`, `target_group`, `year_from`, `year_to`, `sort`, `page`,
// `per_page`, `locale`): every change pushes a new URL and asks /v1/search with the same
// parameters; the back button restores the previous URL and its results. The first results
// come with the page (data.results) and are rendered before anything else happens.

import {
  chrome, data, errorMessage, fetchJSON, flag, h, hitCard, label, locale, number,
  refreshLocaleLinks, sdgBadge, t,
} from './common.js';

const FILTERS = ['country', 'theme', 'sdg', 'language', 'principle', 'target_group'];
const FACETS = data.facet_names || FILTERS;
const NUMBERED = new Set(['sdg', 'principle']);
const SHOWN_VALUES = 8;
const MAX_RESULT_WINDOW = 10000;

let state = fromSearch(location.search);
let current = data.results || null;
let inFlight = null;
const expanded = new Set();

// ---------------------------------------------------------------- state <-> URL

function lastOf(params, name) {
  const values = params.getAll(name).map((v) => v.trim()).filter(Boolean);
  return values.length ? values[values.length - 1] : '';
}

function fromSearch(search) {
  const params = new URLSearchParams(search);
  const filters = {};
  for (const name of FILTERS) {
    const values = params.getAll(name).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
    filters[name] = [...new Set(name === 'country' ? values.map((v) => v.toUpperCase()) : values)];
  }
  const page = parseInt(lastOf(params, 'page'), 10);
  return {
    q: params.getAll('q').pop() || '',
    filters,
    year_from: lastOf(params, 'year_from'),
    year_to: lastOf(params, 'year_to'),
    sort: lastOf(params, 'sort'),
    page: Number.isFinite(page) && page > 0 ? page : 1,
    per_page: lastOf(params, 'per_page'),
    locale: lastOf(params, 'locale'),
  };
}

function toParams(s, { api = false } = {}) {
  const params = new URLSearchParams();
  if (s.q.trim()) params.set('q', s.q);
  for (const name of FILTERS) for (const value of s.filters[name]) params.append(name, value);
  if (s.year_from) params.set('year_from', s.year_from);
  if (s.year_to) params.set('year_to', s.year_to);
  if (s.sort) params.set('sort', s.sort);
  if (s.page > 1) params.set('page', String(s.page));
  if (s.per_page) params.set('per_page', s.per_page);
  if (api) {
    params.set('locale', locale);
    params.set('facets', FACETS.join(','));
  } else if (s.locale) {
    params.set('locale', s.locale);
  }
  return params;
}

function urlFor(s) {
  const query = toParams(s).toString();
  return query ? `/?${query}` : '/';
}

function withChanges(changes) {
  return { ...state, page: 1, ...changes, filters: { ...state.filters, ...(changes.filters || {}) } };
}

function hasFilters(s) {
  return FILTERS.some((name) => s.filters[name].length) || s.year_from || s.year_to;
}

// ---------------------------------------------------------------- the page's skeleton

const { header, footer, switcher } = chrome('search');

const status = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });

// Search box: a combobox with suggestions (WAI-ARIA 1.2 pattern).
const input = h('input', {
  id: 'q', name: 'q', type: 'search', autocomplete: 'off', spellcheck: 'false',
  role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false',
  'aria-controls': 'suggestions', placeholder: t('search_placeholder'),
});
const suggestions = h('ul', { id: 'suggestions', role: 'listbox', 'aria-label': t('suggestions'), class: 'suggestions', hidden: true });
const searchForm = h('form', { class: 'search-form', role: 'search', action: '/', method: 'get' },
  h('label', { for: 'q', class: 'search-label' }, t('search_label')),
  h('div', { class: 'search-row' },
    h('div', { class: 'combo' }, input, suggestions),
    h('button', { type: 'submit', class: 'button primary' }, t('search_button'))));

const filterPanel = h('div', { id: 'filter-panel', class: 'filter-panel' });
const filterToggle = h('button', {
  type: 'button', class: 'button filters-toggle', 'aria-expanded': 'false', 'aria-controls': 'filter-panel',
});
const filters = h('aside', { class: 'filters', 'aria-labelledby': 'filters-heading' },
  h('h2', { id: 'filters-heading', class: 'filters-heading' }, t('filters')),
  filterToggle, filterPanel);

const resultsHeading = h('h2', { id: 'results-heading', tabindex: '-1' });
const sortSelect = h('select', { id: 'sort' });
const notices = h('div', { class: 'notices' });
const hitList = h('ol', { class: 'hits', id: 'hits' });
const pager = h('div', { class: 'pager-slot' });
const results = h('section', { class: 'results', id: 'results', 'aria-labelledby': 'results-heading', 'aria-busy': 'false' },
  h('div', { class: 'results-bar' },
    resultsHeading,
    h('div', { class: 'sort' }, h('label', { for: 'sort' }, t('sort_label')), sortSelect)),
  notices, hitList, pager);

const main = h('main', { id: 'main', tabindex: '-1' },
  h('div', { class: 'intro' }, h('h1', {}, t('search_title')), h('p', { class: 'lead' }, t('search_lead')), searchForm),
  h('div', { class: 'layout' }, filters, results));

document.getElementById('app').append(header, main, status, footer);

// ---------------------------------------------------------------- rendering

function render(response) {
  current = response;
  renderFacets(response);
  renderResults(response);
}

function renderResults(response) {
  const { total, hits } = response;
  const q = state.q.trim();
  let heading;
  if (total === 0) heading = t('no_results');
  else if (q) heading = t(total === 1 ? 'results_one_q' : 'results_other_q', { count: number(total), q });
  else heading = t(total === 1 ? 'results_one' : 'results_other', { count: number(total) });
  resultsHeading.textContent = heading;
  status.textContent = heading;
  document.title = q ? `${q} · ${t('search_title')}` : t('search_title');

  renderSort(response.sort);

  notices.replaceChildren();
  if (response.matching === 'any' && total > 0) notices.append(h('p', { class: 'notice' }, t('matching_any')));
  if (response.did_you_mean) {
    notices.append(h('p', { class: 'notice' }, t('did_you_mean'), ' ',
      h('a', {
        href: urlFor(withChanges({ q: response.did_you_mean })),
        onclick: (event) => follow(event, withChanges({ q: response.did_you_mean })),
      }, response.did_you_mean), '?'));
  }
  if (total === 0 && hasFilters(state)) {
    notices.append(h('p', { class: 'notice' }, t('no_results_filters'), ' ',
      h('button', { type: 'button', class: 'link-button', onclick: clearFilters }, t('clear_filters'))));
  }
  const offset = (response.page - 1) * response.per_page;
  hitList.setAttribute('start', String(offset + 1));
  hitList.replaceChildren(...hits.map((hit, index) => hitCard(hit, index)));
  pager.replaceChildren(renderPager(response) || '');
}

function renderSort(sort) {
  const options = ['relevance', 'newest', 'start_year'].filter((o) => o !== 'relevance' || state.q.trim() || sort === 'relevance');
  sortSelect.replaceChildren(...options.map((o) => h('option', { value: o, selected: o === sort }, t(`sort_${o}`))));
  sortSelect.value = sort;
}

function renderPager(response) {
  const perPage = response.per_page;
  const pages = Math.min(Math.ceil(response.total / perPage), Math.floor(MAX_RESULT_WINDOW / perPage));
  if (pages <= 1) return null;
  const page = response.page;
  const wanted = new Set([1, pages, page - 2, page - 1, page, page + 1, page + 2].filter((n) => n >= 1 && n <= pages));
  const numbers = [...wanted].sort((a, b) => a - b);
  const link = (n, text, attrs = {}) => h('a', {
    href: urlFor({ ...state, page: n }),
    onclick: (event) => follow(event, { ...state, page: n }, { focus: true }),
    ...attrs,
  }, text);
  const items = [];
  if (page > 1) items.push(h('li', {}, link(page - 1, t('previous'), { rel: 'prev' })));
  let previous = 0;
  for (const n of numbers) {
    if (n - previous > 1) items.push(h('li', { class: 'gap', 'aria-hidden': 'true' }, '…'));
    items.push(h('li', {}, n === page
      ? h('a', { href: urlFor({ ...state, page: n }), 'aria-current': 'page', 'aria-label': t('page_n', { n }) }, number(n))
      : link(n, number(n), { 'aria-label': t('page_n', { n }) })));
    previous = n;
  }
  if (page < pages) items.push(h('li', {}, link(page + 1, t('next'), { rel: 'next' })));
  return h('nav', { class: 'pager', 'aria-label': t('pagination') }, h('ul', {}, items));
}

function facetValues(name, response) {
  const list = (response?.facets?.[name] || []).map((v) => ({ value: String(v.value), label: v.label, count: v.count }));
  for (const value of state.filters[name]) {
    if (!list.some((v) => v.value === value)) list.push({ value, label: label(name, value), count: 0 });
  }
  if (NUMBERED.has(name)) list.sort((a, b) => Number(a.value) - Number(b.value));
  return list;
}

function renderFacets(response) {
  const focused = document.activeElement?.id;
  const groups = FACETS.map((name) => renderFacet(name, response)).filter(Boolean);
  groups.push(renderYears());
  if (hasFilters(state)) {
    groups.push(h('p', { class: 'clear' },
      h('button', { type: 'button', class: 'button', id: 'clear-filters', onclick: clearFilters }, t('clear_filters'))));
  }
  filterPanel.replaceChildren(...groups);
  const active = FILTERS.reduce((n, name) => n + state.filters[name].length, 0) + (state.year_from ? 1 : 0) + (state.year_to ? 1 : 0);
  filterToggle.textContent = active ? t('filters_active', { count: active }) : t('filters');
  if (focused) document.getElementById(focused)?.focus();
}

function renderFacet(name, response) {
  const values = facetValues(name, response);
  if (!values.length) return null;
  const selected = new Set(state.filters[name]);
  const open = expanded.has(name);
  const shown = values.filter((v, i) => open || i < SHOWN_VALUES || selected.has(v.value));
  const listId = `facet-${name}`;
  const items = shown.map((v) => {
    const id = `f-${name}-${v.value}`;
    let decoration = null;
    if (name === 'country') decoration = h('span', { class: 'flag', 'aria-hidden': 'true' }, flag(v.value));
    if (name === 'sdg') decoration = sdgBadge(v.value);
    if (name === 'principle') decoration = h('span', { class: 'principle-number', 'aria-hidden': 'true' }, v.value);
    return h('li', { class: 'facet-value' },
      h('input', {
        type: 'checkbox', id, value: v.value, checked: selected.has(v.value),
        'data-facet': name,
        onchange: (event) => toggle(name, v.value, event.target.checked),
      }),
      h('label', { for: id },
        name === 'sdg' ? h('span', { class: 'sdg-inline', 'aria-hidden': 'true' }, decoration) : decoration,
        h('span', { class: 'facet-label' }, name === 'sdg' ? `${v.value}. ${v.label}` : v.label),
        h('span', { class: 'count' }, number(v.count))));
  });
  const more = values.length > SHOWN_VALUES
    ? h('button', {
      type: 'button', class: 'link-button show-more', id: `more-${name}`,
      'aria-expanded': open ? 'true' : 'false', 'aria-controls': listId,
      onclick: () => {
        if (open) expanded.delete(name); else expanded.add(name);
        renderFacets(current);
        document.getElementById(`more-${name}`)?.focus();
      },
    }, open ? t('show_fewer') : t('show_all', { count: values.length }))
    : null;
  return h('fieldset', { class: `facet facet-${name}`, 'data-facet': name },
    h('legend', {}, t(`facet_${name}`)),
    h('ul', { id: listId, class: name === 'sdg' ? 'facet-values sdg-values' : 'facet-values' }, items),
    more);
}

function renderYears() {
  const thisYear = new Date().getFullYear() + 1;
  const from = h('input', { id: 'year_from', name: 'year_from', type: 'number', inputmode: 'numeric', min: 1900, max: thisYear, step: 1, value: state.year_from || null });
  const to = h('input', { id: 'year_to', name: 'year_to', type: 'number', inputmode: 'numeric', min: 1900, max: thisYear, step: 1, value: state.year_to || null });
  const form = h('form', {
    class: 'years-form',
    onsubmit: (event) => {
      event.preventDefault();
      go(withChanges({ year_from: from.value.trim(), year_to: to.value.trim() }));
    },
  },
  h('fieldset', { class: 'facet years' },
    h('legend', {}, t('year_range')),
    h('div', { class: 'year-row' },
      h('div', {}, h('label', { for: 'year_from' }, t('year_from')), from),
      h('div', {}, h('label', { for: 'year_to' }, t('year_to')), to),
      h('button', { type: 'submit', class: 'button', id: 'apply-years' }, t('apply')))));
  return form;
}

function renderError(error) {
  const busy = error?.code === 'busy' || error?.code === 'timeout';
  const message = busy ? t('try_again')
    : error?.param ? `${error.param}: ${error.message}` : error?.message || t('request_failed', { status: '?' });
  resultsHeading.textContent = t('error_heading');
  status.textContent = message;
  notices.replaceChildren(h('p', { class: 'notice error', role: 'alert' }, message));
  hitList.replaceChildren();
  pager.replaceChildren();
  renderSort(state.sort || (state.q ? 'relevance' : 'newest'));
  renderFacets(current && !data.error ? current : null);
}

// ---------------------------------------------------------------- navigation

function syncControls() {
  if (document.activeElement !== input) input.value = state.q;
  refreshLocaleLinks(switcher);
}

/** Moves to a new state: a new history entry, then its results. */
function go(next, { push = true, focus = false } = {}) {
  state = next;
  if (push) history.pushState(null, '', urlFor(state));
  syncControls();
  return runSearch({ focus });
}

/** A link click that stays in the page (other clicks open a tab as usual). */
function follow(event, next, options = {}) {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  go(next, options);
}

async function runSearch({ focus = false } = {}) {
  inFlight?.abort();
  const controller = new AbortController();
  inFlight = controller;
  results.setAttribute('aria-busy', 'true');
  status.textContent = t('loading');
  try {
    const { status: code, body } = await fetchJSON(`/v1/search?${toParams(state, { api: true })}`, { signal: controller.signal });
    if (controller !== inFlight) return;
    if (code === 200 && body) render(body);
    else renderError(body?.error || { message: errorMessage(code, body) });
  } catch (error) {
    if (error.name === 'AbortError') return;
    renderError({ message: String(error.message || error) });
  } finally {
    if (controller === inFlight) {
      results.setAttribute('aria-busy', 'false');
      inFlight = null;
      if (focus) {
        resultsHeading.focus();
        results.scrollIntoView({ block: 'start' });
      }
    }
  }
}

function toggle(name, value, on) {
  const values = state.filters[name].filter((v) => v !== value);
  if (on) values.push(value);
  go(withChanges({ filters: { [name]: values } }));
}

function clearFilters() {
  const filters = Object.fromEntries(FILTERS.map((name) => [name, []]));
  go(withChanges({ filters, year_from: '', year_to: '' }));
  input.focus();
}

searchForm.addEventListener('submit', (event) => {
  event.preventDefault();
  closeSuggestions();
  go(withChanges({ q: input.value }));
});

sortSelect.addEventListener('change', () => go(withChanges({ sort: sortSelect.value })));

filterToggle.addEventListener('click', () => {
  const open = filterToggle.getAttribute('aria-expanded') !== 'true';
  filterToggle.setAttribute('aria-expanded', String(open));
  filterPanel.classList.toggle('open', open);
});

window.addEventListener('popstate', () => {
  state = fromSearch(location.search);
  input.value = state.q;
  closeSuggestions();
  syncControls();
  runSearch();
});

// ---------------------------------------------------------------- suggestions

let suggestTimer = 0;
let suggestController = null;
let active = -1;

function options() {
  return [...suggestions.querySelectorAll('[role="option"]')];
}

function closeSuggestions() {
  suggestController?.abort();
  clearTimeout(suggestTimer);
  suggestions.hidden = true;
  suggestions.replaceChildren();
  input.setAttribute('aria-expanded', 'false');
  input.removeAttribute('aria-activedescendant');
  active = -1;
}

function setActive(index) {
  const all = options();
  if (!all.length) return;
  active = (index + all.length) % all.length;
  all.forEach((option, i) => option.setAttribute('aria-selected', String(i === active)));
  input.setAttribute('aria-activedescendant', all[active].id);
  all[active].scrollIntoView({ block: 'nearest' });
}

function choose(text) {
  input.value = text;
  closeSuggestions();
  go(withChanges({ q: text }));
}

async function suggest() {
  const q = input.value.trim();
  if (q.length < 2) {
    closeSuggestions();
    return;
  }
  suggestController?.abort();
  const controller = new AbortController();
  suggestController = controller;
  try {
    const { status: code, body } = await fetchJSON(`/v1/suggest?${new URLSearchParams({ q, locale })}`, { signal: controller.signal });
    if (controller !== suggestController || code !== 200 || input.value.trim() !== q) return;
    const list = body?.suggestions || [];
    if (!list.length || document.activeElement !== input) {
      closeSuggestions();
      return;
    }
    active = -1;
    input.removeAttribute('aria-activedescendant');
    suggestions.replaceChildren(...list.map((s, i) => h('li', {
      id: `suggestion-${i}`, role: 'option', 'aria-selected': 'false', class: 'suggestion',
      onmousedown: (event) => event.preventDefault(),
      onclick: () => choose(s.text),
    }, h('span', { class: 'suggestion-text' }, s.text), ' ',
    h('span', { class: 'suggestion-kind' }, t(`kind_${s.kind}`)))));
    suggestions.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  } catch (error) {
    if (error.name !== 'AbortError') closeSuggestions();
  }
}

input.addEventListener('input', () => {
  clearTimeout(suggestTimer);
  suggestTimer = setTimeout(suggest, 150);
});

input.addEventListener('keydown', (event) => {
  const open = !suggestions.hidden;
  if (event.key === 'ArrowDown') {
    event.preventDefault();
    if (open) setActive(active + 1); else suggest();
  } else if (event.key === 'ArrowUp' && open) {
    event.preventDefault();
    setActive(active - 1);
  } else if (event.key === 'Enter' && open && active >= 0) {
    event.preventDefault();
    choose(options()[active].querySelector('.suggestion-text').textContent);
  } else if (event.key === 'Escape' && open) {
    event.preventDefault();
    closeSuggestions();
  } else if (event.key === 'Tab') {
    closeSuggestions();
  }
});

input.addEventListener('blur', () => setTimeout(() => {
  if (document.activeElement !== input) closeSuggestions();
}, 100));

// ---------------------------------------------------------------- first render, from the page

input.value = state.q;
if (data.error) {
  renderError(data.error);
} else if (current) {
  render(current);
}
document.documentElement.dataset.ready = 'true';
