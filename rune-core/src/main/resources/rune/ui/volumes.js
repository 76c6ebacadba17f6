// The Volumes page: phase, usage, restore progress, trouble, and the volume actions.
import { h, bytes, percentBar, quantityBytes } from './dom.js';
import { listPage } from './listpage.js';
import { nameLink, phaseCell, reasonCell, progressCell, labelsCell, actions } from './cells.js';
import { mayWrite, mayWriteAny } from './session.js';

export const VOLUME_PHASES = ['Pending', 'Provisioning', 'Available', 'Bound', 'Released', 'Failed', 'Stalled', 'Deleting'];

/**
 * Used bytes against what the volume may hold. Where the size is enforced that is the driver's
 * capacity; with enforcement none the driver's capacity is the whole file system's, so the bar
 * compares with the volume's own size instead (what the user asked for), and turns red past it.
 */
export function usageCell(o) {
  const status = o.status || {};
  const usage = status.usage;
  if (!usage) return '';
  const unenforced = usage.enforcement === 'none';
  const limit = unenforced ? quantityBytes(status.capacity || o.size) || usage.capacityBytes : usage.capacityBytes;
  const over = (status.conditions || []).some((c) => c.type === 'OverCapacity' && c.status === 'True');
  const bar = percentBar(usage.usedBytes, limit,
    `${bytes(usage.usedBytes)} / ${bytes(limit)}${usage.enforcement ? ` · ${usage.enforcement}` : ''}`,
    `usage${over ? ' over' : ''}`);
  if (unenforced) {
    bar.title = `Nothing enforces this volume's size: it may grow to the ${bytes(usage.capacityBytes)} of its file system`;
  }
  return bar;
}

export function volumeActions(o) {
  if (!mayWrite(o.namespace)) return '';
  const phase = o.status && o.status.phase;
  return actions('volumes', o, [
    ['snapshot', 'Snapshot'],
    (phase === 'Failed' || phase === 'Stalled') && ['retry', 'Retry'],
    phase === 'Bound' && ['detach', 'Detach'],
    ['delete', 'Delete'],
  ]);
}

export function volumesPage() {
  return listPage({
    kind: 'volumes',
    title: 'Volumes',
    namespaced: true,
    phases: VOLUME_PHASES,
    columns: [
      { title: 'Namespace', cell: (o) => o.namespace, className: 'col-ns' },
      { title: 'Name', cell: nameLink('volumes'), className: 'col-name' },
      { title: 'Phase', cell: phaseCell, className: 'col-phase' },
      { title: 'Class', cell: (o) => o.storageClassName || '', className: 'col-class' },
      { title: 'Size', cell: (o) => o.size, className: 'col-size' },
      { title: 'Usage', cell: usageCell, className: 'col-bar' },
      { title: 'Restore', cell: progressCell, className: 'col-bar' },
      { title: 'Reason', cell: reasonCell, className: 'col-reason' },
      { title: 'Labels', cell: labelsCell, className: 'col-labels' },
      { title: '', cell: volumeActions, className: 'col-actions' },
    ],
    toolbar: () => (mayWriteAny() ? h('a', { href: '#/volumes/new', class: 'button action-create' }, 'Create volume') : null),
  });
}

