/**
 * Answers -> payload -> sealed response file, armored block, receipt code and file name.
 * The formats are fixed byte for byte (spec/FORMAT.md); collector/envelope.py writes the same
 * bytes. No DOM. A classic script (module scripts are blocked on file://).
 *
 * With a whistleblowing receiver's key on the page, answers to special questions are
 * sealed only to that key, in a second part (spec/FORMAT.md 7.1).
 *
 * Sluttsamtale.payload = { build, split, seal, sealParts, base64, fromBase64, hex }
 */
(function () {
  "use strict";

  const PAYLOAD_FORMAT = "sluttsamtale-payload/1";
  const RESPONSE_FORMAT = "sluttsamtale-response/1";
  const ARMOR_BEGIN = "-----BEGIN SLUTTSAMTALE RESPONSE-----";
  const ARMOR_END = "-----END SLUTTSAMTALE RESPONSE-----";
  const ARMOR_COLUMNS = 64;
  const READERS = ["hr", "hr_and_leader", "statistics"];

  /**
   * @typedef {{id: string, version: number, language: string, title: string}} QuestionnaireRef
   * @typedef {{label: string, options?: Object<string, string> | null}} Wording
   * @typedef {{key_id: string, public_key: string, fingerprint?: string, demo?: boolean}} PageKey
   * @typedef {object} PageConfig
   * @property {QuestionnaireRef} questionnaire
   * @property {Object<string, Wording>} wording
   * @property {PageKey} key HR's key
   * @property {PageKey | null} [whistleblowing_key] the whistleblowing receiver's, if any
   * @property {{id: string, special?: boolean}[]} [questions]
   * @typedef {string | string[] | number | boolean} AnswerValue
   * @typedef {object} FormState
   * @property {Object<string, AnswerValue | null | undefined>} answers
   * @property {Object<string, string>} [other]
   * @property {boolean} declined
   * @property {string | null} [decline_reason]
   * @property {"hr" | "hr_and_leader" | "statistics"} readers
   * @property {string | null} [invitation]
   * @typedef {object} Sealed
   * @property {Uint8Array} fileBytes the response file
   * @property {string} fileText the same, as text
   * @property {string} armored the response file as a text block for e-mail
   * @property {string} receipt e.g. "3f2a-91bc-04de"
   * @property {string} fileName e.g. "sluttsamtale-2025-03-14-3f2a91.json"
   */

  // ------------------------------------------------------------------ bytes

  /** @param {string} text @returns {Uint8Array} */
  function utf8(text) {
    return new TextEncoder().encode(text);
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

  /** Canonical standard base64 only. @param {string} text @returns {Uint8Array} */
  function fromBase64(text) {
    let binary;
    try {
      binary = atob(text);
    } catch {
      throw new Error("the text is not base64");
    }
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    // atob forgives spaces and missing padding; the formats allow one spelling per byte string.
    if (base64(bytes) !== text) throw new Error("the text is not canonical base64");
    return bytes;
  }

  /** Lowercase hex. @param {Uint8Array} bytes @returns {string} */
  function hex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // ------------------------------------------------------------------ payload

  /** @param {AnswerValue | null | undefined} value */
  function isAnswered(value) {
    if (value === null || value === undefined) return false;
    if (typeof value === "string") return value.trim() !== "";
    if (Array.isArray(value)) return value.length > 0;
    return true;
  }

  /** @param {AnswerValue | undefined} value */
  function choseOther(value) {
    return value === "other" || (Array.isArray(value) && value.includes("other"));
  }

  /**
   * The payload (schema.Payload) for the answers as they stand. An unanswered question has
   * no key; "other" text is kept only where "other" is chosen, as the collector requires.
   * @param {PageConfig} config @param {FormState} state @returns {object}
   */
  function build(config, state) {
    if (!READERS.includes(state.readers)) {
      throw new Error(`readers must be one of ${READERS.join(", ")}`);
    }
    const q = config.questionnaire;
    /** @type {Object<string, Wording>} */
    const wording = {};
    for (const [qid, w] of Object.entries(config.wording)) {
      wording[qid] = w.options ? { label: w.label, options: { ...w.options } } : { label: w.label };
    }
    /** @type {Object<string, AnswerValue>} */
    const answers = {};
    for (const [qid, value] of Object.entries(state.answers || {})) {
      if (isAnswered(value)) {
        answers[qid] = Array.isArray(value) ? [...value] : /** @type {AnswerValue} */ (value);
      }
    }
    /** @type {Object<string, string>} */
    const other = {};
    for (const [qid, text] of Object.entries(state.other || {})) {
      if (choseOther(answers[qid]) && typeof text === "string" && text.trim() !== "") {
        other[qid] = text;
      }
    }
    const declined = state.declined === true;
    const random = crypto.getRandomValues(new Uint8Array(16));
    return {
      format: PAYLOAD_FORMAT,
      response_id: hex(random),
      questionnaire: { id: q.id, version: q.version, language: q.language, title: q.title },
      wording,
      answers,
      other,
      declined,
      decline_reason: declined && state.decline_reason ? state.decline_reason : null,
      readers: state.readers,
      invitation: state.invitation || null,
      sealed_at: new Date().toISOString(),
    };
  }

  /**
   * The payloads to seal, each with its key: HR's alone, or (with a whistleblowing receiver
   * and a special question answered, not declined) HR's without the special answers and
   * the receiver's with only them, sharing one response_id (spec/FORMAT.md 7.1).
   * @param {PageConfig} config @param {any} payload from build()
   * @returns {{payload: any, key: PageKey}[]}
   */
  function split(config, payload) {
    const receiver = config.whistleblowing_key;
    const special = (config.questions || [])
      .filter((q) => q.special && Object.prototype.hasOwnProperty.call(payload.answers, q.id))
      .map((q) => q.id);
    if (!receiver || payload.declined || special.length === 0) {
      return [{ payload, key: config.key }];
    }
    /** @param {Object<string, any>} obj @param {boolean} keep */
    const pick = (obj, keep) =>
      Object.fromEntries(Object.entries(obj).filter(([qid]) => special.includes(qid) === keep));
    const hr = {
      ...payload,
      answers: pick(payload.answers, false),
      other: pick(payload.other, false),
      sent_to_whistleblowing: special,
    };
    const wb = {
      ...payload,
      answers: pick(payload.answers, true),
      other: pick(payload.other, true),
      scope: "whistleblowing",
    };
    return [
      { payload: hr, key: config.key },
      { payload: wb, key: receiver },
    ];
  }

  // ------------------------------------------------------------------ response file

  /**
   * The canonical envelope: Python's json.dumps(obj, ensure_ascii=False) + "\n" (separators
   * ", " and ": ", keys in this order). Written out by hand because JSON.stringify has no
   * separator option; every value is ASCII, so JSON.stringify quotes them as Python does.
   * @param {{key_id: string, sealed: string}[]} parts @returns {string}
   */
  function envelopeText(parts) {
    const items = parts.map(
      (p) => `{"key_id": ${JSON.stringify(p.key_id)}, "sealed": ${JSON.stringify(p.sealed)}}`,
    );
    return `{"format": ${JSON.stringify(RESPONSE_FORMAT)}, "parts": [${items.join(", ")}]}\n`;
  }

  /** @param {Uint8Array} fileBytes @returns {string} */
  function armor(fileBytes) {
    const b64 = base64(fileBytes);
    const lines = [];
    for (let i = 0; i < b64.length; i += ARMOR_COLUMNS) lines.push(b64.slice(i, i + ARMOR_COLUMNS));
    return `${ARMOR_BEGIN}\n${lines.join("\n")}\n${ARMOR_END}\n`;
  }

  /** @param {Date} when @returns {string} YYYY-MM-DD in the employee's own time zone */
  function localDate(when) {
    const pad = (/** @type {number} */ n) => String(n).padStart(2, "0");
    return `${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())}`;
  }

  /**
   * Seal a payload to HR's key into a response file, after checking the page's key id.
   * @param {object} payload from build() @param {PageKey} key @returns {Promise<Sealed>}
   */
  async function seal(payload, key) {
    return sealParts([{ payload, key }]);
  }

  /**
   * Seal one part, after checking the page's key id against its key.
   * @param {object} payload @param {PageKey} key @returns {Promise<{key_id: string, sealed: string}>}
   */
  async function sealPart(payload, key) {
    const hpke = globalThis.Sluttsamtale && globalThis.Sluttsamtale.hpke;
    if (!hpke) throw new Error("hpke.js is not loaded, so the answers cannot be sealed");
    let raw;
    try {
      raw = fromBase64(key.public_key);
    } catch {
      throw new Error("the page's public key is not valid base64; the page was built wrong");
    }
    if (raw.length !== 32) {
      throw new Error("the page's public key is not 32 bytes; the page was built wrong");
    }
    const actual = await hpke.keyId(raw);
    if (actual !== key.key_id) {
      throw new Error(
        `the page's key id ${key.key_id} does not match its public key (${actual}); ` +
          "the page was built wrong or altered",
      );
    }
    const info = utf8(`${RESPONSE_FORMAT} ${key.key_id}`);
    const sealed = await hpke.seal(raw, info, new Uint8Array(0), utf8(JSON.stringify(payload)));
    return { key_id: key.key_id, sealed: base64(sealed) };
  }

  /**
   * Seal each payload to its key into one response file (parts in the order given).
   * @param {{payload: object, key: PageKey}[]} parts @returns {Promise<Sealed>}
   */
  async function sealParts(parts) {
    const sealedParts = [];
    for (const p of parts) sealedParts.push(await sealPart(p.payload, p.key));
    const fileText = envelopeText(sealedParts);
    const fileBytes = utf8(fileText);
    const digest = hex(new Uint8Array(await crypto.subtle.digest("SHA-256", fileBytes)));
    return {
      fileBytes,
      fileText,
      armored: armor(fileBytes),
      receipt: `${digest.slice(0, 4)}-${digest.slice(4, 8)}-${digest.slice(8, 12)}`,
      fileName: `sluttsamtale-${localDate(new Date())}-${digest.slice(0, 6)}.json`,
    };
  }

  const root = /** @type {any} */ (globalThis);
  root.Sluttsamtale = root.Sluttsamtale || {};
  root.Sluttsamtale.payload = Object.freeze({ build, split, seal, sealParts, base64, fromBase64, hex });
})();
