// Trusted devices: the list with each device's last sync, Sync now with its progress bar (fed by
// the node's sync events, also for a sync this page did not start), and Revoke, asked again in
// place and said to be local to this device.

import * as api from './api.js';
import { plain, plural, quoted, say, sentence } from './messages.js';

const $ = (id) => document.getElementById(id);

/** Sync phases in the order a session runs them (EventTopics.PHASE_*), for the progress bar. */
const PHASES = { manifest: 1, want: 2, entries: 3, commit: 4, done: 5 };

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

export class Trusted {
  /**
   * @param ui the journal page's helpers (el, formatTime, entriesChanged)
   * @param words the page's Words (device names, the node's problems)
   * @param peers the Peers list, where Sync now finds a device's address
   * @param refreshAll reloads the whole Devices page (after a revocation)
   */
  constructor(ui, words, peers, refreshAll) {
    this.ui = ui;
    this.words = words;
    this.peers = peers;
    this.refreshAll = refreshAll;
    /** The deviceId of the sync Sync now runs; null when none. */
    this.syncing = null;
  }

  /** Why a sync failed (SyncErrors codes), in words, naming the device. */
  syncError(deviceId, result) {
    const who = this.words.nameOf(deviceId);
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

  describeSync(deviceId, record) {
    if (!record) {
      return { kind: 'never', text: 'Not synced yet.' };
    }
    const result = record.result || {};
    const when = this.ui.formatTime(record.finishedAt);
    if (result.ok) {
      return { kind: 'ok', text: 'Last sync ' + when + ': ok, ' + plural(result.sent, 'entry', 'entries') + ' sent, '
        + result.received + ' received.' };
    }
    return { kind: 'failed', text: 'Last sync ' + when + ' failed. ' + this.syncError(deviceId, result) };
  }

  /** What was said here no longer holds (another tab); a sync still running keeps its progress. */
  clearMessages() {
    say('trusted-message', '');
    if (this.syncing === null) {
      hideProgress();
    }
  }

  async refresh() {
    const devices = await api.trusted();
    const histories = await Promise.all(devices.map((device) => api.syncHistory(device.deviceId, 1)
      .then((answer) => answer.syncs[0] || null, () => null)));
    const list = $('devices-trusted');
    const where = focusIn(list);
    list.replaceChildren(...devices.map((device, i) => this.render(device, histories[i])));
    restoreFocus(list, where);
    $('trusted-empty').hidden = devices.length > 0;
  }

  render(device, lastSync) {
    const ui = this.ui;
    this.words.remember(device.deviceId, device.deviceName);
    const sync = this.describeSync(device.deviceId, lastSync);
    const item = ui.el('li', { className: 'device trusted' });
    item.dataset.deviceId = device.deviceId;
    item.dataset.lastSync = sync.kind;
    const syncNow = ui.el('button', { className: 'sync-now', text: 'Sync now', attrs: { type: 'button' } });
    syncNow.disabled = this.syncing !== null;
    const revoke = ui.el('button', { className: 'revoke', text: 'Revoke', attrs: { type: 'button' } });
    const actions = ui.el('div', { className: 'row actions' }, [syncNow, revoke]);
    item.append(
      ui.el('div', { className: 'row' }, [
        ui.el('strong', { className: 'device-name', text: device.deviceName }),
        ui.el('span', { className: 'device-id mono', text: device.deviceId }),
      ]),
      ui.el('p', { className: 'last-sync', text: sync.text }),
      actions);
    syncNow.addEventListener('click', () => this.syncWith(device.deviceId));
    revoke.addEventListener('click', () => this.confirmRevoke(item, actions, device));
    return item;
  }

  /** The revocation is asked once more in place, saying that it is local to this device. */
  confirmRevoke(item, actions, device) {
    const ui = this.ui;
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
        // A revoked device's last sync is history: its progress line goes with it.
        if ($('sync-progress').dataset.deviceId === device.deviceId) {
          hideProgress();
        }
        await this.refreshAll();
        say('trusted-message', 'Revoked ' + quoted(device.deviceName) + ' on this device: it can no longer sync '
          + 'with this one. Revocation is local to this device: revoke it on your other devices too.', 'warning', true);
      } catch (error) {
        box.remove();
        actions.hidden = false;
        say('trusted-message', 'Not revoked: ' + this.words.explain(error), 'error', true);
      }
    });
  }

  async syncWith(deviceId) {
    if (this.syncing !== null) {
      return;
    }
    const who = () => this.words.nameOf(deviceId);
    this.syncing = deviceId;
    say('trusted-message', '');
    document.querySelectorAll('.sync-now').forEach((button) => { button.disabled = true; });
    showProgress(deviceId, 0, 'Syncing with ' + who() + '\u2026');
    const { host, port } = this.peers.addressOf(deviceId);
    try {
      const result = await api.syncNow(deviceId, host, port);
      if (result.ok) {
        showProgress(deviceId, PHASES.done, 'Synced with ' + who() + ': '
          + plural(result.sent, 'entry', 'entries') + ' sent, ' + result.received + ' received.', 'ok');
      } else {
        showProgress(deviceId, 0, this.syncError(deviceId, result), 'failed');
      }
      if (result.received > 0) {
        this.ui.entriesChanged();
      }
    } catch (error) {
      showProgress(deviceId, 0, 'The sync with ' + who() + ' did not start. ' + this.words.explain(error), 'failed');
    } finally {
      this.syncing = null;
      await this.refresh().catch((error) => say('trusted-message', this.words.explain(error), 'error'));
    }
  }

  // The node's sync events (moodhaven/sync/*): the progress of Sync now, or of a sync the node runs
  // by itself while none of this page's runs.

  syncStarted(d) {
    if (this.syncing === null || this.syncing === d.deviceId) {
      showProgress(d.deviceId, 0, 'Syncing with ' + this.words.nameOf(d.deviceId) + '\u2026');
    }
  }

  syncProgress(d) {
    if (this.syncing === null || this.syncing === d.deviceId) {
      showProgress(d.deviceId, PHASES[d.phase] || 0, 'Syncing with ' + this.words.nameOf(d.deviceId) + ': '
        + plural(d.sent || 0, 'entry', 'entries') + ' sent, ' + (d.received || 0) + ' received\u2026');
    }
  }

  syncCompleted(d) {
    if (this.syncing !== d.deviceId) {
      if (this.syncing === null) {
        showProgress(d.deviceId, PHASES.done, 'Synced with ' + this.words.nameOf(d.deviceId) + ': '
          + plural(d.sent || 0, 'entry', 'entries') + ' sent, ' + (d.received || 0) + ' received.', 'ok');
      }
      this.refresh().catch(() => {});
    }
    if (d.received === undefined || d.received > 0) {
      this.ui.entriesChanged();
    }
  }

  syncFailed(d) {
    if (this.syncing !== d.deviceId) {
      if (this.syncing === null) {
        showProgress(d.deviceId, 0, this.syncError(d.deviceId, { error: d.reason || d.error, message: d.message }),
          'failed');
      }
      this.refresh().catch(() => {});
    }
  }
}
