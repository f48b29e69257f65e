"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { load } = require("./load.js");
const { config } = require("./config.js");

const NS = load("bytes", "hpke", "payload", "form-state");
const P = /** @type {PayloadAPI} */ (NS.payload);
const F = /** @type {FormStateAPI} */ (NS.formState);

/** A config whose key is a real X25519 public key, made here. */
async function keyed() {
  const c = config();
  const pair = /** @type {CryptoKeyPair} */ (
    await crypto.subtle.generateKey({ name: "X25519" }, true, ["deriveBits"])
  );
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  const B = /** @type {BytesAPI} */ (NS.bytes);
  c.key = { key_id: await /** @type {HpkeAPI} */ (NS.hpke).keyId(raw), public_key: B.base64(raw) };
  return c;
}

test("build: unanswered questions have no key; wording travels for every question", () => {
  const c = config();
  let s = F.setAnswer(c, F.initial(c), "reason", "other");
  s = { ...F.setOther(c, s, "reason", "Flytter"), readers: "hr" };
  const p = P.build(c, s);
  assert.deepEqual(p.answers, { reason: "other" });
  assert.deepEqual(p.other, { reason: "Flytter" });
  assert.deepEqual(Object.keys(p.wording), c.questions.map((q) => q.id));
  assert.match(p.response_id, /^[0-9a-f]{32}$/);
  assert.equal(p.declined, false);
  assert.equal(p.decline_reason, null);
  assert.throws(() => P.build(c, { ...s, readers: null }), /readers must be one of/);
});

test("split: with a receiver, special answers go only to the receiver's part", () => {
  const c = config();
  c.whistleblowing_key = { key_id: "11".repeat(16), public_key: "" };
  let s = F.setAnswer(c, F.initial(c), "concern", true);
  s = { ...F.setAnswer(c, s, "reason", "pay"), readers: "hr" };
  const [hr, wb] = P.split(c, P.build(c, s), { phone: " 123 ", email: "" });
  assert.deepEqual(hr.payload.answers, { reason: "pay" });
  assert.equal("contact" in hr.payload, false);
  assert.deepEqual(wb.payload.answers, { concern: true });
  assert.deepEqual(Object.keys(wb.payload.wording), ["concern", "concern_text"]);
  assert.equal(wb.payload.scope, "whistleblowing");
  assert.deepEqual(wb.payload.contact, { phone: "123" });
  assert.equal(wb.key, c.whistleblowing_key);
  assert.deepEqual(wb.buckets, [32768]);
  assert.equal(P.split({ ...c, whistleblowing_key: null }, hr.payload).length, 1);
});

test("split: a receiver part in every file, with nothing in it when nothing was reported", () => {
  const c = config();
  c.whistleblowing_key = { key_id: "11".repeat(16), public_key: "" };
  /** @type {State} */
  const s = { ...F.setAnswer(c, F.initial(c), "reason", "pay"), readers: "hr" };
  const jobs = P.split(c, P.build(c, s), { name: "Kari" });
  assert.equal(jobs.length, 2);
  assert.deepEqual(jobs[1].payload.answers, {});
  // Contact details typed, but nothing reported: they are not sent to anyone.
  assert.equal(jobs[1].payload.contact, null);
  const declined = P.split(c, P.build(c, { ...s, declined: true }), { name: "Kari" });
  assert.equal(declined[1].payload.declined, false);
  assert.equal(declined[1].payload.contact, null); // nothing reported, nothing to reach
});

test("seal: the canonical envelope, its armor, receipt and file name", async () => {
  const c = await keyed();
  const sealed = await P.seal(P.build(c, { ...F.initial(c), readers: "hr" }), c.key);
  const file = JSON.parse(sealed.fileText);
  assert.deepEqual(Object.keys(file), ["format", "parts"]);
  assert.equal(file.format, "sluttsamtale-response/2");
  assert.equal(file.parts[0].key_id, c.key.key_id);
  assert.ok(sealed.fileText.startsWith('{"format": "sluttsamtale-response/2", "parts": [{"key_id": '));
  assert.ok(sealed.fileText.endsWith('"}]}\n'));
  const lines = sealed.armored.split("\n");
  assert.equal(lines[0], "-----BEGIN SLUTTSAMTALE RESPONSE-----");
  assert.deepEqual(lines.slice(-2), ["-----END SLUTTSAMTALE RESPONSE-----", ""]);
  assert.match(sealed.receipt, /^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/);
  assert.match(sealed.fileName, /^sluttsamtale-\d{4}-\d\d-\d\d-[0-9a-f]{6}\.json$/);
});

test("seal refuses a page whose key id does not match its key", async () => {
  const c = await keyed();
  const payload = P.build(c, { ...F.initial(c), readers: "hr" });
  await assert.rejects(P.seal(payload, { ...c.key, key_id: "ab".repeat(16) }), /altered/);
  await assert.rejects(P.seal(payload, { ...c.key, public_key: "not base64!" }), /not valid base64/);
});


test("padding: the plaintext is a bucket long, whatever the answers", async () => {
  const c = await keyed();
  const B = /** @type {BytesAPI} */ (NS.bytes);
  const short = await P.seal(P.build(c, { ...F.initial(c), readers: "hr" }), c.key);
  const state = F.setAnswer(c, F.initial(c), "name", "x".repeat(150));
  const longer = await P.seal(P.build(c, { ...state, readers: "hr" }), c.key);
  const size = (/** @type {Sealed} */ s) =>
    /** @type {Bytes} */ (B.fromBase64(JSON.parse(s.fileText).parts[0].sealed)).length;
  assert.equal(size(short), 32 + 4096 + 16);
  assert.equal(size(longer), size(short));
});

test("a link binds HR's part: its id in the file, its secret in the info", async () => {
  const c = await keyed();
  const secret = /** @type {Bytes} */ (P.readSecret("q3Xl9hV0bWkR2mPzT8sYcAq3Xl9hV0bWkR2mPzT8sYc"));
  const sealed = await P.seal(P.build(c, { ...F.initial(c), readers: "hr" }), c.key, secret);
  const [part] = JSON.parse(sealed.fileText).parts;
  assert.equal(part.link, await P.linkId(secret));
  assert.deepEqual(Object.keys(part), ["key_id", "link", "sealed"]);
  const digest = require("node:crypto")
    .createHash("sha256")
    .update(Buffer.concat([Buffer.from("sluttsamtale-link/1 "), Buffer.from(secret)]))
    .digest("hex");
  assert.equal(part.link, digest.slice(0, 32));
  assert.equal(P.readSecret("q3Xl9hV0bWkR2mPzT8sYcAq3Xl9hV0bWkR2mPzT8sYd"), null);
});
