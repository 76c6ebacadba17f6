// The token lives in sessionStorage only: never a cookie, never the URL.
const KEY = 'rune.token';
let identity = null;

export function token() {
  return sessionStorage.getItem(KEY);
}

export function signIn(newToken, whoami) {
  sessionStorage.setItem(KEY, newToken);
  identity = whoami;
}

export function remember(whoami) {
  identity = whoami;
}

export function signOut() {
  sessionStorage.removeItem(KEY);
  identity = null;
}

export function whoami() {
  return identity;
}

/** Whether the token may write namespaced objects in {@code namespace}. */
export function mayWrite(namespace) {
  if (!identity || identity.role === 'readonly') return false;
  return identity.namespaces.length === 0 || identity.namespaces.includes(namespace);
}

/** Whether the token may write StorageClasses (admins only). */
export function mayAdmin() {
  return !!identity && identity.role === 'admin';
}

/** Whether the token may create objects in some namespace. */
export function mayWriteAny() {
  return !!identity && identity.role !== 'readonly';
}
