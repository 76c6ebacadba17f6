// The StorageClasses page: driver, reclaim policy, default, parameters.
import { listPage } from './listpage.js';
import { nameLink, labelsCell, actions } from './cells.js';
import { mayAdmin } from './session.js';

export function classActions(o) {
  return mayAdmin() ? actions('storageclasses', o, [['delete', 'Delete']]) : '';
}

export function storageClassesPage() {
  return listPage({
    kind: 'storageclasses',
    title: 'StorageClasses',
    namespaced: false,
    phases: [],
    columns: [
      { title: 'Name', cell: nameLink('storageclasses'), className: 'col-name' },
      { title: 'Driver', cell: (o) => o.driver, className: 'col-class' },
      { title: 'Reclaim', cell: (o) => o.reclaimPolicy || 'retain', className: 'col-size' },
      { title: 'Default', cell: (o) => (o.default ? 'default' : ''), className: 'col-size' },
      { title: 'Parameters', cell: (o) => Object.entries(o.parameters || {}).map(([k, v]) => `${k}=${v}`).join(', '), className: 'col-labels' },
      { title: 'Labels', cell: labelsCell, className: 'col-labels' },
      { title: '', cell: classActions, className: 'col-actions' },
    ],
  });
}
