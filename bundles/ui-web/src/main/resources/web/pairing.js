// Pairing, both sides in one card: Show a PIN here (host), or Enter a PIN another device shows
// (guest). One source of truth, the node's GET /api/pairing, asked again at every pairing event
// and every 1.5 s while a session runs. The node keeps its last session after it ended, so the
// page remembers which session it follows and draws an ended one only when it ends that one, and
// once; an answer to a request older than the last action is dropped (docs/web-ui.md).

import * as api from './api.js';
import { clearNotices, hostPort, say } from './messages.js';
import { announce, PairingCard } from './pairing-card.js';

const $ = (id) => document.getElementById(id);

/** Pairing states of a session still running (docs/pairing.md); every other state is an outcome. */
const LIVE = new Set(['open', 'awaiting_approval']);
const POLL_MS = 1500;

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

export class Pairing {
  /**
   * @param ui the journal page's helpers (el)
   * @param words the page's Words (device names, the node's problems)
   * @param peers the Peers list, for the nearby devices showing a PIN
   * @param thisDevice returns this device's identity, null until known
   * @param paired reloads the trusted and nearby lists once a device is paired
   */
  constructor(ui, words, peers, thisDevice, paired) {
    this.words = words;
    this.paired = paired;
    this.card = new PairingCard(ui, words, peers, thisDevice, () => this.refresh());
    /**
     * The pairing session this page follows: {role: 'host'|'guest', key, request, ended}; null when
     * none. A status the node answers for another session (an older one it still keeps) is not shown.
     */
    this.session = null;
    /** 'choose' (Show a PIN / Enter a PIN) or 'form' (typing a PIN) while no session runs. */
    this.idleView = 'choose';
    /** Bumped by every pairing action and status request: an answer to an older request is dropped. */
    this.turn = 0;
    this.pollTimer = null;
  }

  /** Whether an ended state is the end of the session this page follows (and not an older one). */
  endsFollowed(role, state) {
    const session = this.session;
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
  render(state) {
    const panel = $('pair-panel');
    // For browser tests: the card has drawn the node's state at least once since the page loaded.
    panel.dataset.checked = 'true';
    const role = roleOf(state);
    if (LIVE.has(state.state) && role) {
      const key = keyOf(role, state);
      const session = this.session;
      if (session && session.ended && session.key === key && session.role === role) {
        return; // an answer about a session this page has seen end
      }
      if (!session || session.role !== role || (key && session.key && session.key !== key)) {
        // Another session than the one this page followed: what was said of that one no longer holds.
        this.session = { role, key, request: null, ended: false };
        say('pair-message', '');
      }
      this.session.key = this.session.key || key;
      panel.dataset.state = state.state;
      panel.dataset.role = role;
      if (role === 'host') {
        this.renderHosting(state);
      } else {
        this.renderWaiting(state);
      }
      this.poll();
      return;
    }
    if (role && this.endsFollowed(role, state)) {
      this.session.ended = true;
      panel.dataset.state = state.state;
      panel.dataset.role = role;
      this.idleView = 'choose';
      this.card.showEnded('choose', this.card.outcome(role, state, this.session.request), state.state === 'paired' ? 'ok'
        : state.state === 'cancelled' ? 'info' : 'warning');
      announce('');
      if (state.state === 'paired') {
        this.paired();
      }
      return;
    }
    if (this.session && !this.session.ended) {
      // The session this page followed is gone (the node restarted, or another page ended it unseen).
      this.session = null;
    }
    if (!this.session || this.session.ended) {
      panel.dataset.state = 'none';
      panel.dataset.role = '';
      this.card.showView(this.idleView);
      clearNotices();
    }
  }

  renderHosting(state) {
    if (state.offer) {
      this.card.setExpiry(Date.parse(state.offer.expiresAt));
    }
    if (state.state === 'awaiting_approval' && state.request) {
      const request = state.request;
      const isNew = !this.session.request || this.session.request.code !== request.code;
      this.session.request = request;
      this.card.showRequest(request, isNew);
    } else {
      this.card.showOffer(state);
    }
    this.card.showCallers(state);
    this.card.tick();
  }

  /** The device that typed the PIN waits for the other one's approval. */
  renderWaiting(state) {
    const request = state.request || this.session.request;
    if (!request) {
      return;
    }
    this.session.request = request;
    this.card.showWaiting(request);
  }

  poll() {
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => this.refresh(), POLL_MS);
  }

  async refresh() {
    const mine = ++this.turn;
    let state;
    try {
      state = await api.pairingStatus();
    } catch (error) {
      if (mine === this.turn) {
        say('pair-message', this.words.explain(error), 'error');
      }
      return;
    }
    if (mine === this.turn) {
      this.render(state);
    }
  }

  /** Starts a new pairing action: what was said of the last one no longer holds. */
  newTurn() {
    this.turn++;
    say('pair-message', '');
    announce('');
  }

  async startPairing() {
    this.newTurn();
    $('pair-start').disabled = true;
    try {
      const offer = await api.startPairing();
      this.turn++;
      this.session = { role: 'host', key: keyOf('host', { offer }), request: null, ended: false };
      $('pair-panel').dataset.state = 'open';
      $('pair-panel').dataset.role = 'host';
      this.card.showOffer({ state: 'open', offer, attemptsLeft: 3 });
      this.card.hideCallers();
      this.card.setExpiry(Date.parse(offer.expiresAt));
      this.card.tick();
      $('pair-offer').focus();
      this.poll();
    } catch (error) {
      if (error.code === 'already_open') {
        await this.refresh();
      } else {
        say('pair-message', 'No PIN was made. ' + this.words.explain(error), 'error', true);
      }
    } finally {
      $('pair-start').disabled = false;
    }
  }

  enterPin() {
    this.newTurn();
    this.idleView = 'form';
    this.card.showView('form');
    $('accept-address').focus();
  }

  back() {
    this.newTurn();
    this.idleView = 'choose';
    this.card.showView('choose');
    $('pair-enter').focus();
  }

  async decide(approve) {
    const request = this.session && this.session.request;
    this.newTurn();
    $('pair-approve').disabled = true;
    $('pair-decline').disabled = true;
    try {
      if (approve) {
        const device = await api.approvePairing();
        this.words.remember(device.deviceId, device.deviceName);
        this.endSession(this.card.outcome('host', { state: 'paired' }, device), 'ok');
        this.paired();
      } else {
        await api.declinePairing();
        this.endSession(this.card.outcome('host', { state: 'declined' }, request), 'warning');
      }
    } catch (error) {
      const who = request ? this.words.nameOf(request.deviceId, request.deviceName) : 'the other device';
      const text = error.code === 'expired'
        ? 'The PIN expired before you approved ' + who + ': nothing was trusted on either device. Press Show a PIN '
          + 'for a new one.'
        : error.code === 'nothing_pending' ? who + ' is no longer waiting for approval: nothing was trusted.'
          : 'Not ' + (approve ? 'approved' : 'declined') + ': ' + this.words.explain(error);
      if (error.code === 'expired' || error.code === 'nothing_pending') {
        this.endSession(text, 'warning');
      } else {
        say('pair-message', text, 'error', true);
        $('pair-approve').disabled = false;
        $('pair-decline').disabled = false;
      }
    }
  }

  /** This page ended the session it follows: the card goes back to its start and says how it ended. */
  endSession(text, kind) {
    this.turn++;
    if (this.session) {
      this.session.ended = true;
    }
    clearTimeout(this.pollTimer);
    this.idleView = 'choose';
    $('pair-panel').dataset.state = 'none';
    this.card.showEnded('choose', text, kind, true);
  }

  async cancel() {
    this.newTurn();
    try {
      await api.cancelPairing();
      this.endSession('Pairing cancelled: nothing was trusted.', 'info');
      $('pair-start').focus();
    } catch (error) {
      say('pair-message', 'Not cancelled: ' + this.words.explain(error), 'error', true);
    }
  }

  async accept() {
    const address = parseAddress($('accept-address').value);
    const pin = $('accept-pin').value.replace(/\s/g, '');
    const deviceId = $('accept-device-id').value.trim();
    this.newTurn();
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
      this.turn++;
      say('pair-message', '');
      this.session = { role: 'guest', key: keyOf('guest', { request }), request, ended: false };
      $('accept-form').reset();
      $('accept-device-id').value = '';
      this.idleView = 'choose';
      $('pair-panel').dataset.state = 'awaiting_approval';
      $('pair-panel').dataset.role = 'guest';
      this.renderWaiting({ request });
      $('accept-result').focus();
      this.poll();
    } catch (error) {
      say('pair-message', this.card.pairingError(error, place), 'error');
      const field = ['unreachable', 'identity_refused', 'protocol_error'].includes(error.code) ? 'accept-address' : 'accept-pin';
      $(field).focus();
      $(field).select();
    } finally {
      $('accept-submit').disabled = false;
    }
  }

  /** The nearby devices showing a PIN changed: the form lists them again. */
  showNearby() {
    this.card.showNearby();
  }

  /** Another tab: what was said no longer holds, and a form half typed goes back to the two buttons. */
  pageChanged() {
    say('pair-message', '');
    if (!this.session || this.session.ended) {
      this.idleView = 'choose';
      this.card.showView('choose');
      $('pair-panel').dataset.state = 'none';
    }
  }

  /** Wires the card's buttons and its countdown. */
  start() {
    $('pair-start').addEventListener('click', () => this.startPairing());
    $('pair-enter').addEventListener('click', () => this.enterPin());
    $('accept-back').addEventListener('click', () => this.back());
    $('pair-cancel').addEventListener('click', () => this.cancel());
    $('pair-approve').addEventListener('click', () => this.decide(true));
    $('pair-decline').addEventListener('click', () => this.decide(false));
    $('accept-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.accept();
    });
    setInterval(() => this.card.tick(), 1000);
  }
}
