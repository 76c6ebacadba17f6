// One object: its fields, status, conditions, and its recent changes from the change log.
import { h, fill, phasePill, labelsText } from './dom.js';
import { get, describe } from './api.js';
import { find } from './store.js';
import { volumeActions, usageCell } from './volumes.js';
import { snapshotActions } from './snapshots.js';
import { serviceActions, replicasCell } from './services.js';
import { classActions } from './storageclasses.js';
import { progressCell, reasonCell } from './cells.js';

const ACTIONS = { volumes: volumeActions, snapshots: snapshotActions, services: serviceActions, storageclasses: classActions };
const TITLES = { volumes: 'Volume', snapshots: 'Snapshot', services: 'Service', storageclasses: 'StorageClass' };
const HIDDEN = new Set(['status', 'name', 'namespace', 'labels']);

export function detailPage(kind, namespace, name) {
  const key = namespace ? `${namespace}/${name}` : name;
  const path = namespace ? `/namespaces/${namespace}/${kind}/${name}` : `/${kind}/${name}`;
  const summary = h('div', { class: 'detail-summary' });
  const changes = h('tbody');
  const changesProblem = h('p', { class: 'error', role: 'alert' });
  const element = h('section', { class: `page page-detail detail-${kind}` },
    h('div', { class: 'toolbar' }, h('a', { href: `#/${kind}`, class: 'back' }, `← ${kind}`),
      h('h2', {}, `${TITLES[kind]} ${key}`)),
    summary,
    h('h3', {}, 'Recent changes'), changesProblem,
    h('table', { class: 'objects changes' },
      h('thead', {}, h('tr', {}, ['Type', 'Seq', 'Time', 'Phase then'].map((t) => h('th', {}, t)))), changes));
  let shownVersion = null;
  let disposed = false;

  async function loadChanges() {
    try {
      const answer = await get(`${path}/changes?limit=20`);
      if (disposed) return;
      changesProblem.textContent = '';
      fill(changes, answer.items.map((c) => h('tr', { class: 'change' },
        h('td', {}, c.type), h('td', {}, String(c.seq)), h('td', {}, new Date(c.at).toLocaleString()),
        h('td', {}, phasePill(c.object && c.object.status && c.object.status.phase)))));
    } catch (e) {
      if (!disposed) changesProblem.textContent = describe(e);
    }
  }

  function update() {
    const object = find(kind, key);
    const version = object ? object.resourceVersion : 'gone';
    if (version === shownVersion) return;
    shownVersion = version;
    fill(summary, object ? describeObject(kind, object) : h('p', { class: 'gone' }, `${TITLES[kind]} ${key} does not exist (any more).`));
    loadChanges();
  }

  return { element, update, dispose() { disposed = true; } };
}

function describeObject(kind, object) {
  const status = object.status || {};
  const fields = Object.entries(object).filter(([k]) => !HIDDEN.has(k));
  const statusFields = Object.entries(status).filter(([k]) => !['conditions', 'usage', 'progress', 'replicas'].includes(k));
  return [
    h('div', { class: 'detail-head' }, status.phase ? phasePill(status.phase) : null, reasonCell(object),
      kind === 'volumes' ? usageCell(object) : null, progressCell(object), ACTIONS[kind](object)),
    h('div', { class: 'detail-columns' },
      h('div', {}, h('h3', {}, 'Fields'), table([['labels', labelsText(object.labels)], ...fields])),
      h('div', {}, h('h3', {}, 'Status'), table(statusFields))),
    kind === 'services' ? [h('h3', {}, 'Replicas'), replicasCell(object)] : null,
    h('h3', {}, 'Conditions'),
    (status.conditions || []).length === 0 ? h('p', { class: 'muted' }, 'None.')
      : h('table', { class: 'objects conditions' },
        h('thead', {}, h('tr', {}, ['Type', 'Status', 'Reason', 'Message', 'Since'].map((t) => h('th', {}, t)))),
        h('tbody', {}, status.conditions.map((c) => h('tr', {}, h('td', {}, c.type), h('td', {}, c.status),
          h('td', {}, c.reason || ''), h('td', {}, c.message || ''), h('td', {}, c.lastTransitionAt || ''))))),
  ];
}

function table(entries) {
  return h('table', { class: 'fields' }, h('tbody', {}, entries.map(([k, v]) =>
    h('tr', {}, h('th', {}, k), h('td', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))))));
}
