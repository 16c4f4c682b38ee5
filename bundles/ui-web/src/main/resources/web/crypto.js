// Journal content encryption of PROTOCOL.md section 7, with WebCrypto, in the browser:
//   content = {"iv": b64(12 bytes), "data": b64(AES-256-GCM ciphertext || tag), "salt": b64(16 bytes)}
//   key = PBKDF2-HMAC-SHA256(password as UTF-8, salt, 600,000 iterations, 256 bits)
//   associated data = UTF-8 of "moodhaven-entry\n" + entry id (a ciphertext cannot be moved to another entry)
// The JVM journal (bundles/journal, ContentCipher) writes and reads the same format: standard
// base64 with padding, entry ids of 16 random bytes as b64url without padding.
// No DOM here, so a test can import this module on its own.

/** Fixed by the protocol: every device must derive the same key from the same password and salt. */
export const ITERATIONS = 600000;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
export const SALT_BYTES = 16;
export const ID_BYTES = 16;
/** How many distinct salts get a key per unlock (as the JVM journal's maxKeys): each costs a slow derivation. */
export const MAX_KEYS = 32;

const AAD_PREFIX = 'moodhaven-entry\n';
const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Standard base64 with padding, as java.util.Base64.getEncoder() writes it. */
export function bytesToBase64(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Strict standard base64 (padding required); throws on anything else. */
export function base64ToBytes(text) {
  if (typeof text !== 'string' || !BASE64.test(text)) {
    throw new TypeError('not base64');
  }
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    bytes[i] = binary.charCodeAt(i);
  }
  return bytes;
}

/** b64url without padding, as the JVM's DeviceIds.base64Url writes it. */
export function bytesToBase64Url(bytes) {
  return bytesToBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A new entry id: 16 random bytes as 22 characters of b64url, like the JVM journal's. */
export function newEntryId() {
  return bytesToBase64Url(crypto.getRandomValues(new Uint8Array(ID_BYTES)));
}

/** The associated data that binds a ciphertext to its entry. */
export function associatedData(entryId) {
  return encoder.encode(AAD_PREFIX + entryId);
}

/** Whether a string can be carried as UTF-8 (no lone surrogate), as the JVM requires. */
export function isWellFormed(text) {
  return typeof text === 'string' && !LONE_SURROGATE.test(text);
}

async function passwordKey(password) {
  if (typeof password !== 'string' || password.length === 0) {
    throw new TypeError('the password must not be empty');
  }
  return crypto.subtle.importKey('raw', encoder.encode(password), 'PBKDF2', false, ['deriveBits', 'deriveKey']);
}

/** The raw 32-byte content key, for tests against the protocol's vectors; the page uses deriveKey. */
export async function deriveKeyBytes(password, saltBytes, iterations = ITERATIONS) {
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: saltBytes, iterations },
    await passwordKey(password), 256);
  return new Uint8Array(bits);
}

/** The content key for one salt, as a non-extractable AES-GCM key. */
export async function deriveKey(password, saltBytes, iterations = ITERATIONS) {
  return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: saltBytes, iterations },
    await passwordKey(password), { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** An AES-GCM key from 32 raw bytes (tests). */
export async function importKey(keyBytes) {
  return crypto.subtle.importKey('raw', keyBytes, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

/**
 * Encrypts an entry's text.
 * @param {CryptoKey} key the key derived for saltBase64
 * @param {string} saltBase64 the salt the key was derived with (standard base64), stored with the content
 * @param {string} entryId the entry the content belongs to
 * @param {string} text the plaintext
 * @returns {Promise<{iv: string, data: string, salt: string}>}
 */
export async function encryptText(key, saltBase64, entryId, text) {
  if (!isWellFormed(text)) {
    throw new TypeError('the text is not valid Unicode');
  }
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: associatedData(entryId),
    tagLength: TAG_BYTES * 8 }, key, encoder.encode(text));
  return { iv: bytesToBase64(iv), data: bytesToBase64(new Uint8Array(sealed)), salt: saltBase64 };
}

/**
 * Decrypts an entry's content.
 * @returns {Promise<string|null>} the text, or null when the key is wrong, the content was moved
 *          from another entry, or anything is malformed (never throws for bad content)
 */
export async function decryptText(key, entryId, content) {
  try {
    if (!content || typeof content !== 'object') {
      return null;
    }
    const iv = base64ToBytes(content.iv);
    const data = base64ToBytes(content.data);
    if (iv.length !== IV_BYTES || data.length < TAG_BYTES) {
      return null;
    }
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: associatedData(entryId),
      tagLength: TAG_BYTES * 8 }, key, data);
    return strictDecoder.decode(plain);
  } catch (e) {
    return null;
  }
}

/** The salt bytes of a content object, or null when absent or not base64 of a sensible length (8 to 64 bytes). */
export function saltOf(content) {
  try {
    const bytes = base64ToBytes(content.salt);
    return bytes.length >= 8 && bytes.length <= 64 ? bytes : null;
  } catch (e) {
    return null;
  }
}

/**
 * The keys of one unlock: one per distinct salt met (one per device that wrote entries), derived
 * once and shared by every entry with that salt, at most maxKeys of them. forget() drops them all.
 */
export class KeyRing {
  #password;
  #keys = new Map();
  #maxKeys;
  #iterations;

  constructor(password, { maxKeys = MAX_KEYS, iterations = ITERATIONS } = {}) {
    if (typeof password !== 'string' || password.length === 0) {
      throw new TypeError('the password must not be empty');
    }
    this.#password = password;
    this.#maxKeys = maxKeys;
    this.#iterations = iterations;
  }

  /** @returns {Promise<CryptoKey|null>} the key for a salt (standard base64), or null when it cannot have one */
  keyFor(saltBase64) {
    const known = this.#keys.get(saltBase64);
    if (known) {
      return known;
    }
    const saltBytes = saltOf({ salt: saltBase64 });
    if (this.#password === null || saltBytes === null || this.#keys.size >= this.#maxKeys) {
      return Promise.resolve(null);
    }
    const pending = deriveKey(this.#password, saltBytes, this.#iterations);
    this.#keys.set(saltBase64, pending);
    return pending;
  }

  /** @returns {Promise<string|null>} an entry's text, or null when it does not open with this password */
  async open(entry) {
    if (!entry || !entry.content || typeof entry.id !== 'string') {
      return null;
    }
    const key = await this.keyFor(entry.content.salt);
    return key === null ? null : decryptText(key, entry.id, entry.content);
  }

  /** Drops the password and every key. */
  forget() {
    this.#password = null;
    this.#keys.clear();
  }
}
