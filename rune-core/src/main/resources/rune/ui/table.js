// A table that renders only its visible rows (fixed row height, spacers above and below), so
// thousands of objects cost as much as the few dozen on screen.
import { h, fill } from './dom.js';

export const ROW_HEIGHT = 34;
const OVERSCAN = 8;
/** When each row (by key) was first put on screen: tests measure the time to appear with it. */
const seenAt = new Map();

export class WindowedTable {
  /** columns: [{title, cell(object) → node|string, className?}] */
  constructor(columns, onScroll) {
    this.columns = columns;
    this.rows = [];
    /** Drawn rows by key, with the resourceVersion they show: an unchanged row is kept, not redrawn. */
    this.drawnRows = new Map();
    this.body = h('tbody');
    this.scroller = h('div', { class: 'table-scroll', onscroll: onScroll },
      h('table', { class: 'objects' },
        h('thead', {}, h('tr', {}, columns.map((c) => h('th', { class: c.className || '' }, c.title)))),
        this.body));
    this.element = this.scroller;
  }

  /** Shows {@code rows} (already filtered and sorted), drawing only those in view. */
  render(rows) {
    this.rows = rows;
    const viewport = this.scroller.clientHeight || 600;
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(rows.length, Math.ceil((this.scroller.scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);
    const now = Date.now();
    const drawn = [];
    const kept = new Map();
    for (let i = first; i < last; i++) {
      const { key, value } = rows[i];
      if (!seenAt.has(key)) seenAt.set(key, now);
      const previous = this.drawnRows.get(key);
      const row = previous && previous.version === value.resourceVersion ? previous.row
        : h('tr', { 'data-key': key, 'data-seen-at': seenAt.get(key), class: 'row' },
          this.columns.map((c) => h('td', { class: c.className || '' }, c.cell(value))));
      kept.set(key, { version: value.resourceVersion, row });
      drawn.push(row);
    }
    this.drawnRows = kept;
    fill(this.body, spacer(first, this.columns.length), drawn,
      spacer(rows.length - last, this.columns.length));
  }
}

function spacer(count, span) {
  const cell = h('td', { colSpan: span });
  // Set through the CSSOM: the CSP forbids style attributes, not style properties.
  cell.style.height = `${count * ROW_HEIGHT}px`;
  return h('tr', { class: 'spacer', 'aria-hidden': 'true' }, cell);
}

