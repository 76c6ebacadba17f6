// The Snapshots page: phase, copy progress, trouble, restore and delete.
import { listPage } from './listpage.js';
import { nameLink, phaseCell, reasonCell, progressCell, labelsCell, actions } from './cells.js';
import { mayWrite } from './session.js';

export function snapshotActions(o) {
  if (!mayWrite(o.namespace)) return '';
  const ready = o.status && o.status.phase === 'Ready';
  return actions('snapshots', o, [ready && ['restore', 'Restore'], ['delete', 'Delete']]);
}

export function snapshotsPage() {
  return listPage({
    kind: 'snapshots',
    title: 'Snapshots',
    namespaced: true,
    phases: ['Pending', 'Creating', 'Ready', 'Failed', 'Deleting'],
    columns: [
      { title: 'Namespace', cell: (o) => o.namespace, className: 'col-ns' },
      { title: 'Name', cell: nameLink('snapshots'), className: 'col-name' },
      { title: 'Phase', cell: phaseCell, className: 'col-phase' },
      { title: 'Volume', cell: (o) => `${o.source.namespace || o.namespace}/${o.source.volume}`, className: 'col-name' },
      { title: 'Progress', cell: progressCell, className: 'col-bar' },
      { title: 'Method', cell: (o) => (o.status && o.status.method) || '', className: 'col-size' },
      { title: 'Reason', cell: reasonCell, className: 'col-reason' },
      { title: 'Labels', cell: labelsCell, className: 'col-labels' },
      { title: '', cell: snapshotActions, className: 'col-actions' },
    ],
  });
}
