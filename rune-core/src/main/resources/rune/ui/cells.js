// Table cells shared by the pages: name links, phases with their reasons, progress, actions.
import { h, phasePill, percentBar, bytes, labelsText, keyOf } from './dom.js';

const TROUBLED = new Set(['Failed', 'Stalled']);

export function route(kind, object, action) {
  const base = `#/${kind}/${object.namespace ? `${object.namespace}/` : ''}${object.name}`;
  return action ? `${base}/${action}` : base;
}

export function nameLink(kind) {
  return (o) => h('a', { href: route(kind, o), class: 'name-link' }, o.name);
}

export function phaseCell(o) {
  return phasePill(o.status && o.status.phase);
}

/** The reason, and for a Failed or Stalled object also its message: in plain view in the row. */
export function reasonCell(o) {
  const status = o.status || {};
  if (TROUBLED.has(status.phase)) {
    const text = [status.reason, status.message].filter(Boolean).join(': ');
    return h('span', { class: 'trouble', title: text }, text);
  }
  return h('span', { class: 'reason', title: status.message || '' }, status.reason || '');
}

/** A copy under way (snapshot, restore): its bar; nothing otherwise. */
export function progressCell(o) {
  const progress = o.status && o.status.progress;
  if (!progress || !progress.bytesTotal) return '';
  if (progress.bytesDone >= progress.bytesTotal && o.status.phase !== 'Creating'
      && o.status.phase !== 'Provisioning' && o.status.phase !== 'Pending') {
    return h('span', { class: 'done' }, `copied ${bytes(progress.bytesTotal)}`);
  }
  return percentBar(progress.bytesDone, progress.bytesTotal,
    `${bytes(progress.bytesDone)} / ${bytes(progress.bytesTotal)}`, 'progress-copy');
}

export function labelsCell(o) {
  const text = labelsText(o.labels);
  return h('span', { class: 'labels', title: text }, text);
}

/** Action links; each is a hash route, so typing it directly does the same. */
export function actions(kind, o, list) {
  return h('span', { class: 'actions' }, list.filter(Boolean).map(([action, word]) =>
    h('a', { href: route(kind, o, action), class: `button action-${action}`, 'data-key': keyOf(o) }, word)));
}
