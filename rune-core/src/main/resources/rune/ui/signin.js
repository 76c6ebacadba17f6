// The sign-in form: a bearer token, checked with GET /api/v1/whoami before it is kept.
import { h } from './dom.js';
import { ApiError } from './api.js';

/** {@code check(token)} resolves with whoami or rejects with the server's refusal. */
export function signInPage(check) {
  const field = h('input', { type: 'password', id: 'token', name: 'token', autocomplete: 'off',
    placeholder: 'paste a token, e.g. the admin token from <dataDir>/admin.token', required: true });
  const error = h('p', { class: 'error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'sign-in' }, 'Sign in');
  const form = h('form', { class: 'sign-in-form' },
    h('h2', {}, 'Sign in to Rune Storage'),
    h('label', { for: 'token' }, 'Token'), field, button, error,
    h('p', { class: 'muted' }, 'The token stays in this tab (session storage) and is sent only to this server.'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    error.textContent = '';
    try {
      await check(field.value.trim());
    } catch (e) {
      error.textContent = e instanceof ApiError ? e.message : String(e.message || e);
      button.disabled = false;
    }
  });
  return { element: h('section', { class: 'page page-sign-in' }, form), update() {}, dispose() {}, focus: () => field.focus() };
}
