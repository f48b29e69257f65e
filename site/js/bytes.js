/**
 * Bytes and their text forms, shared by hpke.js, payload.js and drafts.js: UTF-8,
 * concatenation, standard base64 (one canonical spelling), base64url, hex. No DOM.
 *
 * Sluttsamtale.bytes = { utf8, concat, base64, fromBase64, fromBase64Url, hex }
 * A classic script (module scripts are blocked on file://); loaded before the others.
 */
(function () {
  "use strict";

  const NS = (globalThis.Sluttsamtale = globalThis.Sluttsamtale || /** @type {SluttsamtaleNamespace} */ ({}));
  /** @param {string} text @returns {Bytes} */
  function utf8(text) {
    return /** @type {Bytes} */ (new TextEncoder().encode(text));
  }

  /** @param {...Uint8Array} parts @returns {Bytes} */
  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  /** Standard base64 with padding. @param {Uint8Array} bytes @returns {string} */
  function base64(bytes) {
    let binary = "";
    // In slices: fromCharCode.apply has an engine limit on the number of arguments.
    for (let i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + 0x8000)));
    }
    return btoa(binary);
  }

  /**
   * Canonical standard base64 only, else null: atob forgives spaces and missing padding,
   * and every format here allows one spelling per byte string.
   * @param {unknown} text @returns {Bytes | null}
   */
  function fromBase64(text) {
    if (typeof text !== "string") return null;
    let binary;
    try {
      binary = atob(text);
    } catch {
      return null;
    }
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return base64(bytes) === text ? bytes : null;
  }

  /** @param {string} text base64url without padding, as in a JWK @returns {Bytes} */
  function fromBase64Url(text) {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const binary = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  }

  /** Lowercase hex. @param {Uint8Array} bytes @returns {string} */
  function hex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  NS.bytes = Object.freeze({ utf8, concat, base64, fromBase64, fromBase64Url, hex });
})();
