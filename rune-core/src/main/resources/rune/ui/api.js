// REST calls with the session's bearer token; refusals become ApiErrors in the server's words.
import { token } from './session.js';

/** A refusal from the server: its status, code, message (shown verbatim) and field. */
export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

/** {@code bearer}: the session's token unless another is being checked (sign-in). */
export async function api(method, path, body, bearer = token()) {
  const headers = { Accept: 'application/json' };
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit', cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, 'Unreachable', `The server did not answer (${e.message}); is runed running?`);
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    json = null;
  }
  if (!response.ok) {
    const error = json && json.error;
    if (error) throw new ApiError(response.status, error.code, error.message, error.field);
    throw new ApiError(response.status, `HTTP${response.status}`, text || response.statusText);
  }
  return json;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body === undefined ? {} : body);
export const del = (path) => api('DELETE', path);

/** The largest page the API gives: 1,000 volumes come in one answer. */
const PAGE = 1000;

/** Every item of a list, page by page, and the change-log sequence of its first page. */
export async function listAll(path) {
  const items = [];
  let seq = null;
  let next = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get(`${path}${sep}limit=${PAGE}${next ? `&continue=${encodeURIComponent(next)}` : ''}`);
    if (seq === null) seq = Number(page.resourceVersion);
    items.push(...page.items);
    next = page.continue;
  } while (next);
  return { items, seq };
}

/** A human sentence for an error: the server's message, and the field it names. */
export function describe(error) {
  return error.field ? `${error.message} (field: ${error.field})` : error.message;
}
