"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { load } = require("./load.js");

const NS = load("bytes", "hpke");
const B = /** @type {BytesAPI} */ (NS.bytes);
const H = /** @type {HpkeAPI} */ (NS.hpke);
const FIXTURE = path.join(__dirname, "rfc9180-x25519-sha256-aes256gcm.json");
const VECTORS = JSON.parse(fs.readFileSync(FIXTURE, "utf8")).vectors;

/** @param {string} text @returns {Bytes} */
const fromHex = (text) => Uint8Array.from(text.match(/../g) || [], (b) => parseInt(b, 16));

test("this Node can seal: WebCrypto with X25519", async () => {
  assert.equal(await H.supported(), true);
});

test("SetupBaseS reproduces RFC 9180's base-mode vector, key schedule and encryptions", async () => {
  const v = VECTORS.find((/** @type {{mode: number}} */ x) => x.mode === 0);
  const ctx = await H.setupBaseS(fromHex(v.pkRm), fromHex(v.info), fromHex(v.skEm));
  assert.equal(B.hex(ctx.enc), v.enc);
  assert.equal(B.hex(ctx.sharedSecret), v.shared_secret);
  assert.equal(B.hex(ctx.key), v.key);
  assert.equal(B.hex(ctx.baseNonce), v.base_nonce);
  for (const e of v.encryptions) {
    const ct = await ctx.seal(fromHex(e.aad), fromHex(e.pt));
    assert.equal(B.hex(ct), e.ct);
  }
});

test("a fresh seal is enc || ct, longer by 32 + 16 bytes, never the same twice", async () => {
  const v = VECTORS[0];
  const pt = B.utf8("hei");
  const a = await H.seal(fromHex(v.pkRm), B.utf8("info"), new Uint8Array(0), pt);
  const b = await H.seal(fromHex(v.pkRm), B.utf8("info"), new Uint8Array(0), pt);
  assert.equal(a.length, 32 + pt.length + 16);
  assert.notEqual(B.hex(a), B.hex(b));
});

test("a low-order public key is refused, not sealed to", async () => {
  await assert.rejects(
    H.seal(new Uint8Array(32), B.utf8("info"), new Uint8Array(0), B.utf8("x")),
    /low-order|not a usable X25519 key/,
  );
});

test("keyId is the first 16 bytes of SHA-256 of the raw key, in hex", async () => {
  const raw = fromHex(VECTORS[0].pkRm);
  const digest = require("node:crypto").createHash("sha256").update(raw).digest("hex");
  assert.equal(await H.keyId(raw), digest.slice(0, 32));
});
