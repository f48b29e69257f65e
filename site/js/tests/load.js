/**
 * Loads the page's classic scripts into this Node process, in the page's order, so the
 * pure ones (bytes, hpke, payload, form-state) can be tested here in milliseconds. Node
 * has the page's globals they need: crypto.subtle (with X25519), TextEncoder, atob, btoa.
 */
"use strict";

const path = require("node:path");

const JS = path.resolve(__dirname, "..");

/** @param {...string} names e.g. "bytes", "hpke" @returns {SluttsamtaleNamespace} */
function load(...names) {
  for (const name of names) require(path.join(JS, `${name}.js`));
  return /** @type {SluttsamtaleNamespace} */ (globalThis.Sluttsamtale);
}

module.exports = { load };
