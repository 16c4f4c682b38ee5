// The Devices page: this device, nearby and added devices, trusted devices with their last
// sync, Sync now with live progress, revoke, and pairing on both sides (showing the PIN, or
// typing it). Live updates come from GET /api/events (server-sent events).
// Device names, messages and every other string from the node or a peer go into the page as
// text (textContent), never as HTML: they come from the network.

import * as api from './api.js';

const $ = (id) => document.getElementById(id);

/** Sync phases in the order a session runs them (EventTopics.PHASE_*), for the progress bar. */
const PHASES = { manifest: 1, want: 2, entries: 3, commit: 4, done: 5 };
/** Pairing states after which nothing more happens (docs/pairing.md). */
const FINAL = new Set(['paired', 'declined', 'pin_void', 'expired', 'cancelled', 'failed', 'none']);
const POLL_MS = 1500;
const NOTICES_KEPT = 4;
const NOTICE_MS = 30000;
const RECONNECT_FIRST_MS = 5000;
const RECONNECT_MAX_MS = 60000;

let ui = null;
/** What the page last heard, so events naming only a deviceId can be shown with a name. */
const names = new Map();
let peerList = [];
/** Which side of a pairing this page is following: null, 'show' (the PIN is here) or 'accept'. */
let following = null;
let pollTimer = null;
let expiresAt = null;
let events = null;
let reconnectDelay = RECONNECT_FIRST_MS;
let syncing = null;
/** The device of the pairing being followed: the node's status drops it once the pairing ended. */
let pairingWith = null;

function nameOf(deviceId) {
  return names.get(deviceId) || deviceId || 'a device';
}

function quoted(name) {
  return '\u201c' + name + '\u201d';
}

// ------------------------------------------------------------------ notices

/** A short notice of something that happened (discovered, pairing request, paired, synced, failed). */
function notice(text, kind, topic) {
  const list = $('notices');
  const item = ui.el('li', { className: 'notice', text, attrs: { 'data-kind': kind, 'data-topic': topic } });
  list.prepend(item);
  while (list.children.length > NOTICES_KEPT) {
    list.lastElementChild.remove();
  }
  setTimeout(() => item.remove(), NOTICE_MS);
}

// ------------------------------------------------------------------ this device

async function showThisDevice() {
  const me = await api.identity();
  names.set(me.deviceId, me.deviceName);
  $('this-name').textContent = me.deviceName;
  $('this-id').textContent = me.deviceId;
  $('this-sync-port').textContent = me.syncPort ? String(me.syncPort) : 'not listening';
}

// ------------------------------------------------------------------ trusted devices

function describeSync(record) {
  if (!record) {
    return { kind: 'never', text: 'Never synced' };
  }
  const result = record.result || {};
  const when = ui.formatTime(record.finishedAt);
  if (result.ok) {
    return { kind: 'ok', text: 'Last sync ' + when + ': ok, sent ' + result.sent + ', received ' + result.received };
  }
  return { kind: 'failed', text: 'Last sync ' + when + ': failed, ' + (result.message || result.error || 'no reason given') };
}

async function refreshTrusted() {
  const devices = await api.trusted();
  const histories = await Promise.all(devices.map((device) => api.syncHistory(device.deviceId, 1)
    .then((answer) => answer.syncs[0] || null, () => null)));
  const list = $('devices-trusted');
  list.replaceChildren(...devices.map((device, i) => renderTrusted(device, histories[i])));
  $('trusted-empty').hidden = devices.length > 0;
}

function renderTrusted(device, lastSync) {
  names.set(device.deviceId, device.deviceName);
  const sync = describeSync(lastSync);
  const item = ui.el('li', { className: 'device trusted' });
  item.dataset.deviceId = device.deviceId;
  item.dataset.lastSync = sync.kind;
  const syncNow = ui.el('button', { className: 'sync-now', text: 'Sync now', attrs: { type: 'button' } });
  syncNow.disabled = syncing !== null;
  const revoke = ui.el('button', { className: 'revoke', text: 'Revoke', attrs: { type: 'button' } });
  const actions = ui.el('div', { className: 'row actions' }, [syncNow, revoke]);
  item.append(
    ui.el('div', { className: 'row' }, [
      ui.el('strong', { className: 'device-name', text: device.deviceName }),
      ui.el('span', { className: 'device-id mono', text: device.deviceId }),
    ]),
    ui.el('p', { className: 'last-sync', text: sync.text }),
    actions);
  syncNow.addEventListener('click', () => syncWith(device.deviceId));
  revoke.addEventListener('click', () => confirmRevoke(item, actions, device));
  return item;
}

/** The revocation is asked once more in place, saying that it is local to this device. */
function confirmRevoke(item, actions, device) {
  const yes = ui.el('button', { className: 'revoke-confirm danger', text: 'Revoke on this device', attrs: { type: 'button' } });
  const no = ui.el('button', { className: 'revoke-cancel', text: 'Keep it', attrs: { type: 'button' } });
  const box = ui.el('div', { className: 'confirm' }, [
    ui.el('p', { text: 'Revoke ' + quoted(device.deviceName) + '? Revocation is local to this device: the revoked '
      + 'device keeps syncing with your other devices until you revoke it on each of them too.' }),
    ui.el('div', { className: 'row' }, [yes, no]),
  ]);
  actions.hidden = true;
  item.append(box);
  no.addEventListener('click', () => {
    box.remove();
    actions.hidden = false;
  });
  yes.addEventListener('click', async () => {
    yes.disabled = true;
    try {
      const answer = await api.revoke(device.deviceId);
      ui.status('Revoked ' + quoted(device.deviceName) + '. ' + answer.message, 'warning');
      hideProgressOf(device.deviceId);
    } catch (error) {
      ui.status('Not revoked: ' + ui.explain(error), 'error');
    }
    await refreshAll();
  });
}

/** The address to sync at: the device as found nearby or added by address, else the node's last one. */
function addressOf(deviceId) {
  const peer = peerList.find((p) => p.deviceId === deviceId && p.host && p.port);
  return peer ? { host: peer.host, port: peer.port } : { host: null, port: null };
}

async function syncWith(deviceId) {
  if (syncing !== null) {
    return;
  }
  syncing = deviceId;
  document.querySelectorAll('.sync-now').forEach((button) => { button.disabled = true; });
  showProgress(deviceId, 0, 'Syncing with ' + nameOf(deviceId) + '\u2026');
  const { host, port } = addressOf(deviceId);
  try {
    const result = await api.syncNow(deviceId, host, port);
    if (result.ok) {
      showProgress(deviceId, PHASES.done, 'Synced with ' + nameOf(deviceId) + ': sent ' + result.sent
        + ', received ' + result.received + '.', 'ok');
      ui.status('Synced with ' + nameOf(deviceId) + '.');
    } else {
      showProgress(deviceId, 0, 'Sync with ' + nameOf(deviceId) + ' failed: ' + (result.message || result.error), 'failed');
      ui.status('Sync failed: ' + (result.message || result.error), 'error');
    }
    if (result.received > 0) {
      ui.entriesChanged();
    }
  } catch (error) {
    showProgress(deviceId, 0, 'Sync failed: ' + ui.explain(error), 'failed');
    ui.status('Sync failed: ' + ui.explain(error), 'error');
  } finally {
    syncing = null;
    await refreshTrusted().catch((error) => ui.status(ui.explain(error), 'error'));
  }
}

/** A revoked device's last sync is history: its progress line goes with it. */
function hideProgressOf(deviceId) {
  const box = $('sync-progress');
  if (box.dataset.deviceId === deviceId) {
    box.hidden = true;
  }
}

function showProgress(deviceId, step, text, outcome = 'running') {
  const box = $('sync-progress');
  box.hidden = false;
  box.dataset.deviceId = deviceId;
  box.dataset.state = outcome;
  $('sync-progress-bar').value = step;
  $('sync-progress-text').textContent = text;
}

// ------------------------------------------------------------------ nearby and added devices

async function refreshPeers() {
  let answer;
  try {
    answer = await api.peers();
  } catch (error) {
    peerList = [];
    $('devices-peers').replaceChildren();
    $('peers-note').textContent = ui.explain(error);
    return;
  }
  peerList = answer.peers;
  $('peers-note').textContent = answer.multicast
    ? (peerList.length ? '' : 'No device found nearby yet.')
    : 'Looking for nearby devices is off on this node: add devices by address below.';
  $('devices-peers').replaceChildren(...peerList.map(renderPeer));
}

function renderPeer(peer) {
  if (peer.deviceId && peer.deviceName) {
    names.set(peer.deviceId, peer.deviceName);
  }
  const item = ui.el('li', { className: 'device peer', attrs: { 'data-source': peer.source, 'data-trusted': !!peer.trusted } });
  if (peer.deviceId) {
    item.dataset.deviceId = peer.deviceId;
  }
  const address = peer.host.includes(':') ? '[' + peer.host + ']:' + peer.port : peer.host + ':' + peer.port;
  item.append(ui.el('div', { className: 'row' }, [
    ui.el('strong', { className: 'peer-name', text: peer.deviceName || 'Name not known' }),
    ui.el('span', { className: 'peer-trusted badge', text: peer.trusted ? 'trusted' : 'not trusted' }),
    ui.el('span', { className: 'peer-source badge', text: peer.source === 'manual' ? 'added by address' : 'nearby' }),
  ]));
  item.append(ui.el('p', { className: 'peer-address mono', text: address + (peer.deviceId ? ' \u00b7 ' + peer.deviceId : '') }));
  const actions = ui.el('div', { className: 'row' });
  if (peer.pairingPort) {
    const pick = ui.el('button', { className: 'pick', text: 'Pair with this device', attrs: { type: 'button' } });
    pick.addEventListener('click', () => {
      $('accept-host').value = peer.host;
      $('accept-port').value = String(peer.pairingPort);
      $('accept-device-id').value = peer.deviceId || '';
      $('accept-pin').focus();
    });
    actions.append(pick);
  }
  if (peer.source === 'manual') {
    const forget = ui.el('button', { className: 'forget', text: 'Forget', attrs: { type: 'button' } });
    forget.addEventListener('click', async () => {
      try {
        await api.forgetPeer(address);
      } catch (error) {
        ui.status(ui.explain(error), 'error');
      }
      await refreshPeers();
    });
    actions.append(forget);
  }
  if (actions.children.length) {
    item.append(actions);
  }
  return item;
}

async function addPeer() {
  const host = $('peer-host').value.trim();
  const port = Number($('peer-port').value);
  const deviceId = $('peer-device-id').value.trim();
  $('peer-add').disabled = true;
  try {
    await api.addPeer(host, port, deviceId || undefined);
    $('peer-form').reset();
    ui.status('Added ' + host + ':' + port + '.');
    await refreshPeers();
  } catch (error) {
    ui.status('Not added: ' + ui.explain(error), 'error');
  } finally {
    $('peer-add').disabled = false;
  }
}

// ------------------------------------------------------------------ pairing

function pollPairing() {
  clearTimeout(pollTimer);
  pollTimer = setTimeout(async () => {
    await refreshPairing();
  }, POLL_MS);
}

async function refreshPairing() {
  try {
    renderPairing(await api.pairingStatus());
  } catch (error) {
    $('pair-state').textContent = ui.explain(error);
  }
}

function showOffer(offer) {
  $('pair-offer').hidden = false;
  $('pair-pin').textContent = offer.pin;
  $('pair-host').textContent = offer.host;
  $('pair-port').textContent = String(offer.port);
  const qr = $('pair-qr');
  const source = 'data:image/svg+xml;base64,' + base64(offer.qrSvg);
  if (qr.getAttribute('src') !== source) {
    qr.setAttribute('src', source);
  }
  expiresAt = Date.parse(offer.expiresAt);
  tick();
}

/** Standard base64 of the UTF-8 of a text, for a data: URL. */
function base64(text) {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary);
}

function hidePairingPanels() {
  $('pair-offer').hidden = true;
  $('pair-request').hidden = true;
  $('pair-cancel').hidden = true;
  $('pair-start').hidden = false;
  $('pair-holder').hidden = true;
  $('pair-callers').hidden = true;
  expiresAt = null;
}

function renderPairing(state) {
  const panel = $('pair-panel');
  panel.dataset.state = state.state;
  const done = FINAL.has(state.state);
  if (state.role === 'showing_pin' && (following === 'show' || !done)) {
    following = done ? null : 'show';
    renderShowing(state);
  } else if (state.role === 'entering_pin' && (following === 'accept' || !done)) {
    following = done ? null : 'accept';
    renderAccepting(state);
  } else if (state.state === 'none') {
    hidePairingPanels();
  }
  if (!done) {
    pollPairing();
  }
}

function renderShowing(state) {
  const open = state.state === 'open';
  const awaiting = state.state === 'awaiting_approval' && state.request;
  $('pair-start').hidden = open || awaiting;
  $('pair-cancel').hidden = !(open || awaiting);
  if (open && state.offer) {
    showOffer(state.offer);
    $('pair-attempts').textContent = state.attemptsLeft !== undefined
      ? 'Wrong PINs allowed before this one is void: ' + state.attemptsLeft : '';
  } else {
    $('pair-offer').hidden = true;
    // A request lapses with the PIN: keep counting down while it waits.
    expiresAt = awaiting && state.offer ? Date.parse(state.offer.expiresAt) : null;
    tick();
  }
  renderCallers(state);
  $('pair-request').hidden = !awaiting;
  if (awaiting) {
    const request = state.request;
    names.set(request.deviceId, request.deviceName);
    $('pair-request-name').textContent = request.deviceName;
    $('pair-request-id').textContent = request.deviceId;
    $('pair-code').textContent = request.code;
    $('pair-approve').disabled = false;
    $('pair-decline').disabled = false;
  }
  $('pair-state').textContent = pairingSentence(state, 'show');
  if (state.state === 'paired') {
    refreshAll();
  }
}

/**
 * Who holds or tried this PIN, by address: a stranger keeping the one attempt slot (other
 * devices are told "busy") is seen here rather than only felt (docs/pairing.md).
 */
function renderCallers(state) {
  const live = state.state === 'open' || state.state === 'awaiting_approval';
  const holder = live && typeof state.attemptFrom === 'string' ? state.attemptFrom : null;
  $('pair-holder').hidden = holder === null;
  $('pair-holder').textContent = holder === null ? '' : 'Someone at ' + holder + ' is trying this PIN right now; '
    + 'if that is not your device, cancel and pair again.';
  const callers = Array.isArray(state.callers) && state.state !== 'paired' ? state.callers : [];
  $('pair-callers').hidden = callers.length === 0;
  $('pair-callers').textContent = callers.length === 0 ? '' : 'Tried this PIN: ' + callers
    .map((caller) => caller.address + ' (' + caller.tries + (caller.tries === 1 ? ' time' : ' times') + ')')
    .join(', ') + '.';
}

function renderAccepting(state) {
  $('accept-result').hidden = false;
  if (state.request) {
    names.set(state.request.deviceId, state.request.deviceName);
    $('accept-code').textContent = state.request.code;
    $('accept-name').textContent = quoted(state.request.deviceName);
  }
  $('accept-result').dataset.state = state.state;
  $('accept-state').textContent = pairingSentence(state, 'accept');
  $('accept-submit').disabled = !FINAL.has(state.state);
  if (state.state === 'paired') {
    refreshAll();
  }
}

function capitalized(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function pairingSentence(state, side) {
  if (state.request) {
    pairingWith = state.request;
  }
  const other = pairingWith ? quoted(pairingWith.deviceName) : 'the other device';
  switch (state.state) {
    case 'open': return 'Waiting for the other device: type this PIN there, or pick this device in its list.';
    case 'awaiting_approval': return side === 'show'
      ? 'Compare the check codes, then approve or decline.'
      : 'Waiting for approval on ' + other + '\u2026';
    case 'paired': return 'Paired with ' + other + '.';
    case 'declined': return 'Pairing was declined.';
    case 'pin_void': return 'The PIN is void after too many wrong tries: start again for a new one.';
    case 'expired': return state.message && side === 'show'
      ? capitalized(state.message) + '.' : 'The PIN expired: start again for a new one.';
    case 'cancelled': return 'Pairing was cancelled.';
    case 'failed': return 'Pairing failed' + (state.message ? ': ' + state.message : '.');
    default: return '';
  }
}

async function startPairing() {
  $('pair-start').disabled = true;
  try {
    const offer = await api.startPairing();
    following = 'show';
    pairingWith = null;
    renderShowing({ role: 'showing_pin', state: 'open', offer });
    pollPairing();
  } catch (error) {
    ui.status('Pairing did not start: ' + ui.explain(error), 'error');
    await refreshPairing();
  } finally {
    $('pair-start').disabled = false;
  }
}

async function decide(approve) {
  $('pair-approve').disabled = true;
  $('pair-decline').disabled = true;
  try {
    if (approve) {
      const device = await api.approvePairing();
      ui.status('Paired with ' + quoted(device.deviceName) + '.');
    } else {
      await api.declinePairing();
      ui.status('Declined.');
    }
  } catch (error) {
    ui.status(ui.explain(error), 'error');
  }
  await refreshPairing();
}

async function cancelPairing() {
  try {
    await api.cancelPairing();
  } catch (error) {
    ui.status(ui.explain(error), 'error');
  }
  await refreshPairing();
}

async function accept() {
  const host = $('accept-host').value.trim();
  const port = Number($('accept-port').value);
  const pin = $('accept-pin').value.trim();
  const deviceId = $('accept-device-id').value.trim();
  if (!/^[0-9]{6}$/.test(pin)) {
    ui.status('The PIN is the 6 digits the other device shows.', 'warning');
    return;
  }
  $('accept-submit').disabled = true;
  $('accept-result').hidden = true;
  ui.status('Pairing with ' + host + ':' + port + '\u2026');
  try {
    const request = await api.acceptPairing(host, port, pin, deviceId || undefined);
    following = 'accept';
    pairingWith = request;
    $('accept-pin').value = '';
    renderAccepting({ role: 'entering_pin', state: 'awaiting_approval', request });
    ui.status('Compare the check code with the other device, and approve there.');
    pollPairing();
  } catch (error) {
    const left = error.code === 'pin_mismatch' && error.body && Number.isInteger(error.body.remainingAttempts)
      ? ' (wrong PINs left: ' + error.body.remainingAttempts + ')' : '';
    ui.status('Not paired: ' + ui.explain(error) + left, 'error');
    $('accept-submit').disabled = false;
  }
}

/** The countdown to the PIN's expiry, once a second while a PIN is shown. */
function tick() {
  if (expiresAt === null) {
    return;
  }
  const left = Math.max(0, Math.round((expiresAt - Date.now()) / 1000));
  const shown = Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0');
  $('pair-countdown').textContent = shown;
  $('pair-request-countdown').textContent = shown;
  if (left === 0) {
    expiresAt = null;
    refreshPairing();
  }
}

// ------------------------------------------------------------------ live events

function data(message) {
  try {
    return JSON.parse(message.data);
  } catch (e) {
    return {};
  }
}

const HANDLERS = {
  'discovery/DISCOVERED': (d) => {
    notice('Found ' + (d.deviceName ? quoted(d.deviceName) : 'a device') + ' nearby.', 'info', 'discovered');
    refreshPeers();
  },
  'discovery/LOST': () => refreshPeers(),
  'pairing/AWAITING_APPROVAL': (d) => {
    if (d.deviceId && d.deviceName) {
      names.set(d.deviceId, d.deviceName);
    }
    notice(following === 'accept'
      ? 'Waiting for approval on ' + quoted(d.deviceName || 'the other device') + '.'
      : quoted(d.deviceName || 'A device') + ' wants to pair: compare the check codes on the Devices page.',
    'warning', 'pairing-request');
    refreshPairing();
  },
  'pairing/PAIRED': (d) => {
    notice('Paired with ' + quoted(d.deviceName || nameOf(d.deviceId)) + '.', 'info', 'paired');
    refreshPairing();
    refreshAll();
  },
  'pairing/FAILED': (d) => {
    notice('Pairing failed' + (d.message ? ': ' + d.message : '.'), 'error', 'failed');
    refreshPairing();
  },
  'pairing/PIN_VOID': () => refreshPairing(),
  'pairing/EXPIRED': () => refreshPairing(),
  'pairing/ENDED': () => refreshPairing(),
  'pairing/STARTED': () => refreshPairing(),
  'sync/STARTED': (d) => {
    showProgress(d.deviceId, 0, 'Syncing with ' + nameOf(d.deviceId) + '\u2026');
  },
  'sync/PROGRESS': (d) => {
    showProgress(d.deviceId, PHASES[d.phase] || 0, 'Syncing with ' + nameOf(d.deviceId) + ': ' + d.phase
      + ', sent ' + (d.sent || 0) + ', received ' + (d.received || 0));
  },
  'sync/COMPLETED': (d) => {
    notice('Synced with ' + quoted(nameOf(d.deviceId)) + ': sent ' + (d.sent || 0) + ', received '
      + (d.received || 0) + '.', 'info', 'synced');
    if (syncing !== d.deviceId) {
      showProgress(d.deviceId, PHASES.done, 'Synced with ' + nameOf(d.deviceId) + '.', 'ok');
      refreshTrusted().catch(() => {});
    }
    if (d.received === undefined || d.received > 0) {
      ui.entriesChanged();
    }
  },
  'sync/FAILED': (d) => {
    notice('Sync with ' + quoted(nameOf(d.deviceId)) + ' failed' + (d.message ? ': ' + d.message : '.'),
      'error', 'failed');
    if (syncing !== d.deviceId) {
      showProgress(d.deviceId, 0, 'Sync with ' + nameOf(d.deviceId) + ' failed.', 'failed');
      refreshTrusted().catch(() => {});
    }
  },
  'trust/CHANGED': () => refreshAll(),
  'trust/REVOKED': () => refreshAll(),
};

/**
 * Listens to the node's events. The browser reconnects by itself after a dropped stream, but
 * not after an error answer (503 when too many streams are open): then this page tries again
 * later, waiting longer each time. Events are not replayed, so a new stream reloads the lists.
 */
function connectEvents() {
  const source = new EventSource('/api/events');
  events = source;
  source.addEventListener('open', () => {
    reconnectDelay = RECONNECT_FIRST_MS;
    document.body.dataset.events = 'open';
    refreshAll();
  });
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) {
      document.body.dataset.events = 'closed';
      source.close();
      if (events === source) {
        setTimeout(connectEvents, reconnectDelay);
        reconnectDelay = Math.min(reconnectDelay * 2, RECONNECT_MAX_MS);
      }
    } else {
      document.body.dataset.events = 'reconnecting';
    }
  });
  for (const [topic, handle] of Object.entries(HANDLERS)) {
    source.addEventListener(topic, (message) => handle(data(message)));
  }
}

// ------------------------------------------------------------------ start

/** Reloads what the Devices page shows. */
export async function refreshAll() {
  try {
    await Promise.all([showThisDevice(), refreshTrusted(), refreshPeers(), refreshPairing()]);
  } catch (error) {
    ui.status(ui.explain(error), 'error');
  }
}

/**
 * @param helpers {el, status, explain, formatTime, entriesChanged} from the journal page
 */
export function startDevices(helpers) {
  ui = helpers;
  $('pair-start').addEventListener('click', startPairing);
  $('pair-cancel').addEventListener('click', cancelPairing);
  $('pair-approve').addEventListener('click', () => decide(true));
  $('pair-decline').addEventListener('click', () => decide(false));
  $('accept-form').addEventListener('submit', (event) => {
    event.preventDefault();
    accept();
  });
  $('peer-form').addEventListener('submit', (event) => {
    event.preventDefault();
    addPeer();
  });
  setInterval(tick, 1000);
  connectEvents();
}
