// Objects by kind and key ("ns/name", or name for StorageClasses), changed by watch frames in
// batches: one batch per animation frame, then one render.
import { keyOf } from './dom.js';
import { stats } from './stats.js';

export const KINDS = ['storageclasses', 'volumes', 'snapshots', 'services'];
const PLURAL = { StorageClass: 'storageclasses', Volume: 'volumes', Snapshot: 'snapshots', Service: 'services' };

const objects = Object.fromEntries(KINDS.map((kind) => [kind, new Map()]));
const pending = [];
const listeners = new Set();
let scheduled = false;

export function all(kind) {
  return objects[kind];
}

export function find(kind, key) {
  return objects[kind].get(key);
}

/** Replaces a kind's objects with a fresh list. */
export function load(kind, items) {
  const map = objects[kind];
  map.clear();
  for (const item of items) map.set(keyOf(item), item);
  stats.counts[kind] = map.size;
  schedule();
}

/** Queues a watch frame; frames are applied together at the next animation frame. */
export function enqueue(frame) {
  pending.push(frame);
  schedule();
}

export function clear() {
  for (const map of Object.values(objects)) map.clear();
  pending.length = 0;
}

/** Called after each batch is applied. */
export function onChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Asks for a render at the next animation frame, even without new frames (a scroll, a filter). */
export function schedule() {
  if (scheduled) return;
  scheduled = true;
  // Hidden pages get no animation frames; a timer keeps the store current there.
  if (document.hidden) setTimeout(flush, 100);
  else requestAnimationFrame(flush);
}

function flush() {
  scheduled = false;
  for (const frame of pending.splice(0)) apply(frame);
  for (const listener of listeners) listener();
}

function apply(frame) {
  const kind = PLURAL[frame.kind];
  stats.lastSeq = Math.max(stats.lastSeq, frame.seq);
  if (!kind || !frame.object) return;
  const map = objects[kind];
  const key = keyOf(frame.object);
  const known = map.get(key);
  // A replay from the lowest list sequence repeats changes a later list already holds.
  if (known && Number(known.resourceVersion) > frame.seq) return;
  if (frame.type === 'DELETED') map.delete(key);
  else map.set(key, frame.object);
  stats.framesApplied++;
  stats.counts[kind] = map.size;
}
