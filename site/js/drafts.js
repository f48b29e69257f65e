/**
 * Drafts: the ONLY code in the page that touches storage (localStorage, sessionStorage).
 *
 * A draft is written only when the employee chooses to save one, and only as ciphertext:
 * PBKDF2-HMAC-SHA-256 (random 16-byte salt, 600,000 iterations, OWASP 2023) turns the
 * passphrase they pick into a non-extractable AES-256-GCM key; each save draws a fresh salt
 * and a fresh 12-byte IV, and the additional data "sluttsamtale-draft/1 " + setId binds the
 * record to its set. The stored record (JSON, in localStorage):
 *
 *   {"format": "sluttsamtale-draft/1", "set": setId, "saved_at": ISO,
 *    "kdf": {"name": "PBKDF2-SHA-256", "iterations": 600000, "salt": b64},
 *    "iv": b64, "ct": b64}
 *
 * b64 is standard base64 with padding; ct is the AES-GCM output (ciphertext || 16-byte tag)
 * of the UTF-8 JSON of the form state. The passphrase is NFC-normalised before PBKDF2, so the
 * same word typed with composed or decomposed letters (æ, å, é) opens the same draft.
 *
 * After a save or an unlock, the page keeps the derived key (non-extractable) in memory, and
 * `update` writes each change again with it under a fresh IV; the passphrase is never kept.
 *
 * Errors (messages are exact; form.js matches on them):
 *   "passphrase too short"  save or restore with fewer than 8 characters (code points)
 *   "storage unavailable"   localStorage is missing, throws on access, or refuses the write
 *   "no draft"              restore with nothing stored for the set
 *   "damaged draft"         the stored record is not a well-formed record for THIS set
 *   "wrong passphrase"      AES-GCM refused: wrong passphrase, or a ciphertext altered or
 *                           moved from another set with its "set" field rewritten
 *   "changed elsewhere"     update, when the stored draft is not the one the session wrote or
 *                           opened: another tab saved or erased it
 *   "invalid set id"        a programming error: setId must be 1-200 chars without ":"
 *
 * Sluttsamtale.drafts = { has, savedAt, stamp, save, update, unlock, restore, erase }
 * No DOM. A classic script (module scripts are blocked on file://).
 */
(function () {
  "use strict";

  const NS = (globalThis.Sluttsamtale = globalThis.Sluttsamtale || /** @type {SluttsamtaleNamespace} */ ({}));
  const { utf8, base64, fromBase64 } = /** @type {BytesAPI} */ (NS.bytes);
  const FORMAT = "sluttsamtale-draft/1";
  const KDF_NAME = "PBKDF2-SHA-256";
  const ITERATIONS = 600000;
  const SALT_BYTES = 16;
  const IV_BYTES = 12;
  const TAG_BYTES = 16;
  const MIN_PASSPHRASE = 8;
  // Every file:// page shares ONE storage in Chromium, so every key carries the set id.
  const PREFIX = "sluttsamtale:";
  const RECORD_FIELDS = ["format", "set", "saved_at", "kdf", "iv", "ct"];
  const KDF_FIELDS = ["name", "iterations", "salt"];
  const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

  /**
   * @typedef {object} DraftRecord
   * @property {string} format
   * @property {string} set
   * @property {string} saved_at
   * @property {{name: string, iterations: number, salt: string}} kdf
   * @property {string} iv
   * @property {string} ct
   */

  // ------------------------------------------------------------------ names and bytes

  /** @param {unknown} setId @returns {string} */
  function checkSetId(setId) {
    // A ":" would let erase("a") reach set "a:b"'s keys through the shared prefix.
    const ok = typeof setId === "string" && setId.length >= 1 && setId.length <= 200;
    if (!ok || setId.includes(":")) throw new Error("invalid set id");
    return setId;
  }

  /** @param {string} setId */
  function setPrefix(setId) {
    return PREFIX + setId + ":";
  }

  /** @param {string} setId */
  function draftKey(setId) {
    return setPrefix(setId) + "draft";
  }

  /** @param {string} setId @returns {Bytes} */
  function additionalData(setId) {
    return utf8(FORMAT + " " + setId);
  }

  /** @param {number} length @returns {Bytes} */
  function randomBytes(length) {
    subtle(); // the same secure-context check: no WebCrypto, no random numbers worth having
    return globalThis.crypto.getRandomValues(new Uint8Array(length));
  }

  /** @returns {SubtleCrypto} */
  function subtle() {
    // crypto.subtle exists only in a secure context: https, http://127.0.0.1 or localhost, file.
    const c = globalThis.crypto;
    if (!c || !c.subtle) {
      throw new Error("no WebCrypto here; open the page as a file or over https");
    }
    return c.subtle;
  }

  // ------------------------------------------------------------------ storage, always wrapped

  /**
   * The storage area, or null where the browser refuses it: some file:// settings and
   * private modes throw on the mere property access, others hand out null.
   * @param {"localStorage" | "sessionStorage"} name @returns {Storage | null}
   */
  function area(name) {
    try {
      const store = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (globalThis))[name];
      const storage = /** @type {Storage | null | undefined} */ (store);
      return storage && typeof storage.getItem === "function" ? storage : null;
    } catch {
      return null;
    }
  }

  /** @param {string} setId @returns {string | null} the stored text, null if none or unreadable */
  function readRaw(setId) {
    const store = area("localStorage");
    if (!store) return null;
    try {
      return store.getItem(draftKey(setId));
    } catch {
      return null;
    }
  }

  /** @param {Storage} store @param {string} prefix */
  function removePrefixed(store, prefix) {
    try {
      /** @type {string[]} */
      const doomed = [];
      // Collect first: removing while indexing by position would skip keys.
      for (let i = 0; i < store.length; i++) {
        const key = store.key(i);
        if (key !== null && key.startsWith(prefix)) doomed.push(key);
      }
      for (const key of doomed) store.removeItem(key);
    } catch {
      // Storage that cannot be read holds nothing this page can reach.
    }
  }

  // ------------------------------------------------------------------ the record

  /** @param {unknown} value @param {string[]} fields */
  function hasExactly(value, fields) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
    const keys = Object.keys(value);
    return keys.length === fields.length && fields.every((f) => keys.includes(f));
  }

  /**
   * The parsed record if it is a well-formed record for `setId`, else null.
   * @param {string | null} text @param {string} setId
   * @returns {{record: DraftRecord, salt: Bytes, iv: Bytes, ct: Bytes} | null}
   */
  function parseRecord(text, setId) {
    if (text === null) return null;
    /** @type {any} */
    let record;
    try {
      record = JSON.parse(text);
    } catch {
      return null;
    }
    if (!hasExactly(record, RECORD_FIELDS) || !hasExactly(record.kdf, KDF_FIELDS)) return null;
    if (record.format !== FORMAT || record.set !== setId) return null;
    if (!isIsoTime(record.saved_at)) return null;
    if (record.kdf.name !== KDF_NAME || record.kdf.iterations !== ITERATIONS) return null;
    const salt = fromBase64(record.kdf.salt);
    const iv = fromBase64(record.iv);
    const ct = fromBase64(record.ct);
    if (!salt || salt.length !== SALT_BYTES || !iv || iv.length !== IV_BYTES) return null;
    if (!ct || ct.length < TAG_BYTES) return null;
    return { record, salt, iv, ct };
  }

  /** @param {unknown} value */
  function isIsoTime(value) {
    return typeof value === "string" && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value));
  }

  // ------------------------------------------------------------------ the key

  /** @param {unknown} passphrase @returns {string} the NFC form, if long enough */
  function checkPassphrase(passphrase) {
    if (typeof passphrase !== "string") throw new Error("passphrase too short");
    // Code points as typed, not UTF-16 units (an emoji is one character to the person typing
    // it), counted before NFC: the same count as form-state.js's textLength, so the form's
    // own check and this one never disagree.
    if (Array.from(passphrase).length < MIN_PASSPHRASE) throw new Error("passphrase too short");
    return passphrase.normalize("NFC");
  }

  /** @param {string} passphrase NFC @param {Bytes} salt @returns {Promise<CryptoKey>} */
  async function deriveKey(passphrase, salt) {
    const base = await subtle().importKey("raw", utf8(passphrase), "PBKDF2", false, ["deriveKey"]);
    return subtle().deriveKey(
      { name: "PBKDF2", hash: "SHA-256", salt, iterations: ITERATIONS },
      base,
      { name: "AES-GCM", length: 256 },
      false, // non-extractable: the key never leaves WebCrypto, not even to this script
      ["encrypt", "decrypt"],
    );
  }

  // ------------------------------------------------------------------ the API

  /** @param {string} setId @returns {boolean} something is stored for the set (even if damaged) */
  function has(setId) {
    return readRaw(checkSetId(setId)) !== null;
  }

  /** @param {string} setId @returns {string | null} ISO time of the stored draft, if well-formed */
  function savedAt(setId) {
    checkSetId(setId);
    const parsed = parseRecord(readRaw(setId), setId);
    return parsed ? parsed.record.saved_at : null;
  }

  /**
   * The stored record's identity (its IV, fresh on every write), or null when nothing
   * well-formed is stored: a tab compares it with the one it last wrote, so a draft that
   * another tab saved or erased is never overwritten without the employee being told.
   * @param {string} setId @returns {string | null}
   */
  function stamp(setId) {
    checkSetId(setId);
    const parsed = parseRecord(readRaw(setId), setId);
    return parsed ? parsed.record.iv : null;
  }

  /**
   * Encrypt the state under `key` and store it; the session that wrote it comes back.
   * @param {string} setId @param {object} state @param {CryptoKey} key @param {Bytes} salt
   * @returns {Promise<DraftSession>}
   */
  async function write(setId, state, key, salt) {
    if (state === null || typeof state !== "object" || Array.isArray(state)) {
      throw new Error("the state must be an object");
    }
    const store = area("localStorage");
    if (!store) throw new Error("storage unavailable");
    // A fresh IV on every write: the key stays while the page is open, the IV never repeats
    // (random 96-bit IVs, far below the 2^32 writes GCM allows under one key).
    const iv = randomBytes(IV_BYTES);
    const plaintext = utf8(JSON.stringify(state));
    const ct = new Uint8Array(
      await subtle().encrypt(
        { name: "AES-GCM", iv, additionalData: additionalData(setId), tagLength: 128 },
        key,
        plaintext,
      ),
    );
    /** @type {DraftRecord} */
    const record = {
      format: FORMAT,
      set: setId,
      // saved_at is the only readable thing stored about the employee (the rest in clear is
      // the format, the set id and the KDF parameters): the page needs it to show "draft
      // from <date>" before the passphrase is typed. Everything they wrote is inside ct.
      saved_at: new Date().toISOString(),
      kdf: { name: KDF_NAME, iterations: ITERATIONS, salt: base64(salt) },
      iv: base64(iv),
      ct: base64(ct),
    };
    try {
      store.setItem(draftKey(setId), JSON.stringify(record));
    } catch {
      // Quota full, or storage switched off after the page loaded.
      throw new Error("storage unavailable");
    }
    return session(setId, key, salt, record);
  }

  /**
   * What a tab keeps after writing or opening a draft: the key (never the passphrase) and
   * which record it last saw.
   * @param {string} setId @param {CryptoKey} key @param {Bytes} salt @param {DraftRecord} record
   * @returns {DraftSession}
   */
  function session(setId, key, salt, record) {
    return Object.freeze({ setId, key, salt, stamp: record.iv, savedAt: record.saved_at });
  }

  /**
   * Encrypt the state and store it, replacing this set's earlier draft. The session that
   * comes back holds the derived key (non-extractable, in memory only; never the
   * passphrase), so `update` can save again without asking.
   * @param {string} setId @param {object} state JSON-serialisable @param {string} passphrase
   * @returns {Promise<DraftSession>}
   */
  async function save(setId, state, passphrase) {
    checkSetId(setId);
    if (state === null || typeof state !== "object" || Array.isArray(state)) {
      throw new Error("the state must be an object");
    }
    const phrase = checkPassphrase(passphrase);
    // Checked before the slow key derivation, so a refusal comes at once.
    if (!area("localStorage")) throw new Error("storage unavailable");
    const salt = randomBytes(SALT_BYTES);
    return write(setId, state, await deriveKey(phrase, salt), salt);
  }

  /**
   * Save again with the session's key. Refused with "changed elsewhere" when the stored
   * draft is no longer the one this session last wrote or opened (another tab saved or
   * erased it); `takeOver` then writes anyway, once the employee has chosen to.
   * @param {DraftSession} session @param {object} state @param {boolean} [takeOver]
   * @returns {Promise<DraftSession>}
   */
  async function update(session, state, takeOver) {
    const setId = checkSetId(session.setId);
    if (!takeOver && stamp(setId) !== session.stamp) throw new Error("changed elsewhere");
    return write(setId, state, session.key, session.salt);
  }

  /**
   * Decrypt this set's stored draft; the session can then save it again (`update`).
   * @param {string} setId @param {string} passphrase
   * @returns {Promise<{state: object, session: DraftSession}>}
   */
  async function unlock(setId, passphrase) {
    checkSetId(setId);
    if (!area("localStorage")) throw new Error("storage unavailable");
    const text = readRaw(setId);
    if (text === null) throw new Error("no draft");
    const parsed = parseRecord(text, setId);
    if (!parsed) throw new Error("damaged draft");
    const aesKey = await deriveKey(checkPassphrase(passphrase), parsed.salt);
    let plaintext;
    try {
      plaintext = await subtle().decrypt(
        { name: "AES-GCM", iv: parsed.iv, additionalData: additionalData(setId), tagLength: 128 },
        aesKey,
        parsed.ct,
      );
    } catch {
      // GCM cannot tell a wrong key from altered bytes; the wrong key is by far the likelier.
      throw new Error("wrong passphrase");
    }
    let state;
    try {
      state = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plaintext));
    } catch {
      state = null;
    }
    if (state === null || typeof state !== "object" || Array.isArray(state)) {
      throw new Error("damaged draft");
    }
    return { state, session: session(setId, aesKey, parsed.salt, parsed.record) };
  }

  /**
   * Decrypt this set's stored draft.
   * @param {string} setId @param {string} passphrase @returns {Promise<object>}
   */
  async function restore(setId, passphrase) {
    return (await unlock(setId, passphrase)).state;
  }

  /** Remove every local- and sessionStorage key this set's page stored. @param {string} setId */
  function erase(setId) {
    const prefix = setPrefix(checkSetId(setId));
    for (const name of /** @type {const} */ (["localStorage", "sessionStorage"])) {
      const store = area(name);
      if (store) removePrefixed(store, prefix);
    }
  }

  NS.drafts = Object.freeze({ has, savedAt, stamp, save, update, unlock, restore, erase });
})();
