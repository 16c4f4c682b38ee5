// The node's JSON API (docs/api.md), called with the HttpOnly cookie the start link set:
// same-origin requests carry it, and the page never sees the token.

/** An error answer of the API: {"error": code, "message": text} with a 4xx or 5xx status. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

async function call(method, path, body) {
  const init = { method, credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'unreachable', 'The node does not answer: is it still running?');
  }
  let answer = null;
  try {
    answer = await response.json();
  } catch (e) {
    answer = null;
  }
  if (!response.ok) {
    const code = answer && typeof answer.error === 'string' ? answer.error : 'http_' + response.status;
    const message = answer && typeof answer.message === 'string' ? answer.message : response.statusText;
    throw new ApiError(response.status, code, message);
  }
  return answer;
}

/** @returns {Promise<{deviceId, deviceName, publicKey, syncPort}>} */
export function identity() {
  return call('GET', '/api/identity');
}

/** @returns {Promise<{salt: string}>} the salt this device's new entries are encrypted with */
export function journal() {
  return call('GET', '/api/journal');
}

/** @returns {Promise<{entries: object[], next: string|null}>} newest first */
export function entries(limit, after) {
  const query = new URLSearchParams({ limit: String(limit) });
  if (after) {
    query.set('after', after);
  }
  return call('GET', '/api/entries?' + query.toString());
}

/** Stores one already encrypted entry (wire shape, PROTOCOL.md §6.4); answers the entry as stored. */
export function saveEntry(entry) {
  return call('POST', '/api/entries', entry);
}
