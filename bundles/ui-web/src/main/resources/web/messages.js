// What the Devices page says, shared by its cards: sentences in people's words (no error codes,
// no exception names), device names, and the message line each card has for itself.
// Every text goes into the page with textContent, never as HTML: it may come from the network.

import * as api from './api.js';

const $ = (id) => document.getElementById(id);

export function quoted(name) {
  return '\u201c' + name + '\u201d';
}

export function sentence(text) {
  const trimmed = String(text || '').trim().replace(/[.;:,]+$/, '');
  return trimmed ? trimmed.charAt(0).toUpperCase() + trimmed.slice(1) + '.' : '';
}

/** Drops what only an engineer reads: exception class names the node may have put in a message. */
export function plain(text) {
  return String(text || '')
    .replace(/\s*\((?:[a-z_$][\w$]*\.)*[A-Z][\w$]*(?:Exception|Error)\b[^)]*\)/g, '')
    .replace(/(?:[a-z_$][\w$]*\.)*[A-Z][\w$]*(?:Exception|Error):\s*/g, '')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

export function plural(count, one, many) {
  return count + ' ' + (count === 1 ? one : many);
}

/** Digits one by one, so that a screen reader says "4 8 2" rather than "four hundred eighty-two". */
export function spelled(digits) {
  return String(digits).split('').join(' ');
}

/** An address as typed and shown: "host:port", "[v6]:port". */
export function hostPort(host, port) {
  return (String(host).includes(':') ? '[' + host + ']' : host) + ':' + port;
}

/** Shows a message in a card's own line; an empty text hides it. */
export function say(id, text, kind = 'info', focus = false) {
  const line = $(id);
  line.textContent = text || '';
  line.dataset.kind = kind;
  line.hidden = !text;
  if (focus && text) {
    line.focus();
  }
}

/** The notices at the top of the page (only a device asking to pair, see pairing-card.js) go. */
export function clearNotices() {
  $('notices').replaceChildren();
}

/**
 * The names the page has seen, so that what names only a deviceId can be shown with a name, and
 * the node's own problems (not signed in, not answering) said as the journal page says them.
 */
export class Words {
  /** @param ui the journal page's helpers; its explain() says the node's problems */
  constructor(ui) {
    this.ui = ui;
    this.names = new Map();
  }

  /** Remembers the name a device goes by (as the node or a peer said it, even none). */
  remember(deviceId, name) {
    this.names.set(deviceId, name);
  }

  /** A device as people call it: its name, else a short form of its id. */
  nameOf(deviceId, name) {
    const known = name || this.names.get(deviceId);
    if (known) {
      return quoted(known);
    }
    return deviceId ? 'device ' + String(deviceId).slice(0, 8) : 'the other device';
  }

  /** An answer of the node that says nothing about the device: not signed in, or not answering. */
  nodeProblem(error) {
    if (error instanceof api.ApiError && (error.status === 401 || error.status === 0)) {
      return this.ui.explain(error);
    }
    return null;
  }

  explain(error) {
    return this.nodeProblem(error) || sentence(plain(error && error.message ? error.message : String(error)));
  }
}
