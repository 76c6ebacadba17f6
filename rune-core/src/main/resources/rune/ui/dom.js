// Building elements without markup strings: no innerHTML of server data, nothing the CSP forbids.

/** An element with attributes (class, data-*, aria-*, on<event> handlers) and children (nodes or text). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      el.className = value;
    } else if (key in el && !key.includes('-')) {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces every child of {@code el}. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** The phase as a word on a colour: the class says the colour, the text says the word. */
export function phasePill(phase) {
  const word = phase || 'Unknown';
  return h('span', { class: `pill phase-${word}` }, word);
}

/** A percentage bar (implicit role progressbar) with its figure beside it. */
export function percentBar(done, total, label, extraClass = '') {
  const percent = total > 0 ? Math.min(100, Math.max(0, (done / total) * 100)) : 0;
  return h('span', { class: `bar ${extraClass}` },
    h('progress', { max: 100, value: percent, 'aria-valuenow': Math.round(percent), title: label }),
    h('span', { class: 'bar-label' }, label));
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function bytes(n) {
  let value = Number(n) || 0;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${UNITS[unit]}`;
}

const SUFFIXES = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };

/** The bytes of a size as the API writes it ("64Mi", "1G", "1000"), or 0 when it is not one. */
export function quantityBytes(text) {
  const match = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/.exec(String(text || '').trim());
  return match ? Number(match[1]) * SUFFIXES[match[2] || ''] : 0;
}

export function labelsText(labels) {
  return Object.entries(labels || {}).map(([k, v]) => `${k}=${v}`).join(', ');
}

/** "ns/name" for namespaced objects, the name otherwise. */
export function keyOf(object) {
  return object.namespace ? `${object.namespace}/${object.name}` : object.name;
}
