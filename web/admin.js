// The staff page: the token (typed in, kept in this tab's sessionStorage only), a file checked
// with a dry run and its report as a table, then committed; delete by id; the index's counts per
// language and its last commit time (from /v1/facets).

import {
  chrome, data, dateTime, errorMessage, fetchJSON, h, locale, number, t,
} from './common.js';

const TOKEN_KEY = 'databank-admin-token';

const { header, footer } = chrome('admin');
const main = h('main', { id: 'main', tabindex: '-1', class: 'admin-page' });
document.getElementById('app').append(header, main, footer);

function token() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';
  }
}

function authHeaders(extra = {}) {
  return { Authorization: `Bearer ${token()}`, ...extra };
}

main.append(h('h1', {}, t('admin_title')));
if (data.writes_enabled === false) {
  main.append(h('p', { class: 'notice error', role: 'alert' }, t('writes_disabled')));
}

// ---------------------------------------------------------------- token

const tokenInput = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false' });
const tokenStatus = h('p', { id: 'token-status', class: 'hint', role: 'status' });
const forget = h('button', { type: 'button', class: 'button', id: 'forget-token' }, t('token_forget'));
const tokenForm = h('form', { id: 'token-form', class: 'stack' },
  h('label', { for: 'token' }, t('token_label')),
  h('div', { class: 'row' }, tokenInput, h('button', { type: 'submit', class: 'button primary', id: 'save-token' }, t('token_save')), forget),
  h('p', { class: 'hint', id: 'token-hint' }, t('token_hint')),
  tokenStatus);
tokenInput.setAttribute('aria-describedby', 'token-hint');

function showTokenState() {
  tokenStatus.textContent = token() ? t('token_saved') : t('token_missing');
  forget.hidden = !token();
}

tokenForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const value = tokenInput.value.trim();
  if (!value) {
    tokenStatus.textContent = t('token_missing');
    tokenInput.focus();
    return;
  }
  try {
    sessionStorage.setItem(TOKEN_KEY, value);
  } catch {
    // storage refused (private mode): nothing is kept
  }
  tokenInput.value = '';
  showTokenState();
});

forget.addEventListener('click', () => {
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // nothing stored
  }
  showTokenState();
  tokenStatus.textContent = t('token_forgotten');
  tokenInput.focus();
});

main.append(h('section', { class: 'panel', 'aria-labelledby': 'token-heading' },
  h('h2', { id: 'token-heading' }, t('token_heading')), tokenForm));
showTokenState();

// ---------------------------------------------------------------- upload: dry run, report, commit

const fileInput = h('input', { id: 'file', name: 'file', type: 'file', accept: '.csv,.tsv,.txt,.ndjson,.jsonl,.json', 'aria-describedby': 'file-hint' });
const checkButton = h('button', { type: 'submit', class: 'button primary', id: 'dry-run' }, t('dry_run'));
const report = h('div', { id: 'report', class: 'report' });
const commitButton = h('button', { type: 'button', class: 'button primary', id: 'commit', disabled: true }, t('commit'));
const commitSkipButton = h('button', { type: 'button', class: 'button', id: 'commit-skip', hidden: true }, t('commit_skip'));
const commitStatus = h('div', { id: 'commit-status', role: 'status' });
let checked = null; // {file, contentType, rejected}

function contentTypeOf(name) {
  const extension = name.toLowerCase().split('.').pop();
  if (['csv', 'tsv', 'txt'].includes(extension)) return 'text/csv';
  if (['ndjson', 'jsonl'].includes(extension)) return 'application/x-ndjson';
  if (extension === 'json') return 'application/json';
  return null;
}

function resetReport() {
  checked = null;
  report.replaceChildren();
  commitButton.disabled = true;
  commitSkipButton.hidden = true;
  commitStatus.replaceChildren();
}

function summaryLine(body) {
  return t('summary', {
    received: number(body.received ?? 0),
    created: number(body.created ?? 0),
    updated: number(body.updated ?? 0),
    unchanged: number(body.unchanged ?? 0),
  });
}

function rejectedTable(rejected) {
  const rows = [];
  for (const row of rejected) {
    const errors = row.errors?.length ? row.errors : [{ field: '', message: '' }];
    for (const error of errors) {
      rows.push(h('tr', {},
        h('td', { class: 'num' }, String(row.line ?? '')),
        h('td', {}, row.id ?? ''),
        h('td', {}, h('code', {}, error.field ?? '')),
        h('td', {}, error.message ?? '')));
    }
  }
  return h('div', { class: 'table-wrap', role: 'region', 'aria-labelledby': 'rejected-caption', tabindex: '0' },
    h('table', { class: 'report-table', id: 'rejected' },
      h('caption', { id: 'rejected-caption' }, t('report_caption', { count: number(rejected.length) })),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('col_row')),
        h('th', { scope: 'col' }, t('col_id')),
        h('th', { scope: 'col' }, t('col_field')),
        h('th', { scope: 'col' }, t('col_problem')))),
      h('tbody', {}, rows)));
}

async function post(file, contentType, query) {
  return fetchJSON(`/v1/initiatives/bulk?${query}`, {
    method: 'POST',
    headers: authHeaders({ 'Content-Type': contentType }),
    body: file,
  });
}

const uploadForm = h('form', { id: 'upload-form', class: 'stack' },
  h('label', { for: 'file' }, t('file_label')),
  fileInput,
  h('p', { class: 'hint', id: 'file-hint' }, t('file_hint')),
  h('div', {}, checkButton));

fileInput.addEventListener('change', resetReport);

uploadForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  resetReport();
  const file = fileInput.files?.[0];
  if (!file) {
    report.replaceChildren(h('p', { class: 'notice error', role: 'alert' }, t('choose_file')));
    return;
  }
  const contentType = contentTypeOf(file.name);
  if (!contentType) {
    report.replaceChildren(h('p', { class: 'notice error', role: 'alert' }, t('unsupported_file')));
    return;
  }
  if (!token()) {
    report.replaceChildren(h('p', { class: 'notice error', role: 'alert' }, t('token_missing')));
    tokenInput.focus();
    return;
  }
  checkButton.disabled = true;
  report.replaceChildren(h('p', { role: 'status' }, t('checking')));
  try {
    const { status, body } = await post(file, contentType, 'dry_run=true');
    const rejected = body?.rejected || [];
    if (status !== 200 && status !== 422) {
      report.replaceChildren(h('p', { class: 'notice error', role: 'alert' }, errorMessage(status, body)));
      return;
    }
    checked = { file, contentType, rejected };
    const lines = [h('p', { id: 'dry-run-summary' }, summaryLine(body))];
    if (body?.encoding) lines.push(h('p', { class: 'hint' }, t('encoding', { encoding: body.encoding })));
    if (rejected.length) {
      lines.unshift(h('p', { class: 'notice error', id: 'dry-run-result' }, t('dry_run_bad', { count: number(rejected.length) })));
      lines.push(rejectedTable(rejected));
      const valid = (body.received ?? 0) - rejected.length;
      if (valid > 0) {
        commitSkipButton.hidden = false;
        commitSkipButton.textContent = t('commit_skip', { count: number(valid) });
      }
    } else {
      lines.unshift(h('p', { class: 'notice ok', id: 'dry-run-result' }, t('dry_run_ok')));
      commitButton.disabled = false;
    }
    report.replaceChildren(...lines);
  } catch (error) {
    report.replaceChildren(h('p', { class: 'notice error', role: 'alert' }, String(error.message || error)));
  } finally {
    checkButton.disabled = false;
  }
});

async function commit(onError) {
  if (!checked) return;
  commitButton.disabled = true;
  commitSkipButton.hidden = true;
  commitStatus.replaceChildren(h('p', {}, t('committing')));
  try {
    const { status, body } = await post(checked.file, checked.contentType, `on_error=${onError}`);
    if (status === 200 && body?.committed) {
      commitStatus.replaceChildren(h('p', { class: 'notice ok', id: 'commit-result' }, t('committed'), ' ', summaryLine(body)));
      checked = null;
      refreshStats();
    } else {
      commitStatus.replaceChildren(h('p', { class: 'notice error', role: 'alert', id: 'commit-result' }, errorMessage(status, body)));
      if (body?.rejected?.length) commitStatus.append(rejectedTable(body.rejected));
    }
  } catch (error) {
    commitStatus.replaceChildren(h('p', { class: 'notice error', role: 'alert' }, String(error.message || error)));
  }
}

commitButton.addEventListener('click', () => commit('abort'));
commitSkipButton.addEventListener('click', () => commit('skip'));

main.append(h('section', { class: 'panel', 'aria-labelledby': 'upload-heading' },
  h('h2', { id: 'upload-heading' }, t('upload_heading')),
  uploadForm, report,
  h('div', { class: 'row commit-row' }, commitButton, commitSkipButton),
  commitStatus));

// ---------------------------------------------------------------- delete by id

const deleteInput = h('input', { id: 'delete-id', name: 'id', type: 'text', autocomplete: 'off', spellcheck: 'false', required: true, maxlength: 128 });
const deleteStatus = h('div', { id: 'delete-status', role: 'status' });
const deleteForm = h('form', { id: 'delete-form', class: 'stack' },
  h('label', { for: 'delete-id' }, t('delete_label')),
  h('div', { class: 'row' }, deleteInput, h('button', { type: 'submit', class: 'button danger', id: 'delete' }, t('delete_button'))),
  deleteStatus);

deleteForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const id = deleteInput.value.trim();
  if (!id) return;
  if (!token()) {
    deleteStatus.replaceChildren(h('p', { class: 'notice error' }, t('token_missing')));
    return;
  }
  try {
    const { status, body } = await fetchJSON(`/v1/initiatives/${encodeURIComponent(id)}`, { method: 'DELETE', headers: authHeaders() });
    if (status === 204) {
      deleteStatus.replaceChildren(h('p', { class: 'notice ok' }, t('deleted', { id })));
      deleteInput.value = '';
      refreshStats();
    } else {
      deleteStatus.replaceChildren(h('p', { class: 'notice error' }, status === 404 ? t('delete_missing', { id }) : errorMessage(status, body)));
    }
  } catch (error) {
    deleteStatus.replaceChildren(h('p', { class: 'notice error' }, String(error.message || error)));
  }
});

main.append(h('section', { class: 'panel', 'aria-labelledby': 'delete-heading' },
  h('h2', { id: 'delete-heading' }, t('delete_heading')), deleteForm));

// ---------------------------------------------------------------- index statistics

const stats = h('div', { id: 'stats', 'aria-live': 'polite' }, h('p', {}, t('loading')));
const refresh = h('button', { type: 'button', class: 'button', id: 'refresh-stats', onclick: () => refreshStats() }, t('refresh'));

async function refreshStats() {
  try {
    const { status, body } = await fetchJSON(`/v1/facets?locale=${encodeURIComponent(locale)}`);
    if (status !== 200 || !body) {
      stats.replaceChildren(h('p', { class: 'notice error' }, errorMessage(status, body)));
      return;
    }
    const languages = body.facets?.language || [];
    stats.replaceChildren(
      h('p', { id: 'total' }, t('total', { count: number(body.total) })),
      h('p', { id: 'last-commit' }, `${t('last_commit')}: `,
        body.last_commit ? h('time', { datetime: body.last_commit }, dateTime(body.last_commit)) : t('never')),
      h('table', { class: 'report-table', id: 'per-language' },
        h('caption', {}, t('per_language')),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('col_language')), h('th', { scope: 'col' }, t('col_count')))),
        h('tbody', {}, languages.map((entry) => h('tr', { 'data-language': entry.value },
          h('th', { scope: 'row' }, `${entry.label} (${entry.value})`),
          h('td', { class: 'num' }, number(entry.count)))))));
  } catch (error) {
    stats.replaceChildren(h('p', { class: 'notice error' }, String(error.message || error)));
  }
}

main.append(h('section', { class: 'panel', 'aria-labelledby': 'stats-heading' },
  h('div', { class: 'panel-head' }, h('h2', { id: 'stats-heading' }, t('stats_heading')), refresh),
  stats));

refreshStats();
document.documentElement.dataset.ready = 'true';
