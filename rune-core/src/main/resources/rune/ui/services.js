// The Services page: scale, the replicas' phases, the volumes they mount.
import { h, phasePill } from './dom.js';
import { listPage } from './listpage.js';
import { nameLink, labelsCell, actions } from './cells.js';
import { mayWrite } from './session.js';

export function replicasCell(o) {
  const replicas = (o.status && o.status.replicas) || [];
  return h('span', { class: 'replicas' }, replicas.map((r) => [phasePill(r.phase), ' ']));
}

export function serviceActions(o) {
  return mayWrite(o.namespace) ? actions('services', o, [['delete', 'Delete']]) : '';
}

export function servicesPage() {
  return listPage({
    kind: 'services',
    title: 'Services',
    namespaced: true,
    phases: [],
    columns: [
      { title: 'Namespace', cell: (o) => o.namespace, className: 'col-ns' },
      { title: 'Name', cell: nameLink('services'), className: 'col-name' },
      { title: 'Scale', cell: (o) => String(o.scale), className: 'col-size' },
      { title: 'Replicas', cell: replicasCell, className: 'col-reason' },
      { title: 'Volumes', cell: (o) => (o.volumes || []).map((v) => `${v.name}→${v.mountPath}`).join(', '), className: 'col-labels' },
      { title: 'Labels', cell: labelsCell, className: 'col-labels' },
      { title: '', cell: serviceActions, className: 'col-actions' },
    ],
  });
}
