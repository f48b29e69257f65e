/**
 * Answers -> payload -> sealed response file, armored block, receipt code and file name.
 * The formats are fixed byte for byte (spec/FORMAT.md); collector/envelope.py writes the same
 * bytes. No DOM. A classic script (module scripts are blocked on file://).
 *
 * With a whistleblowing receiver's key on the page, answers to special questions are
 * sealed only to that key, in a second part (spec/FORMAT.md 7.1).
 *
 * Sluttsamtale.payload = { build, split, seal, sealParts }
 */
(function () {
  "use strict";

  const NS = (globalThis.Sluttsamtale = globalThis.Sluttsamtale || /** @type {SluttsamtaleNamespace} */ ({}));
  const { utf8, base64, fromBase64, hex } = /** @type {BytesAPI} */ (NS.bytes);
  const PAYLOAD_FORMAT = "sluttsamtale-payload/1";
  const RESPONSE_FORMAT = "sluttsamtale-response/1";
  const ARMOR_BEGIN = "-----BEGIN SLUTTSAMTALE RESPONSE-----";
  const ARMOR_END = "-----END SLUTTSAMTALE RESPONSE-----";
  const ARMOR_COLUMNS = 64;
  /** @type {readonly string[]} */
  const READERS = ["hr", "hr_and_leader", "statistics"];

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
   * The payload (model/payload.py) for the answers as they stand. An unanswered question has
   * no key; "other" text is kept only where "other" is chosen, as the collector requires.
   * @param {PageConfig} config @param {State} state @returns {Payload}
   */
  function build(config, state) {
    if (!state.readers || !READERS.includes(state.readers)) {
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
   * @param {PageConfig} config @param {Payload} payload from build()
   * @returns {{payload: Payload, key: PageKey}[]}
   */
  function split(config, payload) {
    const receiver = config.whistleblowing_key;
    const special = (config.questions || [])
      .filter((q) => q.special && Object.prototype.hasOwnProperty.call(payload.answers, q.id))
      .map((q) => q.id);
    if (!receiver || payload.declined || special.length === 0) {
      return [{ payload, key: config.key }];
    }
    /** @template T @param {Record<string, T>} obj @param {boolean} keep @returns {Record<string, T>} */
    const pick = (obj, keep) =>
      Object.fromEntries(Object.entries(obj).filter(([qid]) => special.includes(qid) === keep));
    /** @type {Payload} */
    const hr = {
      ...payload,
      answers: pick(payload.answers, false),
      other: pick(payload.other, false),
      sent_to_whistleblowing: special,
    };
    /** @type {Payload} */
    const wb = {
      ...payload,
      answers: pick(payload.answers, true),
      other: pick(payload.other, true),
      scope: /** @type {const} */ ("whistleblowing"),
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
   * @param {Payload} payload from build() @param {PageKey} key @returns {Promise<Sealed>}
   */
  async function seal(payload, key) {
    return sealParts([{ payload, key }]);
  }

  /**
   * Seal one part, after checking the page's key id against its key.
   * @param {Payload} payload @param {PageKey} key @returns {Promise<{key_id: string, sealed: string}>}
   */
  async function sealPart(payload, key) {
    const hpke = NS.hpke;
    if (!hpke) throw new Error("hpke.js is not loaded, so the answers cannot be sealed");
    const raw = fromBase64(key.public_key);
    if (raw === null) {
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
   * @param {{payload: Payload, key: PageKey}[]} parts @returns {Promise<Sealed>}
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

  NS.payload = Object.freeze({ build, split, seal, sealParts });
})();
