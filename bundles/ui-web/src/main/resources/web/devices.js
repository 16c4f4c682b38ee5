// The Devices page: this device, and the cards of its own modules: pairing (pairing.js, drawn by
// pairing-card.js), trusted devices with Sync now and its progress (trusted.js), nearby and added
// devices (peers.js). This module starts them, shares what they share (the device names of
// messages.js, this device's identity, the peer list) and feeds them the node's live events
// (GET /api/events, server-sent events).
//
// Feedback goes next to what it is about: each card has its own message line (role=status),
// cleared when it no longer holds (another tab, a new pairing, a change of state).
// Device names, messages and every other string from the node or a peer go into the page as
// text (textContent), never as HTML: they come from the network.

import * as api from './api.js';
import { clearNotices, say, Words } from './messages.js';
import { Pairing } from './pairing.js';
import { Peers } from './peers.js';
import { Trusted } from './trusted.js';

const $ = (id) => document.getElementById(id);

const RECONNECT_FIRST_MS = 5000;
const RECONNECT_MAX_MS = 60000;

class DevicesPage {
  /** @param ui {el, explain, formatTime, entriesChanged} from the journal page */
  constructor(ui) {
    this.words = new Words(ui);
    /** This device (GET /api/identity); null until known. */
    this.me = null;
    /** The tab last shown (body[data-page]), to tell a change of tab from the same tab chosen again. */
    this.shownPage = document.body.dataset.page;
    this.peers = new Peers(ui, this.words, () => this.pairing.showNearby());
    this.trusted = new Trusted(ui, this.words, this.peers, () => this.refreshAll());
    this.pairing = new Pairing(ui, this.words, this.peers, () => this.me, () => this.refreshLists());
  }

  async showThisDevice() {
    this.me = await api.identity();
    this.words.remember(this.me.deviceId, this.me.deviceName);
    $('this-name').textContent = this.me.deviceName;
    $('this-id').textContent = this.me.deviceId;
    $('this-sync-port').textContent = this.me.syncPort ? String(this.me.syncPort) : 'not listening';
  }

  async refreshLists() {
    try {
      await Promise.all([this.trusted.refresh(), this.peers.refresh()]);
    } catch (error) {
      say('trusted-message', this.words.explain(error), 'error');
    }
  }

  async refreshAll() {
    try {
      await Promise.all([this.showThisDevice(), this.trusted.refresh(), this.peers.refresh(), this.pairing.refresh()]);
    } catch (error) {
      say('trusted-message', this.words.explain(error), 'error');
    }
  }

  /** Another tab: what was said on this one no longer holds, and a form half typed goes back. */
  pageChanged() {
    if (document.body.dataset.page === this.shownPage) {
      return; // the same tab chosen again
    }
    this.shownPage = document.body.dataset.page;
    this.pairing.pageChanged();
    this.trusted.clearMessages();
    this.peers.clearMessage();
    // The pairing request's notice goes too: on the Devices page the card itself asks.
    clearNotices();
  }

  /** What each of the node's events changes: events say that something changed, the cards ask again. */
  handlers() {
    const peers = () => this.peers.refresh();
    const pairing = () => this.pairing.refresh();
    const lists = () => this.refreshLists();
    return {
      'discovery/DISCOVERED': peers,
      'discovery/LOST': peers,
      'discovery/CHANGED': peers,
      'pairing/STARTED': pairing,
      'pairing/AWAITING_APPROVAL': pairing,
      'pairing/PAIRED': pairing,
      'pairing/FAILED': pairing,
      'pairing/PIN_VOID': pairing,
      'pairing/EXPIRED': pairing,
      'pairing/ENDED': pairing,
      'sync/STARTED': (d) => this.trusted.syncStarted(d),
      'sync/PROGRESS': (d) => this.trusted.syncProgress(d),
      'sync/COMPLETED': (d) => this.trusted.syncCompleted(d),
      'sync/FAILED': (d) => this.trusted.syncFailed(d),
      'trust/CHANGED': lists,
      'trust/REVOKED': lists,
    };
  }
}

function data(message) {
  try {
    return JSON.parse(message.data);
  } catch (e) {
    return {};
  }
}

/**
 * Listens to the node's events. The browser reconnects by itself after a dropped stream, but
 * not after an error answer (503 when too many streams are open): then this page tries again
 * later, waiting longer each time. Events are not replayed, so every new stream calls opened.
 */
function listen(handlers, opened) {
  let current = null;
  let delay = RECONNECT_FIRST_MS;
  const connect = () => {
    const source = new EventSource('/api/events');
    current = source;
    source.addEventListener('open', () => {
      delay = RECONNECT_FIRST_MS;
      document.body.dataset.events = 'open';
      opened();
    });
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) {
        document.body.dataset.events = 'closed';
        source.close();
        if (current === source) {
          setTimeout(connect, delay);
          delay = Math.min(delay * 2, RECONNECT_MAX_MS);
        }
      } else {
        document.body.dataset.events = 'reconnecting';
      }
    });
    for (const [topic, handle] of Object.entries(handlers)) {
      source.addEventListener(topic, (message) => handle(data(message)));
    }
  };
  connect();
}

/** The Devices page once started; null before. */
let page = null;

/** Reloads what the Devices page shows. */
export async function refreshAll() {
  if (page) {
    await page.refreshAll();
  }
}

/**
 * @param helpers {el, explain, formatTime, entriesChanged} from the journal page
 */
export function startDevices(helpers) {
  page = new DevicesPage(helpers);
  page.pairing.start();
  page.peers.start();
  // The tabs belong to the journal page's script: the page attribute says when they change.
  new MutationObserver(() => page.pageChanged()).observe(document.body, { attributes: true, attributeFilter: ['data-page'] });
  listen(page.handlers(), refreshAll);
}
