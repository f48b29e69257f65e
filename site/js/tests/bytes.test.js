"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { load } = require("./load.js");

const B = /** @type {BytesAPI} */ (load("bytes").bytes);

test("base64 round-trips every byte value, across fromCharCode slices", () => {
  const data = new Uint8Array(256 * 300).map((_, i) => i % 256);
  const text = B.base64(data);
  assert.equal(text, Buffer.from(data).toString("base64"));
  assert.deepEqual(B.fromBase64(text), data);
});

test("fromBase64 takes only the canonical spelling", () => {
  assert.deepEqual(B.fromBase64("AQID"), Uint8Array.of(1, 2, 3));
  for (const bad of ["AQI", "AQ ID", "AQIE=", "AQJ=", "@@@@", 7, null]) {
    assert.equal(B.fromBase64(bad), null, String(bad));
  }
});

test("utf8, concat, hex and base64url", () => {
  assert.equal(B.hex(B.utf8("Æøå")), "c386c3b8c3a5");
  assert.equal(B.hex(B.concat(Uint8Array.of(1), Uint8Array.of(), Uint8Array.of(2, 255))), "0102ff");
  assert.equal(B.hex(B.fromBase64Url("-_8")), "fbff");
});
