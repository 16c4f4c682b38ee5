// The journal page. The password stays in this page: keys are derived and entries are
// encrypted and decrypted here (crypto.js); the node only ever sees ciphertext.
// Every string from the node or a peer goes into the page as text (textContent), never as HTML.

import * as api from './api.js';
import { KeyRing, encryptText, newEntryId } from './crypto.js';
import { refreshAll as refreshDevices, startDevices } from './devices.js';
import { MoodChart } from './mood-chart.js';
import { newestPerSalt, opened } from './password-check.js';

const PAGE_SIZE = 50;
const MOODS = { 1: 'very low', 2: 'low', 3: 'okay', 4: 'good', 5: 'very good' };
const UNREADABLE = 'Unreadable with this password';
const WRONG_PASSWORD = 'Wrong password: it opens none of the entries in this journal (one password per journal, '
  + 'the same on every device). Nothing was changed; try again.';
const OTHER_DEVICES = 'Not saved: entries written on your other devices are here, and this password opens none of '
  + 'them (a new entry would be unreadable there). Lock, then unlock with the password of your other devices.';
/** How many of the newest entries the mood chart shows (one request). */
const CHART_ENTRIES = 1000;

const $ = (id) => document.getElementById(id);

/** The unlocked journal; null while locked. */
let session = null;
/** Whether the locked page asks for a new journal's first password, typed twice. */
let choosing = false;
/** Bumped at every unlock and lock, so answers that arrive for an earlier session are dropped. */
let generation = 0;
/** Made at start (it needs el and formatTime below). */
let chart = null;
/** Bumped at every chart reload, so a slower earlier answer does not replace a newer one. */
let chartRequest = 0;

/** Makes an element; text goes in as text only. */
function el(tag, { className, text, attrs } = {}, children = []) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined && text !== null) {
    node.textContent = String(text);
  }
  for (const [name, value] of Object.entries(attrs || {})) {
    node.setAttribute(name, String(value));
  }
  for (const child of children) {
    node.append(child);
  }
  return node;
}

function setState(state) {
  document.body.dataset.journal = state;
}

function status(text, kind = 'info') {
  const box = $('status');
  box.textContent = text;
  box.dataset.kind = kind;
}

/** Shows a message in its own place next to what it is about; an empty text hides it. */
function say(id, text, kind = 'info') {
  const box = $(id);
  box.textContent = text;
  box.dataset.kind = kind;
  box.hidden = text === '';
}

function explain(error) {
  if (error instanceof api.ApiError) {
    if (error.status === 401) {
      return 'This page is no longer signed in to the node (it restarted and made a new token): '
        + 'open the link the node printed when it last started.';
    }
    return error.message || error.code;
  }
  return error && error.message ? error.message : String(error);
}

function moodSelect(className, selected) {
  const select = el('select', { className });
  for (const value of [1, 2, 3, 4, 5]) {
    const option = el('option', { text: value + ' · ' + MOODS[value], attrs: { value } });
    option.selected = value === selected;
    select.append(option);
  }
  return select;
}

function formatTime(timestamp) {
  const date = new Date(timestamp);
  return Number.isNaN(date.getTime()) ? String(timestamp) : date.toLocaleString();
}

// ------------------------------------------------------------------ unlock and lock

/** Asks for one password, or, for a journal with no entries yet, for its first password typed twice. */
function showChoosing(on) {
  choosing = on;
  $('unlock-title').textContent = on ? 'Choose your journal\u2019s password' : 'Unlock your journal';
  $('choose-intro').hidden = !on;
  $('repeat-field').hidden = !on;
  $('choose-warning').hidden = !on;
  $('password-repeat').required = on;
  $('password').autocomplete = on ? 'new-password' : 'current-password';
  $('password-label').textContent = on ? 'New password' : 'Journal password';
  $('unlock').textContent = on ? 'Set the password and unlock' : 'Unlock';
}

/** Finds out whether the journal holds entries: the locked page asks for its password once or twice. */
async function showLockedPage() {
  try {
    const page = await api.entries(1, null);
    showChoosing(page.entries.length === 0);
  } catch (error) {
    say('unlock-message', explain(error), 'error');
  } finally {
    if (!session) {
      setState('locked');
    }
  }
}

function refuseUnlock(text) {
  say('unlock-message', text, 'error');
  setState('locked');
  $('password').focus();
  $('password').select();
}

async function unlock(password, repeated) {
  const mine = ++generation;
  setState('unlocking');
  $('unlock').disabled = true;
  $('unlock-busy').hidden = false;
  say('unlock-message', '');
  let ring = null;
  try {
    const { salt } = await api.journal();
    const samples = await newestPerSalt(salt);
    if (samples.length === 0 && !choosing) {
      showChoosing(true);
      refuseUnlock('This journal has no entries yet: choose its password by typing it twice.');
      return;
    }
    if (samples.length === 0 && password !== repeated) {
      refuseUnlock('The two passwords differ: nothing was changed; type the same password twice.');
      $('password-repeat').value = '';
      return;
    }
    ring = new KeyRing(password);
    const opens = await opened(ring, samples);
    if (samples.length > 0 && opens.size === 0) {
      if (mine === generation) {
        refuseUnlock(WRONG_PASSWORD);
      }
      return;
    }
    const ownKey = await ring.keyFor(salt);
    if (ownKey === null) {
      throw new Error('The node answered a journal salt this page cannot use.');
    }
    if (mine !== generation) {
      return;
    }
    const othersOpen = [...opens].some((opensSalt) => opensSalt !== salt);
    session = { ring, salt, ownKey, othersOpen, next: null, entries: new Map() };
    ring = null;
    $('password').value = '';
    $('password-repeat').value = '';
    $('locked-view').hidden = true;
    $('journal-view').hidden = false;
    $('entries').replaceChildren();
    say('write-message', samples.length > opens.size
      ? 'Some entries were written with another password: they show as unreadable.' : '', 'warning');
    await loadPage(mine);
    await refreshChart(mine);
    if (mine === generation) {
      setState('ready');
      $('new-text').focus();
    }
  } catch (error) {
    if (mine === generation) {
      refuseUnlock(explain(error));
    }
  } finally {
    if (ring) {
      ring.forget();
    }
    $('unlock').disabled = false;
    $('unlock-busy').hidden = true;
  }
}

/**
 * A password chosen for an empty journal (or one that so far met only this device's entries) must open what
 * other devices wrote once their entries arrive by sync, before anything more is written with it.
 */
async function mayWrite() {
  if (session.othersOpen) {
    return;
  }
  const others = (await newestPerSalt(session.salt)).filter((entry) => entry.content.salt !== session.salt);
  if (others.length > 0 && (await opened(session.ring, others)).size === 0) {
    throw new Error(OTHER_DEVICES);
  }
  session.othersOpen = others.length > 0;
}

function lock() {
  if (session && $('new-text').value.trim() !== '' && $('lock-confirm').hidden) {
    $('lock-confirm').hidden = false;
    $('lock-keep').focus();
    return;
  }
  $('lock-confirm').hidden = true;
  generation++;
  if (session) {
    session.ring.forget();
  }
  session = null;
  $('entries').replaceChildren();
  chart.clear();
  $('new-text').value = '';
  say('write-message', '');
  $('journal-view').hidden = true;
  $('locked-view').hidden = false;
  $('more').hidden = true;
  say('unlock-message', 'Locked.');
  setState('locked');
  showLockedPage();
  $('password').focus();
}

// ------------------------------------------------------------------ the mood chart

/** Draws the moods of the newest CHART_ENTRIES entries (moods are not encrypted: all of them, readable or not). */
async function refreshChart(mine) {
  const request = ++chartRequest;
  try {
    const page = await api.entries(CHART_ENTRIES, null);
    if (mine === generation && request === chartRequest) {
      chart.show(page.entries);
    }
  } catch (error) {
    if (mine === generation) {
      say('list-message', 'The mood chart could not be loaded: ' + explain(error), 'error');
    }
  }
}

// ------------------------------------------------------------------ the list

async function loadPage(mine) {
  const current = session;
  const page = await api.entries(PAGE_SIZE, current.next);
  const opened = await Promise.all(page.entries.map((entry) => current.ring.open(entry)));
  if (mine !== generation) {
    return;
  }
  const list = $('entries');
  page.entries.forEach((entry, i) => {
    if (!current.entries.has(entry.id)) {
      current.entries.set(entry.id, { entry, text: opened[i] });
      list.append(renderEntry(entry, opened[i]));
    }
  });
  current.next = page.next;
  $('more').hidden = !page.next;
  $('empty').hidden = current.entries.size > 0;
}

function renderEntry(entry, text) {
  const readable = text !== null;
  // Focusable, so that focus can move to an entry an action produced (a save, an edit, a restore).
  const item = el('li', { className: 'entry', attrs: { 'data-readable': readable, tabindex: '-1' } });
  item.dataset.entryId = entry.id;
  const mood = Number.isInteger(entry.mood) && MOODS[entry.mood]
    ? el('span', { className: 'entry-mood mood-' + entry.mood, text: 'Mood ' + entry.mood + ' · ' + MOODS[entry.mood] })
    : el('span', { className: 'entry-mood', text: 'No mood' });
  const meta = el('div', { className: 'entry-meta' }, [
    mood,
    el('time', { className: 'entry-date', text: formatTime(entry.created_at), attrs: { datetime: entry.created_at } }),
  ]);
  if (entry.updated_at !== entry.created_at) {
    meta.append(el('span', { className: 'entry-edited', text: 'edited ' + formatTime(entry.updated_at) }));
  }
  item.append(meta);
  item.append(readable
    ? el('p', { className: 'entry-text', text })
    : el('p', { className: 'entry-text unreadable', text: UNREADABLE }));
  const actions = el('div', { className: 'row entry-actions' });
  if (readable && session) {
    const edit = el('button', { className: 'edit', text: 'Edit', attrs: { type: 'button' } });
    edit.addEventListener('click', () => startEdit(item, entry.id));
    actions.append(edit);
  }
  // Only an entry that was replaced since it was first written can have earlier versions (an edit, or a newer
  // copy from a sync); also on one that does not open: an earlier version may, e.g. before a bad overwrite.
  if (entry.updated_at !== entry.created_at) {
    const versions = el('button', { className: 'versions', text: 'Earlier versions',
      attrs: { type: 'button', 'aria-expanded': 'false' } });
    versions.addEventListener('click', () => toggleVersions(item, entry.id));
    actions.append(versions);
  }
  item.append(actions);
  return item;
}

function replaceEntry(item, entry, text) {
  session.entries.set(entry.id, { entry, text });
  const fresh = renderEntry(entry, text);
  item.replaceWith(fresh);
  return fresh;
}

// ------------------------------------------------------------------ writing

async function seal(id, text) {
  return encryptText(session.ownKey, session.salt, id, text);
}

async function saveNew() {
  const mine = generation;
  const textArea = $('new-text');
  const text = textArea.value;
  const mood = Number($('new-mood').value);
  if (!session) {
    return;
  }
  if (text.trim() === '') {
    say('write-message', 'Write something first.', 'warning');
    textArea.focus();
    return;
  }
  $('save').disabled = true;
  say('write-message', '');
  try {
    await mayWrite();
    const id = newEntryId();
    const now = new Date().toISOString();
    const entry = {
      id, created_at: now, updated_at: now, content: await seal(id, text), mood,
      privacy_mode: 'normal', book_id: null, pinned: false,
    };
    const stored = await api.saveEntry(entry);
    if (mine !== generation) {
      return;
    }
    session.entries.set(stored.id, { entry: stored, text });
    const item = renderEntry(stored, text);
    $('entries').prepend(item);
    $('empty').hidden = true;
    textArea.value = '';
    say('write-message', 'Saved.');
    item.focus();
    refreshChart(mine);
  } catch (error) {
    if (mine === generation) {
      const message = explain(error);
      say('write-message', message.startsWith('Not saved') ? message : 'Not saved: ' + message, 'error');
      textArea.focus();
    }
  } finally {
    $('save').disabled = !session;
  }
}

function startEdit(item, id) {
  const held = session.entries.get(id);
  if (!held || held.text === null) {
    return;
  }
  const textArea = el('textarea', { className: 'edit-text', attrs: { rows: 5, 'aria-label': 'Entry text' } });
  textArea.value = held.text;
  const mood = moodSelect('edit-mood', Number.isInteger(held.entry.mood) ? held.entry.mood : 3);
  mood.setAttribute('aria-label', 'Mood');
  const save = el('button', { className: 'edit-save', text: 'Save changes', attrs: { type: 'submit' } });
  const cancel = el('button', { className: 'edit-cancel', text: 'Cancel', attrs: { type: 'button' } });
  const message = el('p', { className: 'message', attrs: { role: 'status', 'aria-live': 'polite', hidden: '' } });
  const form = el('form', { className: 'edit-form' },
    [textArea, el('div', { className: 'row' }, [mood, save, cancel]), message]);
  const tell = (text, kind) => {
    message.textContent = text;
    message.dataset.kind = kind;
    message.hidden = false;
  };
  item.replaceChildren(form);
  item.classList.add('editing');
  textArea.focus();
  cancel.addEventListener('click', () => replaceEntry(item, held.entry, held.text).focus());
  textArea.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const mine = generation;
    const text = textArea.value;
    if (text.trim() === '') {
      tell('An entry needs some text.', 'warning');
      textArea.focus();
      return;
    }
    save.disabled = true;
    try {
      await mayWrite();
      const entry = held.entry;
      const edited = {
        id: entry.id, created_at: entry.created_at, updated_at: new Date().toISOString(),
        content: await seal(entry.id, text), mood: Number(mood.value),
        privacy_mode: entry.privacy_mode, book_id: entry.book_id, pinned: entry.pinned,
      };
      const stored = await api.saveEntry(edited);
      if (mine === generation) {
        replaceEntry(item, stored, text).focus();
        refreshChart(mine);
      }
    } catch (error) {
      if (mine === generation) {
        save.disabled = false;
        const text = explain(error);
        tell(text.startsWith('Not saved') ? text : 'Not saved: ' + text, 'error');
        textArea.focus();
      }
    }
  });
}

// ------------------------------------------------------------------ earlier versions

function describeVersion(version) {
  const how = version.replacedBy === 'sync' ? 'by an entry from a sync' : 'by an edit on this device';
  return 'Replaced ' + formatTime(version.replacedAt) + ' ' + how;
}

/** Opens (or closes) the list of an entry's earlier versions under it. */
async function toggleVersions(item, id) {
  const open = item.querySelector('.versions-panel');
  const button = item.querySelector('.versions');
  if (open) {
    open.remove();
    button.setAttribute('aria-expanded', 'false');
    return;
  }
  const mine = generation;
  const panel = el('div', { className: 'versions-panel', attrs: { 'data-state': 'loading' } },
    [el('p', { className: 'note', text: 'Loading earlier versions…' })]);
  item.append(panel);
  button.setAttribute('aria-expanded', 'true');
  try {
    const { versions } = await api.versions(id);
    const texts = await Promise.all(versions.map((version) => session.ring.open(version.entry)));
    if (mine !== generation || !panel.isConnected) {
      return;
    }
    const close = el('button', { className: 'versions-close', text: 'Close', attrs: { type: 'button' } });
    close.addEventListener('click', () => toggleVersions(item, id));
    const heading = el('h4', { text: versions.length === 0 ? 'No earlier versions are kept on this device.'
      : 'Earlier versions kept on this device (newest first)' });
    const list = el('ol', { className: 'version-list' });
    versions.forEach((version, i) => list.append(renderVersion(item, id, version, texts[i])));
    panel.replaceChildren(el('div', { className: 'row spread' }, [heading, close]), list);
    panel.dataset.state = 'ready';
  } catch (error) {
    if (mine === generation && panel.isConnected) {
      panel.replaceChildren(el('p', { className: 'warning', text: 'Earlier versions could not be loaded: '
        + explain(error) }));
      panel.dataset.state = 'failed';
    }
  }
}

function renderVersion(item, id, version, text) {
  const readable = text !== null;
  const entry = version.entry;
  const row = el('li', { className: 'version', attrs: { 'data-readable': readable } });
  row.dataset.versionId = String(version.versionId);
  const mood = Number.isInteger(entry.mood) && MOODS[entry.mood]
    ? el('span', { className: 'version-mood mood-' + entry.mood, text: 'Mood ' + entry.mood + ' · ' + MOODS[entry.mood] })
    : el('span', { className: 'version-mood', text: 'No mood' });
  row.append(el('div', { className: 'entry-meta' }, [
    mood,
    el('span', { className: 'version-date', text: describeVersion(version) }),
  ]));
  row.append(readable
    ? el('p', { className: 'version-text', text })
    : el('p', { className: 'version-text unreadable', text: UNREADABLE }));
  // Only a version this password opens can be restored: a person restores what they can read.
  if (readable && session) {
    const restore = el('button', { className: 'restore', text: 'Restore this version', attrs: { type: 'button' } });
    restore.addEventListener('click', () => restoreVersion(item, id, version, restore));
    row.append(restore);
  }
  return row;
}

/**
 * Restores a kept version: the node writes it as a new local edit with that version's content and
 * mood (the ciphertext is reused: it is bound to the entry's id, which is the same, so it stays valid
 * and the text is exactly what it was). The current version is kept in turn, so a restore can be undone.
 */
async function restoreVersion(item, id, version, button) {
  const mine = generation;
  button.disabled = true;
  try {
    await mayWrite();
    const stored = await api.restore(id, version.versionId);
    const text = await session.ring.open(stored);
    if (mine !== generation) {
      return;
    }
    const fresh = item.isConnected ? replaceEntry(item, stored, text) : null;
    refreshChart(mine);
    if (fresh) {
      fresh.append(el('p', { className: 'message', text: 'Restored the version replaced '
        + formatTime(version.replacedAt) + '. The one it replaced is kept under Earlier versions.',
        attrs: { role: 'status' } }));
      fresh.focus();
      await toggleVersions(fresh, id);
    }
  } catch (error) {
    if (mine === generation) {
      button.disabled = false;
      const text = explain(error);
      button.after(el('p', { className: 'message', text: text.startsWith('Not saved') ? text.replace('Not saved',
        'Not restored') : 'Not restored: ' + text, attrs: { role: 'alert', 'data-kind': 'error' } }));
    }
  }
}

// ------------------------------------------------------------------ entries from a sync

/**
 * A sync brought entries: the open list is read again from the top, unless an entry is being
 * edited (the edit would be lost); then the person is told to save or cancel first. While locked,
 * a page that asked for a new journal's password asks for the password of the entries that came.
 */
async function entriesChanged() {
  if (!session) {
    if (choosing && document.body.dataset.journal === 'locked') {
      // The first entries arrived while the page asked for a new journal's password: ask for theirs.
      await showLockedPage();
    }
    return;
  }
  if (document.querySelector('#entries li.editing')) {
    say('list-message', 'New entries arrived from a sync: they show once you save or cancel your edit.');
    return;
  }
  const mine = generation;
  say('list-message', '');
  session.next = null;
  session.entries.clear();
  $('entries').replaceChildren();
  try {
    await loadPage(mine);
    await refreshChart(mine);
  } catch (error) {
    if (mine === generation) {
      say('list-message', explain(error), 'error');
    }
  }
}

// ------------------------------------------------------------------ pages

function showPage(page) {
  if (document.body.dataset.page !== page) {
    // A message is about what was on the page left: it no longer holds there.
    say('write-message', '');
    say('list-message', '');
    say('unlock-message', '');
    status('');
  }
  document.body.dataset.page = page;
  $('journal-page').hidden = page !== 'journal';
  $('devices-view').hidden = page !== 'devices';
  for (const [name, button] of [['journal', $('nav-journal')], ['devices', $('nav-devices')]]) {
    if (name === page) {
      button.setAttribute('aria-current', 'page');
    } else {
      button.removeAttribute('aria-current');
    }
  }
  if (page === 'devices') {
    refreshDevices();
  }
}

// ------------------------------------------------------------------ start

async function showDevice() {
  try {
    const me = await api.identity();
    $('device').textContent = 'This device: ' + me.deviceName + ' (' + me.deviceId + ')';
  } catch (error) {
    status(explain(error), 'error');
  }
}

function start() {
  $('unlock-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const password = $('password').value;
    if (password === '') {
      refuseUnlock('Type your journal password.');
      return;
    }
    unlock(password, $('password-repeat').value);
  });
  $('new-form').addEventListener('submit', (event) => {
    event.preventDefault();
    saveNew();
  });
  $('new-text').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      saveNew();
    }
  });
  $('lock').addEventListener('click', lock);
  $('lock-drop').addEventListener('click', lock);
  $('lock-keep').addEventListener('click', () => {
    $('lock-confirm').hidden = true;
    $('new-text').focus();
  });
  $('more').addEventListener('click', async () => {
    const mine = generation;
    $('more').disabled = true;
    try {
      await loadPage(mine);
    } catch (error) {
      say('list-message', explain(error), 'error');
    } finally {
      $('more').disabled = false;
    }
  });
  $('nav-journal').addEventListener('click', () => showPage('journal'));
  $('nav-devices').addEventListener('click', () => showPage('devices'));
  chart = new MoodChart(MOODS, formatTime, el);
  showLockedPage();
  showDevice();
  startDevices({ el, status, explain, formatTime, entriesChanged });
}

start();
