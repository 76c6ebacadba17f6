// A live list of one kind: filters by namespace, label selector and phase, sorted by key,
// drawn through a windowed table, with the actions the token may use on each row.
import { h, fill } from './dom.js';
import { all, schedule } from './store.js';
import { parseSelector } from './selector.js';
import { WindowedTable } from './table.js';
import { recordRender } from './stats.js';

/**
 * spec: {kind, title, namespaced, phases, columns, toolbar?: () => node[]}.
 * Returns a page: {element, update(), dispose()}.
 */
export function listPage(spec) {
  const namespace = h('select', { class: 'filter-namespace', 'aria-label': 'Namespace', onchange: schedule },
    h('option', { value: '' }, 'All namespaces'));
  const labels = h('input', { class: 'filter-labels', type: 'text', placeholder: 'labels: a=b,c!=d',
    'aria-label': 'Label selector', oninput: schedule });
  const phase = h('select', { class: 'filter-phase', 'aria-label': 'Phase', onchange: schedule },
    h('option', { value: '' }, 'Every phase'), spec.phases.map((p) => h('option', { value: p }, p)));
  const selectorError = h('span', { class: 'error selector-error', role: 'alert' });
  const count = h('span', { class: 'count' });
  const table = new WindowedTable(spec.columns, schedule);
  const element = h('section', { class: `page page-${spec.kind}` },
    h('div', { class: 'toolbar' }, h('h2', {}, spec.title), count,
      spec.namespaced ? namespace : null, labels, spec.phases.length ? phase : null, selectorError,
      h('span', { class: 'spacer-flex' }), spec.toolbar ? spec.toolbar() : null),
    table.element);
  let knownNamespaces = '';

  function update() {
    const started = performance.now();
    const objects = all(spec.kind);
    refreshNamespaces(objects);
    let matches = () => true;
    try {
      matches = parseSelector(labels.value);
      selectorError.textContent = '';
    } catch (e) {
      selectorError.textContent = e.message;
    }
    const rows = [];
    for (const [key, object] of objects) {
      if (namespace.value && object.namespace !== namespace.value) continue;
      if (phase.value && phaseOf(object) !== phase.value) continue;
      if (!matches(object.labels)) continue;
      rows.push({ key, value: object });
    }
    rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    count.textContent = `${rows.length} of ${objects.size}`;
    table.render(rows);
    recordRender(started);
  }

  function refreshNamespaces(objects) {
    if (!spec.namespaced) return;
    const names = [...new Set([...objects.values()].map((o) => o.namespace))].sort();
    const joined = names.join(',');
    if (joined === knownNamespaces) return;
    knownNamespaces = joined;
    const chosen = namespace.value;
    fill(namespace, h('option', { value: '' }, 'All namespaces'),
      names.map((n) => h('option', { value: n, selected: n === chosen }, n)));
  }

  return { element, update, dispose() {} };
}

export function phaseOf(object) {
  return object.status && object.status.phase;
}
