// What the pairing card shows, one view at a time (data-view): the two buttons (choose), the PIN
// shown here (offer), a device asking for approval (request), the form to type another device's
// PIN (form) and the wait for its approval (waiting); the countdown to the PIN's expiry, what a
// screen reader is told, the notice at the top of the journal page, and in words how a session
// ended or why pairing did not work. Which session it shows and when is pairing.js's to decide:
// this only draws and words.

import { clearNotices, hostPort, plain, plural, quoted, say, sentence, spelled } from './messages.js';

const $ = (id) => document.getElementById(id);

/** Standard base64 of the UTF-8 of a text, for a data: URL. */
function base64(text) {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary);
}

/** What a screen reader is told of the pairing card (PIN, check code); shown to nobody. */
export function announce(text) {
  $('pair-announce').textContent = text;
}

export class PairingCard {
  /**
   * @param ui the journal page's helpers (el)
   * @param words the page's Words (device names)
   * @param peers the Peers list, for the nearby devices showing a PIN
   * @param thisDevice returns this device's identity (GET /api/identity), null until known
   * @param expired called when the countdown reaches 0
   */
  constructor(ui, words, peers, thisDevice, expired) {
    this.ui = ui;
    this.words = words;
    this.peers = peers;
    this.thisDevice = thisDevice;
    this.expired = expired;
    /** When the PIN shown or the request it carries expires (ms); null when no countdown runs. */
    this.expiresAt = null;
  }

  /** Which views of the pairing card are shown: one at a time. */
  showView(view) {
    $('pair-panel').dataset.view = view;
    $('pair-choose').hidden = view !== 'choose';
    $('pair-offer').hidden = view !== 'offer';
    $('pair-request').hidden = view !== 'request';
    $('accept-form').hidden = view !== 'form';
    $('accept-result').hidden = view !== 'waiting';
    $('pair-cancel').hidden = !['offer', 'request', 'waiting'].includes(view);
    if (view !== 'offer' && view !== 'request') {
      this.hideCallers();
      this.expiresAt = null;
    }
    if (view === 'form') {
      this.showNearby();
    }
  }

  /** Whether the focus may move inside the card: it is there, or nowhere. */
  hasFocus() {
    const focused = document.activeElement;
    return !focused || focused === document.body || $('pair-panel').contains(focused);
  }

  /** The PIN shown here, its address and QR code, and how many wrong tries are left. */
  showOffer(state) {
    const offer = state.offer;
    const first = $('pair-offer').hidden;
    this.showView('offer');
    if (!offer) {
      return;
    }
    const me = this.thisDevice();
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

  /** A device that typed the PIN asks for approval; isNew the first time this request is drawn. */
  showRequest(request, isNew) {
    this.words.remember(request.deviceId, request.deviceName);
    this.showView('request');
    $('pair-request-name').textContent = request.deviceName || request.deviceId;
    $('pair-request-id').textContent = request.deviceId;
    $('pair-code').textContent = request.code;
    if (isNew) {
      say('pair-message', '');
      $('pair-approve').disabled = false;
      $('pair-decline').disabled = false;
      announce(this.words.nameOf(request.deviceId, request.deviceName) + ' wants to pair. Check code '
        + spelled(request.code) + '. Compare it with the other device, then approve or decline.');
      this.showRequestNotice(request);
      if (document.body.dataset.page === 'devices' && this.hasFocus()) {
        $('pair-request').focus();
      }
    }
  }

  /** The one notice outside this page: a device asking to pair while the journal is shown. */
  showRequestNotice(request) {
    const ui = this.ui;
    const list = $('notices');
    list.replaceChildren();
    if (document.body.dataset.page === 'devices') {
      return;
    }
    const go = ui.el('button', { className: 'notice-go', text: 'Open Devices', attrs: { type: 'button' } });
    go.addEventListener('click', () => $('nav-devices').click());
    const item = ui.el('li', { className: 'notice', attrs: { 'data-kind': 'warning', 'data-topic': 'pairing-request' } }, [
      ui.el('span', { text: this.words.nameOf(request.deviceId, request.deviceName) + ' wants to pair with this device: '
        + 'compare the check code on the Devices page. ' }),
      go,
    ]);
    list.append(item);
  }

  /**
   * Who holds or tried this PIN, by address: a stranger keeping the one attempt slot (other
   * devices are told "busy") is seen here rather than only felt (docs/pairing.md).
   */
  showCallers(state) {
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

  hideCallers() {
    $('pair-holder').hidden = true;
    $('pair-callers').hidden = true;
  }

  /** The device that typed the PIN waits for the other one's approval. */
  showWaiting(request) {
    this.words.remember(request.deviceId, request.deviceName);
    const first = $('accept-result').hidden;
    this.showView('waiting');
    const who = this.words.nameOf(request.deviceId, request.deviceName);
    $('accept-state').textContent = 'Waiting for ' + who + ' to approve.';
    $('accept-code').textContent = request.code;
    $('accept-name').textContent = who;
    if (first) {
      announce('Check code ' + spelled(request.code) + '. Waiting for ' + who + ' to approve: check that it shows '
        + 'the same code.');
      if (this.hasFocus()) {
        $('accept-result').focus();
      }
    }
  }

  /** Nearby devices showing a PIN, to pick instead of typing their address. */
  showNearby() {
    const showing = this.peers.showingPin(this.thisDevice());
    const note = !this.peers.multicast
      ? 'Looking for nearby devices is off on this node: type the address the other device shows.'
      : showing.length ? 'Nearby devices showing a PIN (pick one, then type its PIN):'
        : 'No nearby device shows a PIN yet: type the address the other device shows.';
    $('pair-nearby-note').textContent = note;
    $('pair-nearby').replaceChildren(...showing.map((peer) => {
      const label = (peer.deviceName ? quoted(peer.deviceName) : 'A device') + ' at ' + peer.host;
      const pick = this.ui.el('button', { className: 'pick', text: label, attrs: { type: 'button' } });
      pick.addEventListener('click', () => {
        $('accept-address').value = hostPort(peer.host, peer.pairingPort);
        $('accept-device-id').value = peer.deviceId || '';
        say('pair-message', '');
        $('accept-pin').focus();
      });
      const item = this.ui.el('li', {}, [pick]);
      if (peer.deviceId) {
        item.dataset.deviceId = peer.deviceId;
      }
      return item;
    }));
  }

  /** The card is back at its two buttons (or the form being typed) and says how the last session ended. */
  showEnded(view, text, kind, focus = false) {
    this.showView(view);
    say('pair-message', text, kind, focus);
    clearNotices();
  }

  /** Why pairing did not work, in words, and what to do next (codes of docs/pairing.md). */
  pairingError(error, address) {
    const problem = this.words.nodeProblem(error);
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

  /** How a session ended, said once, in the pairing card. */
  outcome(role, state, request) {
    const who = request ? this.words.nameOf(request.deviceId, request.deviceName) : 'the other device';
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

  /** Counts down to expiresAt (ms); null stops the countdown. */
  setExpiry(expiresAt) {
    this.expiresAt = expiresAt;
  }

  /** The countdown to the PIN's expiry, once a second while a PIN or a request is shown. */
  tick() {
    if (this.expiresAt === null) {
      return;
    }
    const left = Math.max(0, Math.round((this.expiresAt - Date.now()) / 1000));
    const shown = Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0');
    $('pair-countdown').textContent = shown;
    $('pair-request-countdown').textContent = shown;
    if (left === 0) {
      this.expiresAt = null;
      this.expired();
    }
  }
}
