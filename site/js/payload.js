/**
 * Answers -> payload -> sealed response file, armored block, receipt code and file name,
 * in format 2 (spec/FORMAT.md 5 to 7): HR's part bound to the invitation link's secret
 * when there is one, every plaintext padded to its bucket, and with a whistleblowing
 * receiver's key a receiver part in every file, whatever was answered. The formats are
 * fixed byte for byte; collector/formats/ reads the same bytes. No DOM. A classic script
 * (module scripts are blocked on file://).
 *
 * Sluttsamtale.payload = { build, split, seal, sealParts, linkId, readSecret }
 */
(function () {
  "use strict";

  const NS = (globalThis.Sluttsamtale = globalThis.Sluttsamtale || /** @type {SluttsamtaleNamespace} */ ({}));
  const { utf8, concat, base64, fromBase64, hex, fromBase64Url } = /** @type {BytesAPI} */ (NS.bytes);
  const PAYLOAD_FORMAT = "sluttsamtale-payload/2";
  const RESPONSE_FORMAT = "sluttsamtale-response/2";
  const ARMOR_BEGIN = "-----BEGIN SLUTTSAMTALE RESPONSE-----";
  const ARMOR_END = "-----END SLUTTSAMTALE RESPONSE-----";
  const ARMOR_COLUMNS = 64;
  /** @type {readonly string[]} */
  const READERS = ["hr", "hr_and_interviewer", "statistics"];
  /** HR's plaintext: 4 KiB to 512 KiB, the smallest that holds it (FORMAT.md 6.1). */
  const HR_BUCKETS = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => 4096 << n);
  /** The receiver's plaintext: always this long, so its length says nothing. */
  const RECEIVER_BUCKETS = [32768];
  // 43 characters of base64url whose last one leaves no spare bits: exactly 32 bytes.
  const SECRET = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
  const CONTACT_FIELDS = /** @type {const} */ (["name", "phone", "email"]);

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

  /** @param {Record<string, Wording>} all @param {(qid: string) => boolean} keep */
  function copyWording(all, keep) {
    /** @type {Record<string, Wording>} */
    const wording = {};
    for (const [qid, w] of Object.entries(all)) {
      if (!keep(qid)) continue;
      wording[qid] = w.options ? { label: w.label, options: { ...w.options } } : { label: w.label };
    }
    return wording;
  }

  /**
   * HR's payload (model/payload.py) for the answers as they stand. An unanswered question
   * has no key; "other" text is kept only where "other" is chosen, as the collector requires.
   * @param {PageConfig} config @param {State} state @returns {Payload}
   */
  function build(config, state) {
    if (!state.readers || !READERS.includes(state.readers)) {
      throw new Error(`readers must be one of ${READERS.join(", ")}`);
    }
    const q = config.questionnaire;
    /** @type {Record<string, AnswerValue>} */
    const answers = {};
    for (const [qid, value] of Object.entries(state.answers || {})) {
      if (isAnswered(value)) {
        answers[qid] = Array.isArray(value) ? [...value] : /** @type {AnswerValue} */ (value);
      }
    }
    /** @type {Record<string, string>} */
    const other = {};
    for (const [qid, text] of Object.entries(state.other || {})) {
      if (choseOther(answers[qid]) && typeof text === "string" && text.trim() !== "") {
        other[qid] = text;
      }
    }
    const declined = state.declined === true;
    return {
      format: PAYLOAD_FORMAT,
      response_id: hex(crypto.getRandomValues(new Uint8Array(16))),
      questionnaire: { id: q.id, version: q.version, language: q.language, title: q.title },
      wording: copyWording(config.wording, () => true),
      answers,
      other,
      declined,
      decline_reason: declined && state.decline_reason ? state.decline_reason : null,
      readers: state.readers,
      sealed_at: new Date().toISOString(),
      scope: "hr",
    };
  }

  /**
   * The contact details the employee gave the receiver, without empty fields; null if none.
   * @param {Record<string, string> | null | undefined} given @returns {Contact | null}
   */
  function contactOf(given) {
    /** @type {Contact} */
    const out = {};
    for (const name of CONTACT_FIELDS) {
      const text = given && typeof given[name] === "string" ? given[name].trim() : "";
      if (text) out[name] = text;
    }
    return Object.keys(out).length ? out : null;
  }

  /**
   * The payloads to seal, each with its key and buckets: HR's alone; or, with a
   * whistleblowing receiver, HR's without the special answers and the receiver's with only
   * them (possibly none) and the contact the employee gave (spec/FORMAT.md 7.1).
   * @param {PageConfig} config @param {Payload} payload from build()
   * @param {Record<string, string> | null} [contact]
   * @returns {SealJob[]}
   */
  function split(config, payload, contact) {
    const receiver = config.whistleblowing_key;
    if (!receiver) return [{ payload, key: config.key, buckets: HR_BUCKETS }];
    const special = new Set(config.questions.filter((q) => q.special).map((q) => q.id));
    /** @template T @param {Record<string, T>} obj @param {boolean} keep @returns {Record<string, T>} */
    const pick = (obj, keep) =>
      Object.fromEntries(Object.entries(obj).filter(([qid]) => special.has(qid) === keep));
    /** @type {Payload} */
    const hr = { ...payload, answers: pick(payload.answers, false), other: pick(payload.other, false) };
    const reporting = !payload.declined;
    const answers = reporting ? pick(payload.answers, true) : {};
    // Contact details travel only with a report: without one, the receiver learns nothing.
    const reported = Object.keys(answers).length > 0;
    /** @type {Payload} */
    const wb = {
      ...payload,
      wording: copyWording(payload.wording, (qid) => special.has(qid)),
      answers,
      other: reporting ? pick(payload.other, true) : {},
      declined: false,
      decline_reason: null,
      scope: "whistleblowing",
      contact: reported ? contactOf(contact) : null,
    };
    return [
      { payload: hr, key: config.key, buckets: HR_BUCKETS },
      { payload: wb, key: receiver, buckets: RECEIVER_BUCKETS },
    ];
  }

  /**
   * The payload's JSON text and spaces up to the smallest bucket that holds it.
   * @param {Payload} payload @param {number[]} buckets @returns {Bytes}
   */
  function padded(payload, buckets) {
    const text = utf8(JSON.stringify(payload));
    const size = buckets.find((b) => b >= text.length);
    if (size === undefined) {
      throw new Error(
        `the answers are ${text.length} bytes, more than the ${buckets[buckets.length - 1]} ` +
          "a part may hold; shorten the longest answers",
      );
    }
    const out = new Uint8Array(size).fill(0x20);
    out.set(text);
    return out;
  }

  // ------------------------------------------------------------------ links

  /** The link secret from its text in a link, or null (FORMAT.md 14.2). @param {unknown} text */
  function readSecret(text) {
    if (typeof text !== "string" || !SECRET.test(text)) return null;
    let raw;
    try {
      raw = fromBase64Url(text);
    } catch {
      return null;
    }
    return raw.length === 32 ? raw : null;
  }

  /** L: hex of the first 16 bytes of SHA-256("sluttsamtale-link/1 " || S). @param {Bytes} secret */
  async function linkId(secret) {
    const digest = await crypto.subtle.digest("SHA-256", concat(utf8("sluttsamtale-link/1 "), secret));
    return hex(new Uint8Array(digest).subarray(0, 16));
  }

  // ------------------------------------------------------------------ response file

  /**
   * The canonical envelope: Python's json.dumps(obj, ensure_ascii=False) + "\n" (separators
   * ", " and ": ", keys in this order). Written out by hand because JSON.stringify has no
   * separator option; every value is ASCII, so JSON.stringify quotes them as Python does.
   * @param {{key_id: string, link?: string, sealed: string}[]} parts @returns {string}
   */
  function envelopeText(parts) {
    const items = parts.map((p) => {
      const link = p.link ? `, "link": ${JSON.stringify(p.link)}` : "";
      return `{"key_id": ${JSON.stringify(p.key_id)}${link}, "sealed": ${JSON.stringify(p.sealed)}}`;
    });
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
   * Seal a payload to one key into a response file (HR's part alone).
   * @param {Payload} payload @param {PageKey} key @param {Bytes | null} [linkSecret]
   * @returns {Promise<Sealed>}
   */
  async function seal(payload, key, linkSecret) {
    return sealParts([{ payload, key, buckets: HR_BUCKETS }], linkSecret);
  }

  /**
   * Seal one part, after checking the page's key id against its key.
   * @param {SealJob} job @param {Bytes | null} linkSecret HR's part only
   * @returns {Promise<{key_id: string, link?: string, sealed: string}>}
   */
  async function sealPart(job, linkSecret) {
    const hpke = NS.hpke;
    if (!hpke) throw new Error("hpke.js is not loaded, so the answers cannot be sealed");
    const key = job.key;
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
    const pt = padded(job.payload, job.buckets);
    if (!linkSecret) {
      const info = utf8(`${RESPONSE_FORMAT} ${key.key_id}`);
      const sealed = await hpke.seal(raw, info, new Uint8Array(0), pt);
      return { key_id: key.key_id, sealed: base64(sealed) };
    }
    const link = await linkId(linkSecret);
    const info = concat(utf8(`${RESPONSE_FORMAT} ${key.key_id} ${link} `), linkSecret);
    const sealed = await hpke.seal(raw, info, new Uint8Array(0), pt);
    return { key_id: key.key_id, link, sealed: base64(sealed) };
  }

  /**
   * Seal each job into one response file (parts in the order given; only the first, HR's,
   * is bound to the link).
   * @param {SealJob[]} jobs @param {Bytes | null} [linkSecret] @returns {Promise<Sealed>}
   */
  async function sealParts(jobs, linkSecret) {
    const sealedParts = [];
    for (const [i, job] of jobs.entries()) {
      sealedParts.push(await sealPart(job, i === 0 ? linkSecret || null : null));
    }
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

  NS.payload = Object.freeze({ build, split, seal, sealParts, linkId, readSecret });
})();
