// Nearby and added devices (GET /api/peers): the list, each marked trusted or not (and showing a
// PIN while it does), Forget for one added by address, and the form to add one by host and sync
// port. The list is also where Sync now finds a device's address and the pairing card its nearby
// devices showing a PIN.

import * as api from './api.js';
import { hostPort, plain, quoted, say, sentence } from './messages.js';

const $ = (id) => document.getElementById(id);

export class Peers {
  /**
   * @param ui the journal page's helpers (el)
   * @param words the page's Words (device names, the node's problems)
   * @param changed called after every reload of the list
   */
  constructor(ui, words, changed) {
    this.ui = ui;
    this.words = words;
    this.changed = changed;
    /** The devices as the node last listed them. */
    this.list = [];
    /** Whether the node looks for nearby devices (false with --no-mdns). */
    this.multicast = true;
  }

  /** The address to sync at: the device as found nearby or added by address, else the node's last one. */
  addressOf(deviceId) {
    const peer = this.list.find((p) => p.deviceId === deviceId && p.host && p.port);
    return peer ? { host: peer.host, port: peer.port } : { host: null, port: null };
  }

  /** Nearby devices showing a PIN, other than this one. */
  showingPin(thisDevice) {
    return this.list.filter((peer) => peer.pairingPort && (!thisDevice || peer.deviceId !== thisDevice.deviceId));
  }

  clearMessage() {
    say('peers-message', '');
  }

  async refresh() {
    let answer;
    try {
      answer = await api.peers();
    } catch (error) {
      this.list = [];
      $('devices-peers').replaceChildren();
      $('peers-note').textContent = this.words.explain(error);
      this.changed();
      return;
    }
    this.list = answer.peers;
    this.multicast = !!answer.multicast;
    $('peers-note').textContent = this.multicast
      ? (this.list.length ? '' : 'No device found nearby yet.')
      : 'Looking for nearby devices is off on this node: add devices by address below.';
    $('devices-peers').replaceChildren(...this.list.map((peer) => this.render(peer)));
    this.changed();
  }

  render(peer) {
    const ui = this.ui;
    if (peer.deviceId && peer.deviceName) {
      this.words.remember(peer.deviceId, peer.deviceName);
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
          say('peers-message', 'Not forgotten: ' + this.words.explain(error), 'error');
        }
        await this.refresh();
        $('peers-message').focus();
      });
      item.append(ui.el('div', { className: 'row' }, [forget]));
    }
    return item;
  }

  async add() {
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
      await this.refresh();
      say('peers-message', 'Added ' + (peer && peer.deviceName ? quoted(peer.deviceName) + ' at ' : '')
        + hostPort(host, port) + '.', 'info');
    } catch (error) {
      // The directory's reasons start "cannot add this peer:" and name fields as the API does.
      const reason = this.words.nodeProblem(error) || sentence(plain(error.message)
        .replace(/^cannot add this peer:\s*/i, '').replace(/\bdeviceId\b/g, 'device id'));
      say('peers-message', 'Not added: ' + reason, 'error', true);
    } finally {
      $('peer-add').disabled = false;
    }
  }

  /** Wires the add form. */
  start() {
    $('peer-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.add();
    });
  }
}
