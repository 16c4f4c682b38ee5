// The Devices page: this device, pairing (one card: show a PIN here, or enter the PIN another
// device shows), trusted devices with their last sync, Sync now with live progress, revoke, and
// nearby and added devices. Live updates come from GET /api/events (server-sent events).
//
// Feedback goes next to what it is about: each card has its own message line (role=status),
// cleared when it no longer holds (another tab, a new pairing, a change of state). The pairing
// card follows one source of truth, the node's GET /api/pairing, fetched again at every pairing
// event; the page only remembers which session it follows, so that an ended session from before
// (the node keeps the last one) never shows as if it were current.
//
// Device names, messages and every other string from the node or a peer go into the page as
// text (textContent), never as HTML: they come from the network.

import * as api from './api.js';

const $ = (id) => document.getElementById(id);

/** Sync phases in the order a session runs them (EventTopics.PHASE_*), for the progress bar. */
const PHASES = { manifest: 1, want: 2, entries: 3, commit: 4, done: 5 };
/** Pairing states of a session still running (docs/pairing.md); every other state is an outcome. */
const LIVE = new Set(['open', 'awaiting_approval']);
const POLL_MS = 1500;
const RECONNECT_FIRST_MS = 5000;
const RECONNECT_MAX_MS = 60000;

let ui = null;
/** Names the page has seen, so that what names only a deviceId can be shown with a name. */
const names = new Map();
let me = null;
let peerList = [];
let multicast = true;
let pollTimer = null;
let expiresAt = null;
let events = null;
let reconnectDelay = RECONNECT_FIRST_MS;
let syncing = null;
/** The tab last shown (body[data-page]), to tell a change of tab from the same tab chosen again. */
let shownPage = null;

/**
 * The pairing session this page follows: {role: 'host'|'guest', key, request, ended}; null when
 * none. A status the node answers for another session (an older one it still keeps) is not shown.
 */
let session = null;
/** 'choose' (Show a PIN / Enter a PIN) or 'form' (typing a PIN) while no session runs. */
let idleView = 'choose';
/** Bumped by every pairing action and status request: an answer to an older request is dropped. */
let pairingTurn = 0;

// ------------------------------------------------------------------ words

function quoted(name) {
  return '\u201c' + name + '\u201d';
}

/** A device as people call it: its name, else a short form of its id. */
function nameOf(deviceId, name) {
  const known = name || names.get(deviceId);
  if (known) {
    return quoted(known);
  }
  return deviceId ? 'device ' + String(deviceId).slice(0, 8) : 'the other device';
}

function sentence(text) {
  const trimmed = String(text || '').trim().replace(/[.;:,]+$/, '');
  return trimmed ? trimmed.charAt(0).toUpperCase() + trimmed.slice(1) + '.' : '';
}

/** Drops what only an engineer reads: exception class names the node may have put in a message. */
function plain(text) {
  return String(text || '')
    .replace(/\s*\((?:[a-z_$][\w$]*\.)*[A-Z][\w$]*(?:Exception|Error)\b[^)]*\)/g, '')
    .replace(/(?:[a-z_$][\w$]*\.)*[A-Z][\w$]*(?:Exception|Error):\s*/g, '')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

function plural(count, one, many) {
  return count + ' ' + (count === 1 ? one : many);
}

/** Digits one by one, so that a screen reader says "4 8 2" rather than "four hundred eighty-two". */
function spelled(digits) {
  return String(digits).split('').join(' ');
}

/** An answer of the node that says nothing about the device: not signed in, or not answering. */
function nodeProblem(error) {
  if (error instanceof api.ApiError && (error.status === 401 || error.status === 0)) {
    return ui.explain(error);
  }
  return null;
}

/** Why pairing did not work, in words, and what to do next (codes of docs/pairing.md). */
function pairingError(error, address) {
  const problem = nodeProblem(error);
  if (problem) {
    return problem;
  }
  const code = error && error.code;
  const left = error && error.body && Number.isInteger(error.body.remainingAttempts) ? error.body.remainingAttempts : null;
  const at = address ? ' at ' + address : '';
  switch (code) {
    case 'pin_mismatch':
      return left === 0
        ? 'That PIN was wrong, and it was the last try: the PIN is void now. Show a new PIN on the other device.'
        : 'That PIN is not the one the other device shows. Check it and type it again'
          + (left === null ? '.' : ' (' + plural(left, 'more wrong try voids', 'more wrong tries void') + ' it).');
    case 'pin_void':
      return 'This PIN no longer works (too many wrong tries). Show a new PIN on the other device.';
    case 'expired':
      return 'This PIN has expired. Show a new PIN on the other device.';
    case 'busy':
      return 'Another device is trying this PIN right now. Wait half a minute and try again; if that device is '
        + 'not yours, cancel on the other device and show a new PIN.';
    case 'already_open':
      return 'This device is already pairing: finish or cancel that first.';
    case 'identity_refused':
      return 'The device' + at + ' is not the one you picked, or this device already trusts a device with its id '
        + 'under another key. Nothing was trusted.';
    case 'declined':
      return 'The other device declined. Nothing was trusted.';
    case 'unreachable':
      return 'No device answers' + at + '. Check the address the other device shows (with the number after the '
        + 'colon), and that it still shows its PIN.';
    case 'protocol_error':
      return 'The device' + at + ' answered in a way this one does not understand. Check the address; if it is '
        + 'right, update MoodHaven on both devices.';
    case 'nothing_pending':
      return 'No device is waiting for approval any more.';
    case 'invalid':
    case 'bad_request':
      return sentence('Check the address and the PIN: ' + plain(error.message));
    default:
      return sentence('Pairing did not work: ' + plain(error && error.message ? error.message : String(error)));
  }
}

/** Why a sync failed (SyncErrors codes), in words, naming the device. */
function syncError(deviceId, result) {
  const who = nameOf(deviceId);
  switch (result.error) {
    case 'not_trusted':
      return who + ' does not trust this device (it was revoked there, or pairing did not finish on its side). '
        + 'Pair the two again.';
    case 'unknown_device':
      return who + ' is not trusted on this device any more.';
    case 'no_address':
      return 'This device does not know where ' + who + ' is: add it below, under Nearby and added devices, '
        + 'with its host and sync port.';
    case 'busy':
      return 'A sync with ' + who + ' is already running: try again in a moment.';
    case 'connection':
      return who + ' does not answer. Is it running, and on this network? If its address changed, add it again '
        + 'below.';
    case 'timeout':
      return who + ' stopped answering during the sync. Nothing is lost: try again.';
    case 'handshake':
      return who + ' could not prove it is the device you paired with. If you set it up again, revoke it and pair '
        + 'again.';
    case 'revoked':
      return who + ' was revoked while the sync ran.';
    case 'unsupported_version':
      return who + ' runs a version of MoodHaven this one cannot sync with: update both.';
    case 'protocol_error':
    case 'internal':
      return 'The sync with ' + who + ' broke off; nothing was half-written. Try again; the node\'s log says more.';
    default:
      return sentence('The sync with ' + who + ' failed: ' + plain(result.message || result.error || 'no reason given'));
  }
}

function explain(error) {
  return nodeProblem(error) || sentence(plain(error && error.message ? error.message : String(error)));
}

// ------------------------------------------------------------------ messages next to their cards

/** Shows a message in a card's own line; an empty text hides it. */
function say(id, text, kind = 'info', focus = false) {
  const line = $(id);
  line.textContent = text || '';
  line.dataset.kind = kind;
  line.hidden = !text;
  if (focus && text) {
    line.focus();
  }
}

/** Messages hold for the moment they were said: another tab, and they are gone. */
function clearMessages() {
  for (const id of ['pair-message', 'trusted-message', 'peers-message']) {
    say(id, '');
  }
  if (syncing === null) {
    hideProgress();
  }
  clearNotices();
}

/** The one notice outside this page: a device asking to pair while the journal is shown. */
function showRequestNotice(request) {
  const list = $('notices');
  list.replaceChildren();
  if (document.body.dataset.page === 'devices') {
    return;
  }
  const go = ui.el('button', { className: 'notice-go', text: 'Open Devices', attrs: { type: 'button' } });
  go.addEventListener('click', () => $('nav-devices').click());
  const item = ui.el('li', { className: 'notice', attrs: { 'data-kind': 'warning', 'data-topic': 'pairing-request' } }, [
    ui.el('span', { text: nameOf(request.deviceId, request.deviceName) + ' wants to pair with this device: '
      + 'compare the check code on the Devices page. ' }),
    go,
  ]);
  list.append(item);
}

function clearNotices() {
  $('notices').replaceChildren();
}

// ------------------------------------------------------------------ this device

async function showThisDevice() {
  me = await api.identity();
  names.set(me.deviceId, me.deviceName);
  $('this-name').textContent = me.deviceName;
  $('this-id').textContent = me.deviceId;
  $('this-sync-port').textContent = me.syncPort ? String(me.syncPort) : 'not listening';
}

// ------------------------------------------------------------------ trusted devices

function describeSync(deviceId, record) {
  if (!record) {
    return { kind: 'never', text: 'Not synced yet.' };
  }
  const result = record.result || {};
  const when = ui.formatTime(record.finishedAt);
  if (result.ok) {
    return { kind: 'ok', text: 'Last sync ' + when + ': ok, ' + plural(result.sent, 'entry', 'entries') + ' sent, '
      + result.received + ' received.' };
  }
  return { kind: 'failed', text: 'Last sync ' + when + ' failed. ' + syncError(deviceId, result) };
}

/** Where the focus was in a list about to be drawn again: the device and the button. */
function focusIn(list) {
  const focused = document.activeElement;
  if (!focused || !list.contains(focused)) {
    return null;
  }
  const item = focused.closest('li[data-device-id]');
  return item ? { deviceId: item.dataset.deviceId, className: focused.className.split(' ')[0] } : null;
}

function restoreFocus(list, where) {
  if (!where) {
    return;
  }
  const item = [...list.children].find((li) => li.dataset.deviceId === where.deviceId);
  const target = item && item.querySelector('.' + where.className);
  if (target) {
    target.focus();
  }
}

async function refreshTrusted() {
  const devices = await api.trusted();
  const histories = await Promise.all(devices.map((device) => api.syncHistory(device.deviceId, 1)
    .then((answer) => answer.syncs[0] || null, () => null)));
  const list = $('devices-trusted');
  const where = focusIn(list);
  list.replaceChildren(...devices.map((device, i) => renderTrusted(device, histories[i])));
  restoreFocus(list, where);
  $('trusted-empty').hidden = devices.length > 0;
}

function renderTrusted(device, lastSync) {
  names.set(device.deviceId, device.deviceName);
  const sync = describeSync(device.deviceId, lastSync);
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
  const box = ui.el('div', { className: 'confirm', attrs: { role: 'group', 'aria-label': 'Revoke ' + device.deviceName } }, [
    ui.el('p', { text: 'Revoke ' + quoted(device.deviceName) + '? Revocation is local to this device: the revoked '
      + 'device keeps syncing with your other devices until you revoke it on each of them too.' }),
    ui.el('div', { className: 'row' }, [yes, no]),
  ]);
  actions.hidden = true;
  item.append(box);
  no.focus();
  say('trusted-message', '');
  no.addEventListener('click', () => {
    box.remove();
    actions.hidden = false;
    item.querySelector('.revoke').focus();
  });
  yes.addEventListener('click', async () => {
    yes.disabled = true;
    no.disabled = true;
    try {
      await api.revoke(device.deviceId);
      hideProgressOf(device.deviceId);
      await refreshAll();
      say('trusted-message', 'Revoked ' + quoted(device.deviceName) + ' on this device: it can no longer sync '
        + 'with this one. Revocation is local to this device: revoke it on your other devices too.', 'warning', true);
    } catch (error) {
      box.remove();
      actions.hidden = false;
      say('trusted-message', 'Not revoked: ' + explain(error), 'error', true);
    }
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
  say('trusted-message', '');
  document.querySelectorAll('.sync-now').forEach((button) => { button.disabled = true; });
  showProgress(deviceId, 0, 'Syncing with ' + nameOf(deviceId) + '\u2026');
  const { host, port } = addressOf(deviceId);
  try {
    const result = await api.syncNow(deviceId, host, port);
    if (result.ok) {
      showProgress(deviceId, PHASES.done, 'Synced with ' + nameOf(deviceId) + ': '
        + plural(result.sent, 'entry', 'entries') + ' sent, ' + result.received + ' received.', 'ok');
    } else {
      showProgress(deviceId, 0, syncError(deviceId, result), 'failed');
    }
    if (result.received > 0) {
      ui.entriesChanged();
    }
  } catch (error) {
    showProgress(deviceId, 0, 'The sync with ' + nameOf(deviceId) + ' did not start. ' + explain(error), 'failed');
  } finally {
    syncing = null;
    await refreshTrusted().catch((error) => say('trusted-message', explain(error), 'error'));
  }
}

/** A revoked device's last sync is history: its progress line goes with it. */
function hideProgressOf(deviceId) {
  if ($('sync-progress').dataset.deviceId === deviceId) {
    hideProgress();
  }
}

function hideProgress() {
  const box = $('sync-progress');
  box.hidden = true;
  delete box.dataset.state;
  delete box.dataset.deviceId;
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

function hostPort(host, port) {
  return (String(host).includes(':') ? '[' + host + ']' : host) + ':' + port;
}

async function refreshPeers() {
  let answer;
  try {
    answer = await api.peers();
  } catch (error) {
    peerList = [];
    $('devices-peers').replaceChildren();
    $('peers-note').textContent = explain(error);
    renderNearby();
    return;
  }
  peerList = answer.peers;
  multicast = !!answer.multicast;
  $('peers-note').textContent = multicast
    ? (peerList.length ? '' : 'No device found nearby yet.')
    : 'Looking for nearby devices is off on this node: add devices by address below.';
  $('devices-peers').replaceChildren(...peerList.map(renderPeer));
  renderNearby();
}

function renderPeer(peer) {
  if (peer.deviceId && peer.deviceName) {
    names.set(peer.deviceId, peer.deviceName);
  }
  const item = ui.el('li', { className: 'device peer', attrs: { 'data-source': peer.source, 'data-trusted': !!peer.trusted } });
  if (peer.deviceId) {
    item.dataset.deviceId = peer.deviceId;
  }
  const address = hostPort(peer.host, peer.port);
  const badges = [
    ui.el('strong', { className: 'peer-name', text: peer.deviceName || 'Name not known yet' }),
    ui.el('span', { className: 'peer-trusted badge', text: peer.trusted ? 'trusted' : 'not trusted' }),
    ui.el('span', { className: 'peer-source badge', text: peer.source === 'manual' ? 'added by address' : 'nearby' }),
  ];
  if (peer.pairingPort) {
    badges.push(ui.el('span', { className: 'peer-pairing badge', text: 'showing a PIN' }));
  }
  item.append(ui.el('div', { className: 'row' }, badges));
  item.append(ui.el('p', { className: 'peer-address mono', text: address + (peer.deviceId ? ' \u00b7 ' + peer.deviceId : '') }));
  if (peer.source === 'manual') {
    const forget = ui.el('button', { className: 'forget', text: 'Forget', attrs: { type: 'button' } });
    forget.addEventListener('click', async () => {
      forget.disabled = true;
      try {
        await api.forgetPeer(address);
        say('peers-message', 'Forgot ' + address + '.', 'info');
      } catch (error) {
        say('peers-message', 'Not forgotten: ' + explain(error), 'error');
      }
      await refreshPeers();
      $('peers-message').focus();
    });
    item.append(ui.el('div', { className: 'row' }, [forget]));
  }
  return item;
}

async function addPeer() {
  const host = $('peer-host').value.trim();
  const port = Number($('peer-port').value);
  const deviceId = $('peer-device-id').value.trim();
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) {
    say('peers-message', 'Type the other device\u2019s host (its name or address on your network) and its sync '
      + 'port (a number from 1 to 65535, on its Devices page under This device).', 'warning', true);
    return;
  }
  $('peer-add').disabled = true;
  try {
    const peer = await api.addPeer(host, port, deviceId || undefined);
    $('peer-form').reset();
    await refreshPeers();
    say('peers-message', 'Added ' + (peer && peer.deviceName ? quoted(peer.deviceName) + ' at ' : '')
      + hostPort(host, port) + '.', 'info');
  } catch (error) {
    // The directory's reasons start "cannot add this peer:" and name fields as the API does.
    const reason = nodeProblem(error) || sentence(plain(error.message).replace(/^cannot add this peer:\s*/i, '')
      .replace(/\bdeviceId\b/g, 'device id'));
    say('peers-message', 'Not added: ' + reason, 'error', true);
  } finally {
    $('peer-add').disabled = false;
  }
}

// ------------------------------------------------------------------ pairing: what the card shows

/** Which views of the pairing card are shown: one at a time. */
function showView(view) {
  $('pair-panel').dataset.view = view;
  $('pair-choose').hidden = view !== 'choose';
  $('pair-offer').hidden = view !== 'offer';
  $('pair-request').hidden = view !== 'request';
  $('accept-form').hidden = view !== 'form';
  $('accept-result').hidden = view !== 'waiting';
  $('pair-cancel').hidden = !['offer', 'request', 'waiting'].includes(view);
  if (view !== 'offer' && view !== 'request') {
    $('pair-holder').hidden = true;
    $('pair-callers').hidden = true;
    expiresAt = null;
  }
  if (view === 'form') {
    renderNearby();
  }
}

/** The key of a running session: the offer for the PIN shown here, the request for a PIN typed here. */
function keyOf(role, state) {
  if (role === 'host') {
    return state.offer ? state.offer.port + '@' + state.offer.expiresAt : null;
  }
  return state.request ? state.request.deviceId + '#' + state.request.code : null;
}

function roleOf(state) {
  if (state.role === 'showing_pin') {
    return 'host';
  }
  return state.role === 'entering_pin' ? 'guest' : null;
}

/** Whether an ended state is the end of the session this page follows (and not an older one). */
function endsFollowed(role, state) {
  if (!session || session.ended || session.role !== role) {
    return false;
  }
  if (role === 'guest') {
    return keyOf('guest', state) === session.key;
  }
  // The node answers the hosted session while it is the newer one; an offer is no longer listed once it
  // ended, and a request that is seen must be the one this page showed, if it showed one.
  return !(session.request && state.request && (session.request.code !== state.request.code
    || session.request.deviceId !== state.request.deviceId));
}

/** Draws the node's pairing state (GET /api/pairing). */
function renderPairing(state) {
  const panel = $('pair-panel');
  // For browser tests: the card has drawn the node's state at least once since the page loaded.
  panel.dataset.checked = 'true';
  const role = roleOf(state);
  if (LIVE.has(state.state) && role) {
    const key = keyOf(role, state);
    if (session && session.ended && session.key === key && session.role === role) {
      return; // an answer about a session this page has seen end
    }
    if (!session || session.role !== role || (key && session.key && session.key !== key)) {
      // Another session than the one this page followed: what was said of that one no longer holds.
      session = { role, key, request: null, ended: false };
      say('pair-message', '');
    }
    session.key = session.key || key;
    panel.dataset.state = state.state;
    panel.dataset.role = role;
    if (role === 'host') {
      renderHosting(state);
    } else {
      renderWaiting(state);
    }
    pollPairing();
    return;
  }
  if (role && endsFollowed(role, state)) {
    session.ended = true;
    panel.dataset.state = state.state;
    panel.dataset.role = role;
    idleView = 'choose';
    showView('choose');
    say('pair-message', outcome(role, state, session.request), state.state === 'paired' ? 'ok'
      : state.state === 'cancelled' ? 'info' : 'warning');
    announce('');
    clearNotices();
    if (state.state === 'paired') {
      refreshLists();
    }
    return;
  }
  if (session && !session.ended) {
    // The session this page followed is gone (the node restarted, or another page ended it unseen).
    session = null;
  }
  if (!session || session.ended) {
    panel.dataset.state = 'none';
    panel.dataset.role = '';
    showView(idleView);
    clearNotices();
  }
}

function renderHosting(state) {
  const awaiting = state.state === 'awaiting_approval' && state.request;
  if (state.offer) {
    expiresAt = Date.parse(state.offer.expiresAt);
  }
  if (awaiting) {
    const request = state.request;
    names.set(request.deviceId, request.deviceName);
    const isNew = !session.request || session.request.code !== request.code;
    session.request = request;
    showView('request');
    $('pair-request-name').textContent = request.deviceName || request.deviceId;
    $('pair-request-id').textContent = request.deviceId;
    $('pair-code').textContent = request.code;
    if (isNew) {
      say('pair-message', '');
      $('pair-approve').disabled = false;
      $('pair-decline').disabled = false;
      announce(nameOf(request.deviceId, request.deviceName) + ' wants to pair. Check code ' + spelled(request.code)
        + '. Compare it with the other device, then approve or decline.');
      showRequestNotice(request);
      if (document.body.dataset.page === 'devices' && panelHasFocus()) {
        $('pair-request').focus();
      }
    }
  } else {
    showOffer(state);
  }
  renderCallers(state);
  tick();
}

function panelHasFocus() {
  const focused = document.activeElement;
  return !focused || focused === document.body || $('pair-panel').contains(focused);
}

function showOffer(state) {
  const offer = state.offer;
  const first = $('pair-offer').hidden;
  showView('offer');
  if (!offer) {
    return;
  }
  const place = hostPort(offer.host, offer.port);
  $('pair-offer-step').textContent = 'On the other device, open Devices, press Enter a PIN and type this address '
    + 'and PIN' + (me ? ', or pick ' + quoted(me.deviceName) + ' among its nearby devices' : '') + '.';
  $('pair-pin').textContent = offer.pin;
  $('pair-host').textContent = String(offer.host).includes(':') ? '[' + offer.host + ']' : offer.host;
  $('pair-port').textContent = String(offer.port);
  const qr = $('pair-qr');
  const source = 'data:image/svg+xml;base64,' + base64(offer.qrSvg);
  if (qr.getAttribute('src') !== source) {
    qr.setAttribute('src', source);
  }
  const left = state.attemptsLeft;
  const attempts = $('pair-attempts');
  attempts.hidden = !(Number.isInteger(left) && left < 3);
  attempts.textContent = attempts.hidden ? '' : 'A wrong PIN was tried: '
    + (left === 0 ? 'this PIN is void.' : plural(left, 'more wrong try voids', 'more wrong tries void') + ' it.');
  if (first) {
    announce('PIN ' + spelled(offer.pin) + ', address ' + place + '.');
  }
}

/** Standard base64 of the UTF-8 of a text, for a data: URL. */
function base64(text) {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary);
}

/**
 * Who holds or tried this PIN, by address: a stranger keeping the one attempt slot (other
 * devices are told "busy") is seen here rather than only felt (docs/pairing.md).
 */
function renderCallers(state) {
  const holder = typeof state.attemptFrom === 'string' ? state.attemptFrom : null;
  $('pair-holder').hidden = holder === null;
  $('pair-holder').textContent = holder === null ? '' : 'Someone at ' + holder + ' is trying this PIN right now; '
    + 'if that is not your device, cancel and pair again.';
  const callers = Array.isArray(state.callers) ? state.callers : [];
  $('pair-callers').hidden = callers.length === 0;
  $('pair-callers').textContent = callers.length === 0 ? '' : 'Tried this PIN: ' + callers
    .map((caller) => caller.address + ' (' + plural(caller.tries, 'time', 'times') + ')')
    .join(', ') + '.';
}

/** The device that typed the PIN waits for the other one's approval. */
function renderWaiting(state) {
  const request = state.request || session.request;
  if (!request) {
    return;
  }
  names.set(request.deviceId, request.deviceName);
  const first = $('accept-result').hidden;
  session.request = request;
  showView('waiting');
  const who = nameOf(request.deviceId, request.deviceName);
  $('accept-state').textContent = 'Waiting for ' + who + ' to approve.';
  $('accept-code').textContent = request.code;
  $('accept-name').textContent = who;
  if (first) {
    announce('Check code ' + spelled(request.code) + '. Waiting for ' + who + ' to approve: check that it shows '
      + 'the same code.');
    if (panelHasFocus()) {
      $('accept-result').focus();
    }
  }
}

/** How a session ended, said once, in the pairing card. */
function outcome(role, state, request) {
  const who = request ? nameOf(request.deviceId, request.deviceName) : 'the other device';
  const message = plain(state.message);
  switch (state.state) {
    case 'paired':
      return role === 'host'
        ? 'Paired with ' + who + '. It is now under Trusted devices.'
        : 'Paired with ' + who + '. It is now under Trusted devices; this device starts the first sync.';
    case 'declined':
      return role === 'host' ? 'You declined ' + who + ': nothing was trusted on either device.'
        : who + ' declined: nothing was trusted on either device.';
    case 'pin_void':
      return 'The PIN is void after three wrong tries. Press Show a PIN for a new one.';
    case 'expired':
      return role === 'host'
        ? (message ? sentence(message) : 'The PIN expired.') + ' Press Show a PIN for a new one.'
        : (message ? sentence(message) : 'The PIN expired before ' + who + ' approved: nothing was trusted.');
    case 'cancelled':
      return 'Pairing cancelled: nothing was trusted.';
    case 'failed':
      return message ? sentence('Pairing did not finish: ' + message) : 'Pairing did not finish: nothing was trusted.';
    default:
      return '';
  }
}

/** What a screen reader is told of the pairing card (PIN, check code); shown to nobody. */
function announce(text) {
  $('pair-announce').textContent = text;
}

// ------------------------------------------------------------------ pairing: actions

function pollPairing() {
  clearTimeout(pollTimer);
  pollTimer = setTimeout(refreshPairing, POLL_MS);
}

async function refreshPairing() {
  const mine = ++pairingTurn;
  let state;
  try {
    state = await api.pairingStatus();
  } catch (error) {
    if (mine === pairingTurn) {
      say('pair-message', explain(error), 'error');
    }
    return;
  }
  if (mine === pairingTurn) {
    renderPairing(state);
  }
}

/** Starts a new pairing action: what was said of the last one no longer holds. */
function newTurn() {
  pairingTurn++;
  say('pair-message', '');
  announce('');
}

async function startPairing() {
  newTurn();
  $('pair-start').disabled = true;
  try {
    const offer = await api.startPairing();
    pairingTurn++;
    session = { role: 'host', key: keyOf('host', { offer }), request: null, ended: false };
    $('pair-panel').dataset.state = 'open';
    $('pair-panel').dataset.role = 'host';
    showOffer({ state: 'open', offer, attemptsLeft: 3 });
    $('pair-holder').hidden = true;
    $('pair-callers').hidden = true;
    expiresAt = Date.parse(offer.expiresAt);
    tick();
    $('pair-offer').focus();
    pollPairing();
  } catch (error) {
    if (error.code === 'already_open') {
      await refreshPairing();
    } else {
      say('pair-message', 'No PIN was made. ' + explain(error), 'error', true);
    }
  } finally {
    $('pair-start').disabled = false;
  }
}

function enterPin() {
  newTurn();
  idleView = 'form';
  showView('form');
  $('accept-address').focus();
}

function back() {
  newTurn();
  idleView = 'choose';
  showView('choose');
  $('pair-enter').focus();
}

async function decide(approve) {
  const request = session && session.request;
  newTurn();
  $('pair-approve').disabled = true;
  $('pair-decline').disabled = true;
  try {
    if (approve) {
      const device = await api.approvePairing();
      names.set(device.deviceId, device.deviceName);
      endSession(outcome('host', { state: 'paired' }, device), 'ok');
      refreshLists();
    } else {
      await api.declinePairing();
      endSession(outcome('host', { state: 'declined' }, request), 'warning');
    }
  } catch (error) {
    const who = request ? nameOf(request.deviceId, request.deviceName) : 'the other device';
    const text = error.code === 'expired'
      ? 'The PIN expired before you approved ' + who + ': nothing was trusted on either device. Press Show a PIN '
        + 'for a new one.'
      : error.code === 'nothing_pending' ? who + ' is no longer waiting for approval: nothing was trusted.'
        : 'Not ' + (approve ? 'approved' : 'declined') + ': ' + explain(error);
    if (error.code === 'expired' || error.code === 'nothing_pending') {
      endSession(text, 'warning');
    } else {
      say('pair-message', text, 'error', true);
      $('pair-approve').disabled = false;
      $('pair-decline').disabled = false;
    }
  }
}

/** This page ended the session it follows: the card goes back to its start and says how it ended. */
function endSession(text, kind) {
  pairingTurn++;
  if (session) {
    session.ended = true;
  }
  clearTimeout(pollTimer);
  idleView = 'choose';
  showView('choose');
  $('pair-panel').dataset.state = 'none';
  clearNotices();
  say('pair-message', text, kind, true);
}

async function cancelPairing() {
  newTurn();
  try {
    await api.cancelPairing();
    endSession('Pairing cancelled: nothing was trusted.', 'info');
    $('pair-start').focus();
  } catch (error) {
    say('pair-message', 'Not cancelled: ' + explain(error), 'error', true);
  }
}

/** "host:port", "[v6]:port" or "v6 address]:port" as typed; null when there is no port. */
function parseAddress(text) {
  const typed = text.trim().replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(typed);
  const plainHost = /^([^:\s]+):(\d+)$/.exec(typed);
  const match = bracketed || plainHost;
  if (!match) {
    return null;
  }
  const port = Number(match[2]);
  return port >= 1 && port <= 65535 ? { host: match[1], port } : null;
}

async function accept() {
  const address = parseAddress($('accept-address').value);
  const pin = $('accept-pin').value.replace(/\s/g, '');
  const deviceId = $('accept-device-id').value.trim();
  newTurn();
  if (!address) {
    say('pair-message', 'Type the address as the other device shows it, with the number after the colon, for '
      + 'example 192.168.1.20:39117.', 'warning');
    $('accept-address').focus();
    return;
  }
  if (!/^[0-9]{6}$/.test(pin)) {
    say('pair-message', 'The PIN is the 6 digits the other device shows.', 'warning');
    $('accept-pin').focus();
    return;
  }
  const place = hostPort(address.host, address.port);
  $('accept-submit').disabled = true;
  say('pair-message', 'Pairing with the device at ' + place + '\u2026', 'info');
  try {
    const request = await api.acceptPairing(address.host, address.port, pin, deviceId || undefined);
    pairingTurn++;
    say('pair-message', '');
    session = { role: 'guest', key: keyOf('guest', { request }), request, ended: false };
    $('accept-form').reset();
    $('accept-device-id').value = '';
    idleView = 'choose';
    $('pair-panel').dataset.state = 'awaiting_approval';
    $('pair-panel').dataset.role = 'guest';
    renderWaiting({ request });
    $('accept-result').focus();
    pollPairing();
  } catch (error) {
    say('pair-message', pairingError(error, place), 'error');
    const field = ['unreachable', 'identity_refused', 'protocol_error'].includes(error.code) ? 'accept-address' : 'accept-pin';
    $(field).focus();
    $(field).select();
  } finally {
    $('accept-submit').disabled = false;
  }
}

/** Nearby devices showing a PIN, to pick instead of typing their address. */
function renderNearby() {
  const showing = peerList.filter((peer) => peer.pairingPort && (!me || peer.deviceId !== me.deviceId));
  const note = !multicast
    ? 'Looking for nearby devices is off on this node: type the address the other device shows.'
    : showing.length ? 'Nearby devices showing a PIN (pick one, then type its PIN):'
      : 'No nearby device shows a PIN yet: type the address the other device shows.';
  $('pair-nearby-note').textContent = note;
  $('pair-nearby').replaceChildren(...showing.map((peer) => {
    const label = (peer.deviceName ? quoted(peer.deviceName) : 'A device') + ' at ' + peer.host;
    const pick = ui.el('button', { className: 'pick', text: label, attrs: { type: 'button' } });
    pick.addEventListener('click', () => {
      $('accept-address').value = hostPort(peer.host, peer.pairingPort);
      $('accept-device-id').value = peer.deviceId || '';
      say('pair-message', '');
      $('accept-pin').focus();
    });
    const item = ui.el('li', {}, [pick]);
    if (peer.deviceId) {
      item.dataset.deviceId = peer.deviceId;
    }
    return item;
  }));
}

/** The countdown to the PIN's expiry, once a second while a PIN or a request is shown. */
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
  'discovery/DISCOVERED': () => refreshPeers(),
  'discovery/LOST': () => refreshPeers(),
  'discovery/CHANGED': () => refreshPeers(),
  // Events say that something changed; what the card shows is the node's state, asked again.
  'pairing/STARTED': () => refreshPairing(),
  'pairing/AWAITING_APPROVAL': () => refreshPairing(),
  'pairing/PAIRED': () => refreshPairing(),
  'pairing/FAILED': () => refreshPairing(),
  'pairing/PIN_VOID': () => refreshPairing(),
  'pairing/EXPIRED': () => refreshPairing(),
  'pairing/ENDED': () => refreshPairing(),
  'sync/STARTED': (d) => {
    if (syncing === null || syncing === d.deviceId) {
      showProgress(d.deviceId, 0, 'Syncing with ' + nameOf(d.deviceId) + '\u2026');
    }
  },
  'sync/PROGRESS': (d) => {
    if (syncing === null || syncing === d.deviceId) {
      showProgress(d.deviceId, PHASES[d.phase] || 0, 'Syncing with ' + nameOf(d.deviceId) + ': '
        + plural(d.sent || 0, 'entry', 'entries') + ' sent, ' + (d.received || 0) + ' received\u2026');
    }
  },
  'sync/COMPLETED': (d) => {
    if (syncing !== d.deviceId) {
      if (syncing === null) {
        showProgress(d.deviceId, PHASES.done, 'Synced with ' + nameOf(d.deviceId) + ': '
          + plural(d.sent || 0, 'entry', 'entries') + ' sent, ' + (d.received || 0) + ' received.', 'ok');
      }
      refreshTrusted().catch(() => {});
    }
    if (d.received === undefined || d.received > 0) {
      ui.entriesChanged();
    }
  },
  'sync/FAILED': (d) => {
    if (syncing !== d.deviceId) {
      if (syncing === null) {
        showProgress(d.deviceId, 0, syncError(d.deviceId, { error: d.reason || d.error, message: d.message }),
          'failed');
      }
      refreshTrusted().catch(() => {});
    }
  },
  'trust/CHANGED': () => refreshLists(),
  'trust/REVOKED': () => refreshLists(),
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

async function refreshLists() {
  try {
    await Promise.all([refreshTrusted(), refreshPeers()]);
  } catch (error) {
    say('trusted-message', explain(error), 'error');
  }
}

/** Reloads what the Devices page shows. */
export async function refreshAll() {
  try {
    await Promise.all([showThisDevice(), refreshTrusted(), refreshPeers(), refreshPairing()]);
  } catch (error) {
    say('trusted-message', explain(error), 'error');
  }
}

/** Another tab: what was said on this one no longer holds, and a form half typed goes back. */
function pageChanged() {
  if (document.body.dataset.page === shownPage) {
    return; // the same tab chosen again
  }
  shownPage = document.body.dataset.page;
  clearMessages();
  if (!session || session.ended) {
    idleView = 'choose';
    showView('choose');
    $('pair-panel').dataset.state = 'none';
  }
  if (document.body.dataset.page === 'devices') {
    clearNotices();
  }
}

/**
 * @param helpers {el, explain, formatTime, entriesChanged} from the journal page
 */
export function startDevices(helpers) {
  ui = helpers;
  shownPage = document.body.dataset.page;
  $('pair-start').addEventListener('click', startPairing);
  $('pair-enter').addEventListener('click', enterPin);
  $('accept-back').addEventListener('click', back);
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
  // The tabs belong to the journal page's script: the page attribute says when they change.
  new MutationObserver(pageChanged).observe(document.body, { attributes: true, attributeFilter: ['data-page'] });
  setInterval(tick, 1000);
  connectEvents();
}
