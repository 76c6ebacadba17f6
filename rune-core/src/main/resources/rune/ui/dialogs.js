// Actions as dialogs over the page: each one sends its request whoever asks (the server decides)
// and shows a refusal in the server's words.
import { h } from './dom.js';
import { api, describe } from './api.js';
import { all, find } from './store.js';
import { whoami } from './session.js';

const WHAT = { volumes: 'volume', snapshots: 'snapshot', services: 'service', storageclasses: 'storage class' };

/** Opens the dialog of {@code action} on an object; {@code done} is called when it closes. */
export function openAction(kind, namespace, name, action, done) {
  const key = namespace ? `${namespace}/${name}` : name;
  const object = find(kind, key);
  const path = namespace ? `/namespaces/${namespace}/${kind}/${name}` : `/${kind}/${name}`;
  switch (`${kind}/${action}`) {
    case 'volumes/snapshot': return snapshotForm(namespace, name, done);
    case 'volumes/retry': return confirm(`Retry volume ${key}?`, 'Its attempts start again from the first.', 'Retry',
      () => api('POST', `${path}/retry`), done);
    case 'volumes/detach': return detachDialog(key, path, done);
    case 'snapshots/restore': return restoreForm(namespace, name, done);
    case `${kind}/delete`: return confirm(`Delete ${WHAT[kind]} ${key}?`, consequence(kind, object), 'Delete',
      () => api('DELETE', path), done);
    default: return null;
  }
}

function consequence(kind, object) {
  if (kind === 'volumes') {
    const storageClass = object && find('storageclasses', object.storageClassName);
    const policy = (object && object.reclaimPolicy) || (storageClass && storageClass.reclaimPolicy);
    if (policy === 'delete') return 'Its data is deleted with it.';
    if (policy === 'retain') return 'Its storage is kept (reclaim policy retain) and must be removed by hand.';
    return 'Its data is deleted or kept as its reclaim policy says.';
  }
  if (kind === 'snapshots') return 'Its copy is deleted; volumes already restored from it stay.';
  if (kind === 'services') return 'Its replicas stop; its volumes stay.';
  return 'Volumes of this class keep their storage; new ones cannot use it.';
}

/** A modal with a message, fields, and a button that runs {@code send}; errors stay in it. */
function dialog(title, body, button, send, done) {
  const error = h('p', { class: 'error', role: 'alert' });
  const field = h('p', { class: 'error-field' });
  const confirmButton = h('button', { type: 'submit', class: 'confirm' }, button);
  const form = h('form', { class: 'dialog', role: 'dialog', 'aria-modal': 'true', 'aria-label': title },
    h('h3', {}, title), body, error, field,
    h('div', { class: 'dialog-buttons' },
      h('button', { type: 'button', class: 'cancel', onclick: () => done(false) }, 'Cancel'), confirmButton));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    confirmButton.disabled = true;
    error.textContent = '';
    field.textContent = '';
    try {
      const answer = await send();
      done(true, answer);
    } catch (e) {
      error.textContent = e.message;
      field.textContent = e.field ? `field: ${e.field}` : '';
      error.title = describe(e);
      confirmButton.disabled = false;
    }
  });
  return h('div', { class: 'overlay' }, form);
}

function confirm(question, consequenceText, button, send, done) {
  return dialog(question, h('p', { class: 'consequence' }, `${question} ${consequenceText}`), button, send, done);
}

function detachDialog(key, path, done) {
  const force = h('input', { type: 'checkbox', class: 'force' });
  return dialog(`Detach volume ${key}?`,
    [h('p', { class: 'consequence' }, `Detach volume ${key}? A Bound volume is taken from under its replicas only with force.`),
      h('label', {}, force, ' force (take it from its replicas)')],
    'Detach', () => api('POST', `${path}/detach${force.checked ? '?force=true' : ''}`), done);
}

function input(name, value = '', attrs = {}) {
  return h('input', { type: 'text', name, value, class: `field-${name}`, ...attrs });
}

function row(label, control) {
  return h('label', { class: 'form-row' }, h('span', {}, label), control);
}

function classSelect() {
  return h('select', { name: 'storageClassName', class: 'field-storageClassName' },
    h('option', { value: '' }, '(the default class)'),
    [...all('storageclasses').values()].map((c) => h('option', { value: c.name }, c.name)));
}

/** Create a volume: namespace, name, class (from the StorageClasses list), size, access mode. */
export function createVolumeForm(done) {
  const me = whoami();
  const namespace = input('namespace', me && me.namespaces.length ? me.namespaces[0] : 'default');
  const name = input('name');
  const storageClass = classSelect();
  const size = input('size', '1Gi');
  const mode = h('select', { name: 'accessMode', class: 'field-accessMode' },
    ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany'].map((m) => h('option', { value: m }, m)));
  return dialog('Create volume',
    [row('Namespace', namespace), row('Name', name), row('Class', storageClass), row('Size', size), row('Access mode', mode)],
    'Create', () => {
      const body = { name: name.value.trim(), size: size.value.trim(), accessMode: mode.value };
      if (storageClass.value) body.storageClassName = storageClass.value;
      return api('POST', `/namespaces/${encodeURIComponent(namespace.value.trim())}/volumes`, body);
    }, done);
}

function snapshotForm(namespace, volume, done) {
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const name = input('name', `${volume}-${stamp.slice(0, 8)}-${stamp.slice(8)}`);
  return dialog(`Snapshot volume ${namespace}/${volume}`, [row('Snapshot name', name)], 'Take snapshot',
    () => api('POST', `/namespaces/${namespace}/snapshots`, { name: name.value.trim(), source: { volume } }), done);
}

function restoreForm(namespace, snapshot, done) {
  const targetNamespace = input('namespace', namespace);
  const name = input('name', `${snapshot}-restored`);
  const storageClass = classSelect();
  const size = input('size', '', { placeholder: "the snapshot's size" });
  return dialog(`Restore snapshot ${namespace}/${snapshot} into a new volume`,
    [row('Namespace', targetNamespace), row('Volume name', name), row('Class', storageClass), row('Size', size)],
    'Restore', () => {
      const body = { fromSnapshot: snapshot, snapshotNamespace: namespace };
      if (storageClass.value) body.storageClassName = storageClass.value;
      if (size.value.trim()) body.size = size.value.trim();
      return api('POST', `/namespaces/${encodeURIComponent(targetNamespace.value.trim())}/volumes/${encodeURIComponent(name.value.trim())}/restore`, body);
    }, done);
}
