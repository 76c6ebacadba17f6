// The Nodes page: nodes are not on the watch stream, so the list is fetched every 5 s while shown.
import { h, fill, phasePill, labelsText } from './dom.js';
import { get, describe } from './api.js';

const REFRESH_MS = 5000;

export function nodesPage() {
  const body = h('tbody');
  const problem = h('p', { class: 'error', role: 'alert' });
  const element = h('section', { class: 'page page-nodes' },
    h('div', { class: 'toolbar' }, h('h2', {}, 'Nodes')), problem,
    h('div', { class: 'table-scroll' }, h('table', { class: 'objects' },
      h('thead', {}, h('tr', {}, ['Name', 'Status', 'Address', 'Version', 'Heartbeat', 'Shards', 'Labels']
        .map((t) => h('th', {}, t)))), body)));
  let timer = null;
  let disposed = false;

  async function refresh() {
    try {
      const list = await get('/nodes');
      if (disposed) return;
      problem.textContent = '';
      fill(body, list.items.map((n) => h('tr', { class: 'row', 'data-key': n.name },
        h('td', {}, n.name), h('td', {}, phasePill(n.status)), h('td', {}, n.address), h('td', {}, n.version),
        h('td', {}, `${n.heartbeatAgeSeconds.toFixed(1)} s ago`), h('td', {}, n.shards.join(' ')),
        h('td', {}, labelsText(n.labels)))));
    } catch (e) {
      if (!disposed) problem.textContent = describe(e);
    }
    if (!disposed) timer = setTimeout(refresh, REFRESH_MS);
  }
  refresh();
  return { element, update() {}, dispose() { disposed = true; clearTimeout(timer); } };
}
