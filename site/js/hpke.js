/**
 * HPKE sealing (RFC 9180) on WebCrypto alone: base mode, DHKEM(X25519, HKDF-SHA256),
 * HKDF-SHA256, AES-256-GCM. Only the sender's half: the page seals, the collector opens.
 * No DOM; bytes.js only. A classic script (module scripts are blocked on file://).
 *
 * Sluttsamtale.hpke = { supported, keyId, seal, setupBaseS }
 */
(function () {
  "use strict";

  const NS = (globalThis.Sluttsamtale = globalThis.Sluttsamtale || /** @type {SluttsamtaleNamespace} */ ({}));
  const { utf8, concat, hex, fromBase64Url } = /** @type {BytesAPI} */ (NS.bytes);
  const KEM_ID = 0x0020; // DHKEM(X25519, HKDF-SHA256)
  const KDF_ID = 0x0001; // HKDF-SHA256
  const AEAD_ID = 0x0002; // AES-256-GCM
  const MODE_BASE = 0x00;
  const N_SECRET = 32;
  const N_PK = 32;
  const N_SK = 32;
  const N_K = 32;
  const N_N = 12;
  const N_H = 32;

  const EMPTY = new Uint8Array(0);
  const HPKE_V1 = utf8("HPKE-v1");
  const KEM_SUITE_ID = concat(utf8("KEM"), i2osp(KEM_ID, 2));
  const HPKE_SUITE_ID = concat(
    utf8("HPKE"),
    i2osp(KEM_ID, 2),
    i2osp(KDF_ID, 2),
    i2osp(AEAD_ID, 2),
  );
  // WebCrypto imports no raw X25519 private key, so the vectors' skEm is wrapped as PKCS#8
  // (RFC 8410): SEQUENCE { version 0, AlgorithmIdentifier id-X25519, OCTET STRING { key } }.
  const PKCS8_X25519_PREFIX = Uint8Array.of(
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
  );

  /** I2OSP: a non-negative integer as `length` big-endian bytes. @returns {Bytes} */
  function i2osp(/** @type {number} */ value, /** @type {number} */ length) {
    const out = new Uint8Array(length);
    // Division, not bit shifts: the sequence number may exceed 32 bits.
    for (let i = length - 1; i >= 0 && value > 0; i--) {
      out[i] = value % 256;
      value = Math.floor(value / 256);
    }
    return out;
  }

  /** @param {unknown} value @param {number} length @param {string} what */
  function requireBytes(value, length, what) {
    if (!(value instanceof Uint8Array) || (length >= 0 && value.length !== length)) {
      const size = length >= 0 ? ` of ${length} bytes` : "";
      throw new Error(`${what} must be a Uint8Array${size}`);
    }
  }

  /** @returns {SubtleCrypto} */
  function subtle() {
    // crypto.subtle exists only in a secure context: https, http://127.0.0.1 or localhost, file.
    const c = globalThis.crypto;
    if (!c || !c.subtle) {
      throw new Error("this browser offers no WebCrypto here; open the page over https or as a file");
    }
    return c.subtle;
  }

  // ------------------------------------------------------------------ HKDF (RFC 5869)

  /** @param {Bytes} key @param {Bytes} data @returns {Promise<Bytes>} */
  async function hmac(key, data) {
    const k = await subtle().importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]);
    return new Uint8Array(await subtle().sign("HMAC", k, data));
  }

  /** HKDF-Extract. @param {Bytes} salt @param {Bytes} ikm */
  function extract(salt, ikm) {
    // Empty salt = HashLen zero bytes (RFC 5869 2.2), the same HMAC key; WebCrypto refuses empty keys.
    return hmac(salt.length > 0 ? salt : new Uint8Array(N_H), ikm);
  }

  /** HKDF-Expand. @param {Bytes} prk @param {Bytes} info @param {number} length */
  async function expand(prk, info, length) {
    if (length > 255 * N_H) throw new Error("HKDF-Expand cannot give that many bytes");
    const out = new Uint8Array(length);
    let block = EMPTY;
    for (let i = 1, filled = 0; filled < length; i++) {
      block = await hmac(prk, concat(block, info, Uint8Array.of(i)));
      out.set(block.subarray(0, Math.min(N_H, length - filled)), filled);
      filled += N_H;
    }
    return out;
  }

  /** RFC 9180 4. @param {Bytes} suiteId @param {Bytes} salt @param {string} label @param {Bytes} ikm */
  function labeledExtract(suiteId, salt, label, ikm) {
    return extract(salt, concat(HPKE_V1, suiteId, utf8(label), ikm));
  }

  /** RFC 9180 4. @param {Bytes} suiteId @param {Bytes} prk @param {string} label @param {Bytes} info @param {number} length */
  function labeledExpand(suiteId, prk, label, info, length) {
    return expand(prk, concat(i2osp(length, 2), HPKE_V1, suiteId, utf8(label), info), length);
  }

  // ------------------------------------------------------------------ DHKEM(X25519)

  /** @param {Bytes} publicRaw @returns {Promise<CryptoKey>} */
  async function importRecipient(publicRaw) {
    try {
      return await subtle().importKey("raw", publicRaw, { name: "X25519" }, true, []);
    } catch (cause) {
      throw new Error("the recipient's public key is not a usable X25519 key", { cause });
    }
  }

  /**
   * The ephemeral key pair: fresh and non-extractable, or (test vectors only) a given one.
   * @param {Bytes | undefined} privateRaw
   * @returns {Promise<{privateKey: CryptoKey, publicRaw: Bytes}>}
   */
  async function ephemeral(privateRaw) {
    if (privateRaw === undefined) {
      // Non-extractable: the private half never leaves WebCrypto; the public half always may.
      const pair = /** @type {CryptoKeyPair} */ (
        await subtle().generateKey({ name: "X25519" }, false, ["deriveBits"])
      );
      const publicRaw = new Uint8Array(await subtle().exportKey("raw", pair.publicKey));
      return { privateKey: pair.privateKey, publicRaw };
    }
    requireBytes(privateRaw, N_SK, "the ephemeral private key");
    const privateKey = await subtle().importKey(
      "pkcs8",
      concat(PKCS8_X25519_PREFIX, privateRaw),
      { name: "X25519" },
      // Extractable only here: an imported private key's public half is reachable only as JWK "x".
      true,
      ["deriveBits"],
    );
    const jwk = await subtle().exportKey("jwk", privateKey);
    return { privateKey, publicRaw: fromBase64Url(/** @type {string} */ (jwk.x)) };
  }

  /** DH(skE, pkR), refusing an all-zero result (RFC 9180 7.1.4, RFC 7748 6.1). */
  async function dh(/** @type {CryptoKey} */ privateKey, /** @type {CryptoKey} */ publicKey) {
    const refusal = "cannot seal to this public key: it is a low-order point, so the shared secret would be all zero";
    let bits;
    try {
      bits = new Uint8Array(
        await subtle().deriveBits({ name: "X25519", public: publicKey }, privateKey, 256),
      );
    } catch (cause) {
      // The WebCrypto spec has deriveBits throw OperationError itself on an all-zero secret.
      throw new Error(refusal, { cause });
    }
    // Checked again here so no browser that skips that step can hand back a zero secret.
    if (bits.every((b) => b === 0)) throw new Error(refusal);
    return bits;
  }

  /** Encap(pkR). @param {Bytes} publicRaw @param {Bytes | undefined} ephemeralPrivateRaw */
  async function encap(publicRaw, ephemeralPrivateRaw) {
    const recipient = await importRecipient(publicRaw);
    const eph = await ephemeral(ephemeralPrivateRaw);
    const dhBytes = await dh(eph.privateKey, recipient);
    const enc = eph.publicRaw;
    const kemContext = concat(enc, publicRaw);
    const eaePrk = await labeledExtract(KEM_SUITE_ID, EMPTY, "eae_prk", dhBytes);
    const sharedSecret = await labeledExpand(
      KEM_SUITE_ID,
      eaePrk,
      "shared_secret",
      kemContext,
      N_SECRET,
    );
    return { enc, sharedSecret };
  }

  // ------------------------------------------------------------------ key schedule, AEAD

  /** KeySchedule for mode_base (empty psk and psk_id). @param {Bytes} sharedSecret @param {Bytes} info */
  async function keySchedule(sharedSecret, info) {
    const pskIdHash = await labeledExtract(HPKE_SUITE_ID, EMPTY, "psk_id_hash", EMPTY);
    const infoHash = await labeledExtract(HPKE_SUITE_ID, EMPTY, "info_hash", info);
    const context = concat(Uint8Array.of(MODE_BASE), pskIdHash, infoHash);
    const secret = await labeledExtract(HPKE_SUITE_ID, sharedSecret, "secret", EMPTY);
    const key = await labeledExpand(HPKE_SUITE_ID, secret, "key", context, N_K);
    const baseNonce = await labeledExpand(HPKE_SUITE_ID, secret, "base_nonce", context, N_N);
    return { key, baseNonce };
  }


  /**
   * SetupBaseS(pkR, info). The ephemeral private key is for the RFC test vectors only.
   * @param {Bytes} publicRaw the recipient's raw 32-byte X25519 public key
   * @param {Bytes} info
   * @param {Bytes} [ephemeralPrivateRaw]
   * @returns {Promise<SenderContext>}
   */
  async function setupBaseS(publicRaw, info, ephemeralPrivateRaw) {
    requireBytes(publicRaw, N_PK, "the public key");
    requireBytes(info, -1, "info");
    const { enc, sharedSecret } = await encap(publicRaw, ephemeralPrivateRaw);
    const { key, baseNonce } = await keySchedule(sharedSecret, info);
    const aesKey = await subtle().importKey("raw", key, { name: "AES-GCM" }, false, ["encrypt"]);
    let seq = 0;

    /** ContextS.Seal(aad, pt) @param {Bytes} aad @param {Bytes} plaintext */
    async function seal(aad, plaintext) {
      requireBytes(aad, -1, "aad");
      requireBytes(plaintext, -1, "the plaintext");
      if (seq >= Number.MAX_SAFE_INTEGER) throw new Error("HPKE message limit reached");
      const nonce = i2osp(seq, N_N).map((b, i) => b ^ baseNonce[i]);
      // Counted before the await, so two overlapping calls never share a nonce.
      seq += 1;
      const ct = await subtle().encrypt(
        { name: "AES-GCM", iv: nonce, additionalData: aad, tagLength: 128 },
        aesKey,
        plaintext,
      );
      return new Uint8Array(ct);
    }

    return { enc, sharedSecret, key, baseNonce, seal };
  }

  /**
   * Single-shot base-mode seal: enc || ct.
   * @param {Bytes} publicRaw @param {Bytes} info @param {Bytes} aad @param {Bytes} plaintext
   * @returns {Promise<Bytes>}
   */
  async function seal(publicRaw, info, aad, plaintext) {
    const context = await setupBaseS(publicRaw, info);
    return concat(context.enc, await context.seal(aad, plaintext));
  }

  /**
   * The key id: lowercase hex of the first 16 bytes of SHA-256 of the raw public key.
   * @param {Bytes} publicRaw @returns {Promise<string>}
   */
  async function keyId(publicRaw) {
    requireBytes(publicRaw, N_PK, "the public key");
    const digest = new Uint8Array(await subtle().digest("SHA-256", publicRaw));
    return hex(digest.subarray(0, 16));
  }

  /** Whether this browser can seal: WebCrypto (a secure context) with X25519. @returns {Promise<boolean>} */
  async function supported() {
    try {
      await subtle().generateKey({ name: "X25519" }, false, ["deriveBits"]);
      return true;
    } catch {
      return false;
    }
  }

  NS.hpke = Object.freeze({ supported, keyId, seal, setupBaseS });
})();
