// Bootstrap and the hash router: #/volumes, #/volumes/<ns>/<name>[/<action>], #/nodes, ...
import { h, fill } from './dom.js';
import { api, get } from './api.js';
import * as session from './session.js';
import * as watch from './watch.js';
import { onChange, schedule } from './store.js';
import { watchMainThread, mark } from './stats.js';
import { signInPage } from './signin.js';
import { volumesPage } from './volumes.js';
import { snapshotsPage } from './snapshots.js';
import { servicesPage } from './services.js';
import { storageClassesPage } from './storageclasses.js';
import { nodesPage } from './nodes.js';
import { detailPage } from './detail.js';
import { openAction, createVolumeForm } from './dialogs.js';

const LISTS = { volumes: volumesPage, snapshots: snapshotsPage, services: servicesPage, storageclasses: storageClassesPage };
const NAMESPACED = new Set(['volumes', 'snapshots', 'services']);
const NAV = [['volumes', 'Volumes'], ['snapshots', 'Snapshots'], ['services', 'Services'],
  ['storageclasses', 'StorageClasses'], ['nodes', 'Nodes']];

const root = document.getElementById('app');
const header = h('header', { class: 'top' });
const banner = h('p', { class: 'banner', role: 'status' });
const main = h('main');
let page = null;
let overlay = null;
/** Counts routes: a dialog whose request ends after the user went elsewhere leaves the page alone. */
let routeSerial = 0;

watchMainThread();
mark('started');
onChange(() => page && page.update());
window.addEventListener('hashchange', route);
start();

async function start() {
  fill(root, header, banner, main);
  if (!session.token()) return showSignIn();
  try {
    session.remember(await get('/whoami'));
  } catch (e) {
    session.signOut();
    return showSignIn(e.status === 401 ? null : e.message);
  }
  signedIn();
}

function showSignIn(message) {
  fill(header);
  banner.textContent = message || '';
  mount(signInPage(async (token) => {
    // The token is kept only once the server accepted it.
    const answer = await api('GET', '/whoami', undefined, token);
    session.signIn(token, answer);
    banner.textContent = '';
    signedIn();
  }));
  page.focus();
}

function signedIn() {
  const me = session.whoami();
  fill(header,
    h('h1', {}, 'Rune Storage'),
    h('nav', {}, NAV.map(([kind, title]) => h('a', { href: `#/${kind}`, class: `nav-${kind}` }, title))),
    h('span', { class: 'spacer-flex' }),
    h('span', { class: 'identity' },
      h('span', { class: 'role' }, me.role), ' · ',
      h('span', { class: 'namespaces' }, me.namespaces.length ? me.namespaces.join(', ') : 'all namespaces')),
    h('button', { type: 'button', class: 'sign-out', onclick: signOut }, 'Sign out'));
  watch.start((trouble) => { banner.textContent = trouble || ''; });
  if (!location.hash || location.hash === '#' || location.hash === '#/') location.hash = '#/volumes';
  else route();
}

function signOut() {
  watch.stop();
  closeOverlay();
  session.signOut();
  location.hash = '';
  showSignIn('Signed out.');
}

function route() {
  if (!session.whoami()) return;
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const kind = parts[0] || 'volumes';
  routeSerial++;
  closeOverlay();
  if (kind === 'nodes') return mount(nodesPage(), 'nodes');
  if (!LISTS[kind]) return mount(LISTS.volumes(), 'volumes');
  if (kind === 'volumes' && parts[1] === 'new') {
    mountOnce(kind, () => LISTS[kind]());
    return showOverlay(createVolumeForm(finished(`#/${kind}`)));
  }
  const nameParts = NAMESPACED.has(kind) ? 2 : 1;
  const [namespace, name] = NAMESPACED.has(kind) ? [parts[1], parts[2]] : [null, parts[1]];
  const action = parts[1 + nameParts];
  if (!name) return mountOnce(kind, () => LISTS[kind]());
  const detailRoute = `#/${parts.slice(0, 1 + nameParts).join('/')}`;
  if (!action) return mount(detailPage(kind, namespace, name), detailRoute);
  // An action opens over the page it came from (the detail view, else the list).
  mountOnce(page && page.routeKey === detailRoute ? detailRoute : kind,
    () => (page && page.routeKey === detailRoute ? page : LISTS[kind]()));
  const back = page.routeKey === detailRoute ? detailRoute : `#/${kind}`;
  const dialog = openAction(kind, namespace, name, action, finished(back));
  if (dialog) showOverlay(dialog);
}

/** After a dialog: back to where it was opened. */
function finished(back) {
  const serial = routeSerial;
  return () => {
    if (serial !== routeSerial) return;
    closeOverlay();
    location.hash = back;
  };
}

function mount(next, routeKey) {
  if (page) page.dispose();
  page = next;
  page.routeKey = routeKey;
  fill(main, page.element);
  markNav(routeKey);
  page.update();
  schedule();
}

function mountOnce(routeKey, make) {
  if (!page || page.routeKey !== routeKey) mount(make(), routeKey);
}

function markNav(routeKey) {
  const kind = String(routeKey || '').replace(/^#\//, '').split('/')[0];
  for (const link of header.querySelectorAll('nav a')) link.classList.toggle('active', link.classList.contains(`nav-${kind}`));
}

function showOverlay(element) {
  overlay = element;
  document.body.append(element);
  const first = element.querySelector('input, select, button.confirm');
  if (first) first.focus();
}

function closeOverlay() {
  if (overlay) overlay.remove();
  overlay = null;
}
