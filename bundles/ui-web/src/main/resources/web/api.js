// The node's JSON API (docs/api.md), called with the HttpOnly cookie the start link set:
// same-origin requests carry it, and the page never sees the token.

/** An error answer of the API: {"error": code, "message": text} with a 4xx or 5xx status. */
export class ApiError extends Error {
  constructor(status, code, message, body = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.body = body;
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
    throw new ApiError(response.status, code, message, answer);
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

/** @returns {Promise<{versions: {versionId, replacedAt, replacedBy, entry}[]}>} earlier versions kept here, newest first */
export function versions(id) {
  return call('GET', '/api/entries/' + encodeURIComponent(id) + '/versions');
}

/**
 * Makes a kept version current again: the node stores it as a new local edit, with its content (the
 * same ciphertext, which stays valid: it is bound to the entry's id, not to a version) and mood.
 */
export function restore(id, versionId) {
  return call('POST', '/api/entries/' + encodeURIComponent(id) + '/restore', { versionId });
}

// ------------------------------------------------------------------ devices, sync and pairing

/** @returns {Promise<{peers: object[], multicast: boolean}>} nearby and added devices */
export function peers() {
  return call('GET', '/api/peers');
}

/** Adds a device by address (its sync port); answers the peer. */
export function addPeer(host, port, deviceId) {
  const body = { host, port };
  if (deviceId) {
    body.deviceId = deviceId;
  }
  return call('POST', '/api/peers', body);
}

/** Forgets a device added by address ("host:port", "[v6]:port"). */
export function forgetPeer(address) {
  // The node checked the host when it was added; ':' and '[]' must stay as they are in the path.
  return call('DELETE', '/api/peers/' + address);
}

/** @returns {Promise<object[]>} the trusted devices */
export function trusted() {
  return call('GET', '/api/trusted');
}

/** Revokes a device on this node; answers {revoked, message}, the message saying revocation is local. */
export function revoke(deviceId) {
  return call('DELETE', '/api/trusted/' + encodeURIComponent(deviceId));
}

/** @returns {Promise<{syncs: object[]}>} the newest syncs with one device */
export function syncHistory(deviceId, limit) {
  const query = new URLSearchParams({ deviceId, limit: String(limit) });
  return call('GET', '/api/sync/history?' + query.toString());
}

/** Syncs now with a trusted device, at the given address or its last one; a failed sync answers ok: false. */
export function syncNow(deviceId, host, port) {
  const body = { deviceId };
  if (host && port) {
    body.host = host;
    body.port = port;
  }
  return call('POST', '/api/sync', body);
}

/** Starts pairing on this device: {pin, host, port, deviceId, qr, qrSvg, expiresAt}. */
export function startPairing() {
  return call('POST', '/api/pairing');
}

/** @returns {Promise<object>} the pairing on this device, or {state: 'none'} */
export function pairingStatus() {
  return call('GET', '/api/pairing');
}

export function cancelPairing() {
  return call('DELETE', '/api/pairing');
}

export function approvePairing() {
  return call('POST', '/api/pairing/approve');
}

export function declinePairing() {
  return call('POST', '/api/pairing/decline');
}

/** Pairs with a device showing a PIN; answers {deviceId, deviceName, code} once the exchange succeeded. */
export function acceptPairing(host, port, pin, deviceId) {
  const body = { host, port, pin };
  if (deviceId) {
    body.deviceId = deviceId;
  }
  return call('POST', '/api/pairing/accept', body);
}
