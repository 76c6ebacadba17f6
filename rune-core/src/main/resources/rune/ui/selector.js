// Label selectors as the API reads them (a=b, a==b, a!=b, a, !a, a in (x,y), a notin (x,y)),
// evaluated in the page so filtering needs no request.

/** A predicate over a labels object; throws an Error naming the part it cannot read. */
export function parseSelector(text) {
  const tests = splitTerms(text.trim()).map(parseTerm);
  return (labels) => tests.every((test) => test(labels || {}));
}

function splitTerms(text) {
  if (!text) return [];
  const terms = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  terms.push(current.trim());
  return terms;
}

const SET = /^([A-Za-z0-9./_-]+)\s+(in|notin)\s+\(([^)]*)\)$/;
const EQUALITY = /^([A-Za-z0-9./_-]+)\s*(==|!=|=)\s*([A-Za-z0-9._-]*)$/;
const KEY = /^(!?)\s*([A-Za-z0-9./_-]+)$/;

function parseTerm(term) {
  let m = SET.exec(term);
  if (m) {
    const values = m[3].split(',').map((v) => v.trim());
    const wanted = m[2] === 'in';
    return (labels) => (m[1] in labels && values.includes(labels[m[1]])) === wanted;
  }
  m = EQUALITY.exec(term);
  if (m) {
    const equal = m[2] !== '!=';
    return (labels) => (labels[m[1]] === m[3]) === equal;
  }
  m = KEY.exec(term);
  if (m) {
    const present = m[1] !== '!';
    return (labels) => (m[2] in labels) === present;
  }
  throw new Error(`cannot read "${term}" as a label selector term: use key=value, key!=value, key, !key or key in (a,b)`);
}
