// Which password the journal takes, the same rule as the node's journal (docs/security.md, "The password"):
// the password is tried on the newest entry of each salt (one salt per device that wrote entries) among the
// newest entries, this journal's own salt first, and taken only when it opens one of them. Only a journal
// with no entries takes a new password (typed twice). A new password chosen before another device's entries
// arrived must open them before anything more is written with it.

import * as api from './api.js';

/** How many of the newest entries are looked at. */
const CHECK_ENTRIES = 500;
/** At most this many salts are tried: a wrong password costs this many key derivations at most. */
export const MOST_SALTS = 4;

/** @returns {boolean} whether an entry carries a salt a key can be derived for */
function hasSalt(entry) {
  return Boolean(entry && entry.content && typeof entry.content.salt === 'string' && entry.content.salt !== '');
}

/**
 * @param {string} ownSalt the salt this journal writes with
 * @returns {Promise<object[]>} the newest entry of each salt, the own salt's first, at most MOST_SALTS
 */
export async function newestPerSalt(ownSalt) {
  let own = null;
  const others = new Map();
  let cursor = null;
  let seen = 0;
  do {
    const page = await api.entries(Math.min(100, CHECK_ENTRIES - seen), cursor);
    for (const entry of page.entries) {
      if (!hasSalt(entry)) {
        continue;
      }
      if (entry.content.salt === ownSalt) {
        own = own || entry;
      } else if (others.size < MOST_SALTS && !others.has(entry.content.salt)) {
        others.set(entry.content.salt, entry);
      }
    }
    seen += page.entries.length;
    cursor = page.next;
  } while (cursor && seen < CHECK_ENTRIES && (own === null || others.size < MOST_SALTS));
  return [...(own ? [own] : []), ...others.values()].slice(0, MOST_SALTS);
}

/**
 * @param {KeyRing} ring the password's key ring
 * @param {object[]} samples from newestPerSalt
 * @returns {Promise<Set<string>>} the salts whose sample the password opens
 */
export async function opened(ring, samples) {
  const salts = new Set();
  for (const sample of samples) {
    if ((await ring.open(sample)) !== null) {
      salts.add(sample.content.salt);
    }
  }
  return salts;
}
