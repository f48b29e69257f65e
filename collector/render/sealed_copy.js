// The sealed interviewer copy's only script (FORMAT.md 17): read the code, derive the key
// with PBKDF2-SHA256, open AES-256-GCM with WebCrypto, and put the record in this page's
// place. Nothing is stored and nothing is sent; the page's CSP allows this script by hash.
(function () {
  "use strict";
  var FORMAT = "@FORMAT@";
  var ITERATIONS = @ITERATIONS@;
  var ALPHABET = "@ALPHABET@";
  var LENGTH = @LENGTH@;

  var form = document.getElementById("sc-form");
  var input = document.getElementById("sc-code");
  var error = document.getElementById("sc-error");
  var status = document.getElementById("sc-status");
  var box = null;
  try {
    box = JSON.parse(document.getElementById("sealed-copy").textContent);
  } catch (e) {
    box = null; // a damaged file: every code is then wrong
  }
  var busy = false;

  function canonical(typed) {
    var code = typed.replace(/[\s-]+/g, "").toUpperCase();
    code = code.replace(/O/g, "0").replace(/[IL]/g, "1");
    if (code.length !== LENGTH) return null;
    for (var i = 0; i < code.length; i++) {
      if (ALPHABET.indexOf(code.charAt(i)) < 0) return null;
    }
    return code;
  }

  function bytes(base64) {
    var text = atob(base64);
    var out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  }

  function fail(message) {
    busy = false;
    status.textContent = "";
    error.textContent = message;
    input.setAttribute("aria-invalid", "true");
    input.focus();
    input.select();
  }

  function supported() {
    return !!(window.crypto && window.crypto.subtle && window.TextEncoder && window.DOMParser);
  }

  function open(code) {
    var encoder = new TextEncoder();
    var subtle = window.crypto.subtle;
    if (!box || box.format !== FORMAT || box.iterations !== ITERATIONS) {
      return Promise.reject(new Error("not this version"));
    }
    return subtle
      .importKey("raw", encoder.encode(code), "PBKDF2", false, ["deriveKey"])
      .then(function (material) {
        return subtle.deriveKey(
          { name: "PBKDF2", hash: "SHA-256", salt: bytes(box.salt), iterations: ITERATIONS },
          material,
          { name: "AES-GCM", length: 256 },
          false,
          ["decrypt"]
        );
      })
      .then(function (key) {
        return subtle.decrypt(
          {
            name: "AES-GCM",
            iv: bytes(box.nonce),
            additionalData: encoder.encode(FORMAT + "\n" + box.delete_by),
            tagLength: 128,
          },
          key,
          bytes(box.ciphertext)
        );
      });
  }

  // The record takes this page's place: its styles, its own CSP (which then holds beside
  // this page's) and its body, under the notice to delete the file. It has no script; any
  // that were there could not run, since this page's CSP allows only this one by hash.
  function show(plaintext) {
    var record = new DOMParser().parseFromString(
      new TextDecoder("utf-8", { fatal: true }).decode(plaintext),
      "text/html"
    );
    var scripts = record.querySelectorAll("script");
    for (var s = 0; s < scripts.length; s++) scripts[s].remove();
    var notice = document.getElementById("sc-notice");
    var day = notice.querySelector("time");
    day.textContent = box.delete_by; // the authenticated date, whatever the page said
    day.setAttribute("datetime", box.delete_by);
    var head = record.head.children;
    for (var h = 0; h < head.length; h++) {
      var node = head[h];
      var policy = (node.getAttribute("http-equiv") || "").toLowerCase();
      if (node.tagName === "STYLE" || policy === "content-security-policy") {
        document.head.appendChild(document.importNode(node, true));
      }
    }
    document.title = record.title;
    if (record.documentElement.lang) document.documentElement.lang = record.documentElement.lang;
    var body = document.body;
    while (body.firstChild) body.removeChild(body.firstChild);
    notice.classList.add("sc-opened");
    body.appendChild(notice);
    while (record.body.firstChild) body.appendChild(document.adoptNode(record.body.firstChild));
    notice.focus();
  }

  if (!supported()) {
    error.textContent = error.getAttribute("data-unsupported");
    return;
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) return;
    // Emptied first, so that the same sentence said again is announced again.
    error.textContent = "";
    var code = canonical(input.value);
    if (code === null) {
      window.setTimeout(fail, 100, error.getAttribute("data-malformed"));
      return;
    }
    busy = true;
    input.removeAttribute("aria-invalid");
    status.textContent = status.getAttribute("data-opening");
    open(code)
      .then(show)
      .catch(function () {
        fail(error.getAttribute("data-wrong"));
      });
  });
})();
