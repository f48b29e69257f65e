/**
 * The form's state and rules as pure functions: no DOM, no storage, no time.
 * form.js reads events into this state and applies the state to the page in one place.
 *
 * State: {answers: {qid: value}, other: {qid: text}, declined, decline_reason, readers,
 * link, contact, section}. Values: text/date -> string, single_choice -> option value,
 * multiple_choice -> array of values, scale -> integer, yes_no -> boolean. A question that
 * is hidden by its condition has no answer: it is dropped, never kept aside.
 *
 * Sluttsamtale.formState = { initial, sanitize, isVisible, prune, setAnswer, setOther,
 *   validateSection, validateOthers, validateReaders, validateReason, firstInvalidSection,
 *   review, sectionCount, textLength, clean, format, isSecret, fromFragment }
 * A classic script (module scripts are blocked on file://).
 */
(function () {
  "use strict";

  const NS = (globalThis.Sluttsamtale = globalThis.Sluttsamtale || /** @type {SluttsamtaleNamespace} */ ({}));
  /** @type {readonly Readers[]} */
  const READERS = ["hr", "hr_and_interviewer", "statistics"];
  // The collector refuses these in any answer (schema._CONTROL); dropping them here keeps a
  // pasted stray character from making the whole response unreadable.
  const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/g;
  const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
  const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
  // spec/FORMAT.md section 14: the link secret, 32 bytes as base64url without padding.
  const SECRET = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
  const CONTACT_FIELDS = ["name", "phone", "email"];
  const CONTACT_MAX = 200;

  /** Fill "{name}" placeholders. @param {string} text @param {Object<string, any>} values */
  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
  }

  /** How each language groups thousands (CLDR): a no-break space, or a comma in English. */
  const THOUSANDS = /** @type {Object<string, string>} */ ({
    nb: "\u00a0",
    nn: "\u00a0",
    sv: "\u00a0",
    en: ",",
  });

  /**
   * A count as the set's language writes it ("5 000" in Norwegian and Swedish, "5,000" in
   * English), exactly as Intl.NumberFormat writes a whole number of zero or more (held to it
   * by site/js/tests/form-state.test.js). By hand: making the first Intl.NumberFormat loads
   * the language's data, which cost the page a tenth of a second on a slow phone before
   * anything could be typed. @param {PageConfig} config @param {number} n
   */
  function number(config, n) {
    const separator = THOUSANDS[config.questionnaire.language];
    if (separator === undefined || !Number.isSafeInteger(n) || n < 0) {
      return new Intl.NumberFormat(config.questionnaire.language).format(n);
    }
    return String(n).replace(/\B(?=(\d{3})+$)/g, separator);
  }

  // How each language writes a date, as the hint shows it (ISO is read in every language).
  /** @type {Object<string, {order: string, sep: string}>} */
  const DATE_STYLES = {
    nb: { order: "dmy", sep: "." },
    nn: { order: "dmy", sep: "." },
    sv: { order: "ymd", sep: "-" },
    en: { order: "dmy", sep: "/" },
  };

  /**
   * A typed date as ISO (yyyy-mm-dd) when it reads as one in the set's language or as ISO;
   * otherwise the text as typed, which checkQuestion then refuses with the format to use.
   * @param {string} language @param {string} text
   */
  function readDate(language, text) {
    const t = text.trim();
    if (DATE.test(t)) return t;
    const style = DATE_STYLES[language] || DATE_STYLES.nb;
    const parts = t.split(/[./\-\s]+/);
    if (parts.length !== 3 || !parts.every((p) => /^\d+$/.test(p))) return text;
    const [d, m, y] = style.order === "dmy" ? parts : [parts[2], parts[1], parts[0]];
    if (y.length !== 4 || d.length > 2 || m.length > 2) return text;
    return `${y}-${m.padStart(2, "0")}-${d.padStart(2, "0")}`;
  }

  /** An ISO date as the language writes it, for the field and the review. @param {string} language @param {string} iso */
  function showDate(language, iso) {
    const m = DATE.exec(iso);
    if (!m) return iso;
    const style = DATE_STYLES[language] || DATE_STYLES.nb;
    const [y, mo, d] = [m[1], m[2], m[3]];
    return (style.order === "dmy" ? [d, mo, y] : [y, mo, d]).join(style.sep);
  }

  /** Characters as Python counts them (code points), so limits agree with the collector. */
  function textLength(/** @type {string} */ text) {
    return Array.from(text).length;
  }

  /** @param {string} text @returns {string} */
  function clean(text) {
    return text.replace(CONTROL, "").replace(LONE_SURROGATE, "");
  }

  /** @param {PageConfig} config */
  function sectionCount(config) {
    return config.sections.length + 1; // the final step: review and who may read
  }

  /** @param {AnswerValue | undefined} value */
  function isAnswered(value) {
    if (value === undefined || value === null) return false;
    if (typeof value === "string") return value.trim() !== "";
    if (Array.isArray(value)) return value.length > 0;
    return true;
  }

  /** Mirror of model/payload.py is_visible: conditions only look back. @param {QuestionData} q */
  function isVisible(q, /** @type {Object<string, AnswerValue>} */ answers) {
    const condition = q.show_if;
    if (!condition) return true;
    let given = answers[condition.question];
    if (typeof given === "boolean") given = given ? "yes" : "no";
    const chosen = Array.isArray(given) ? given : [given];
    return chosen.some((v) => typeof v === "string" && condition.equals.includes(v));
  }

  /** @param {AnswerValue | undefined} value */
  function choseOther(value) {
    return value === "other" || (Array.isArray(value) && value.includes("other"));
  }

  /** @param {QuestionData} q @returns {string[]} */
  function allowedValues(q) {
    return [...(q.options || []), ...(q.other ? ["other"] : [])];
  }

  /**
   * The answer as the question's type requires, or undefined when it is not a valid answer.
   * @param {QuestionData} q @param {unknown} value @param {string} [language] the set's, for dates
   * @returns {AnswerValue | undefined}
   */
  function coerce(q, value, language) {
    switch (q.type) {
      case "short_text":
      case "long_text":
        return typeof value === "string" && value !== "" ? clean(value) : undefined;
      case "date":
        return typeof value === "string" && value.trim() !== ""
          ? readDate(language || "nb", clean(value))
          : undefined;
      case "single_choice":
        return typeof value === "string" && allowedValues(q).includes(value) ? value : undefined;
      case "multiple_choice": {
        if (!Array.isArray(value)) return undefined;
        const allowed = allowedValues(q);
        // In the question's order, without repeats, whatever order they were ticked in.
        const picked = allowed.filter((v) => value.includes(v));
        return picked.length ? picked : undefined;
      }
      case "scale":
        return Number.isInteger(value) &&
          q.scale &&
          /** @type {number} */ (value) >= q.scale.min &&
          /** @type {number} */ (value) <= q.scale.max
          ? /** @type {number} */ (value)
          : undefined;
      case "yes_no":
        return typeof value === "boolean" ? value : undefined;
      default:
        return undefined;
    }
  }

  /**
   * Drop every answer a condition hides, in question order, so a hidden question can also
   * hide the ones that depend on it; drop "other" text where "other" is not chosen.
   * @param {PageConfig} config @param {State} state @returns {State}
   */
  function prune(config, state) {
    /** @type {Object<string, AnswerValue>} */
    const answers = {};
    /** @type {Object<string, string>} */
    const other = {};
    for (const q of config.questions) {
      if (!isVisible(q, answers)) continue;
      const value = state.answers[q.id];
      if (value === undefined) continue;
      answers[q.id] = value;
      const text = state.other[q.id];
      if (q.other && choseOther(value) && typeof text === "string" && text !== "") {
        other[q.id] = text;
      }
    }
    return { ...state, answers, other };
  }

  /**
   * A state that holds only what the page's questions allow; used for a restored draft,
   * a prefill, or anything else that did not come from the form itself.
   * @param {PageConfig} config @param {any} raw @returns {State}
   */
  function sanitize(config, raw) {
    const given = raw && typeof raw === "object" ? raw : {};
    const answersIn = given.answers && typeof given.answers === "object" ? given.answers : {};
    const otherIn = given.other && typeof given.other === "object" ? given.other : {};
    /** @type {Object<string, AnswerValue>} */
    const answers = {};
    /** @type {Object<string, string>} */
    const other = {};
    for (const q of config.questions) {
      const value = coerce(q, answersIn[q.id], config.questionnaire.language);
      if (value !== undefined) answers[q.id] = value;
      if (q.other && typeof otherIn[q.id] === "string") other[q.id] = clean(otherIn[q.id]);
    }
    const last = sectionCount(config) - 1;
    const section = Number.isInteger(given.section) ? Math.min(Math.max(given.section, 0), last) : 0;
    return prune(config, {
      answers,
      other,
      declined: given.declined === true,
      decline_reason: typeof given.decline_reason === "string" ? clean(given.decline_reason) : null,
      readers: READERS.includes(given.readers) ? given.readers : null,
      link: isSecret(given.link) ? given.link : null,
      contact: sanitizeContact(given.contact),
      section,
    });
  }

  /**
   * A link secret as the link writes it: 43 characters of base64url whose last one leaves
   * no spare bits, so it decodes to exactly 32 bytes. @param {unknown} value
   * @returns {value is string}
   */
  function isSecret(value) {
    return typeof value === "string" && SECRET.test(value);
  }

  /** @param {unknown} raw @returns {Record<string, string>} */
  function sanitizeContact(raw) {
    /** @type {Record<string, string>} */
    const out = {};
    if (!raw || typeof raw !== "object") return out;
    for (const name of CONTACT_FIELDS) {
      const value = /** @type {Record<string, unknown>} */ (raw)[name];
      if (typeof value === "string" && value !== "") out[name] = cleanLine(value);
    }
    return out;
  }

  /** A one-line text: no line breaks or tabs, no control characters. @param {string} text */
  function cleanLine(text) {
    return clean(text).replace(/[\t\r\n]+/g, " ");
  }

  /**
   * The state with an invitation link's fragment applied (spec/FORMAT.md section 14.2):
   * the first `k` is the link secret; one that is not well formed means no invitation.
   * The link carries nothing else. Pure: the caller reads location.hash.
   * @param {State} state @param {string} fragment with or without "#" @returns {State}
   */
  function fromFragment(state, fragment) {
    const text = fragment.startsWith("#") ? fragment.slice(1) : fragment;
    if (!text) return state;
    let params;
    try {
      params = new URLSearchParams(text);
    } catch {
      return state;
    }
    const secret = params.get("k"); // get() gives the first of a repeated name
    return { ...state, link: isSecret(secret) ? secret : null };
  }

  /**
   * The contact details for the receiver, as typed (one line each, at most 200 characters).
   * @param {State} state @param {string} name @param {string} text @returns {State}
   */
  function setContact(state, name, text) {
    if (!CONTACT_FIELDS.includes(name)) return state;
    const contact = { ...state.contact };
    const value = cleanLine(text);
    if (value) contact[name] = value;
    else delete contact[name];
    return { ...state, contact };
  }

  /** @param {PageConfig} config @param {State} state @returns {FieldError[]} */
  function validateContact(config, state) {
    /** @type {FieldError[]} */
    const errors = [];
    for (const name of CONTACT_FIELDS) {
      const text = state.contact[name];
      const count = text ? textLength(text) : 0;
      if (count > CONTACT_MAX) {
        errors.push({
          qid: `contact_${name}`,
          field: `sl-contact-${name}`,
          message: format(config.ui.err_too_long, {
            label: config.ui[`contact_${name}`] || name,
            max: number(config, CONTACT_MAX),
            count: number(config, count),
          }),
        });
      }
    }
    return errors;
  }

  /** @param {PageConfig} config @param {any} [given] @returns {State} */
  function initial(config, given) {
    return sanitize(config, given || {});
  }

  /**
   * @param {PageConfig} config @param {State} state @param {string} qid
   * @param {unknown} value the field's value; undefined or "" or [] clears the answer
   * @returns {State}
   */
  function setAnswer(config, state, qid, value) {
    const q = config.questions.find((x) => x.id === qid);
    if (!q) return state;
    const answers = { ...state.answers };
    const coerced = coerce(q, value, config.questionnaire.language);
    if (coerced === undefined) delete answers[qid];
    else answers[qid] = coerced;
    return prune(config, { ...state, answers });
  }

  /** @param {PageConfig} config @param {State} state @param {string} qid @param {string} text */
  function setOther(config, state, qid, text) {
    const other = { ...state.other };
    if (text) other[qid] = clean(text);
    else delete other[qid];
    return prune(config, { ...state, other });
  }

  /**
   * @param {QuestionData} q @param {State} state @param {PageConfig} config
   * @param {{badDate?: boolean}} [field] what only the DOM knows (a half-typed date)
   * @returns {string | null}
   */
  function checkQuestion(q, state, config, field) {
    const ui = config.ui;
    const language = config.questionnaire.language;
    const label = config.wording[q.id] ? config.wording[q.id].label : q.id;
    const badDate = () =>
      format(ui.err_date, { label, format: ui.date_format, example: showDate(language, "2027-01-31") });
    const value = state.answers[q.id];
    if (q.type === "date" && field && field.badDate) return badDate();
    if (!isAnswered(value)) {
      if (!q.required) return null;
      if (q.type === "short_text" || q.type === "long_text") return format(ui.err_required_text, { label });
      if (q.type === "date") return badDate();
      if (q.type === "multiple_choice") return format(ui.err_required_multi, { label });
      return format(ui.err_required_choice, { label });
    }
    if (typeof value === "string" && q.text_limit) {
      const count = textLength(value);
      if (count > q.text_limit) {
        return format(ui.err_too_long, {
          label,
          max: number(config, q.text_limit),
          count: number(config, count),
        });
      }
    }
    if (q.type === "date") {
      const m = DATE.exec(String(value));
      if (!m) return badDate();
      const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
      const real = d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
      if (!real || +m[1] < 1900 || +m[1] > 2999) return badDate();
    }
    return null;
  }

  /**
   * Errors in one section's visible questions, in page order.
   * @param {PageConfig} config @param {State} state @param {number} index
   * @param {Object<string, {badDate?: boolean}>} [fields] what the DOM knows, by qid
   * @returns {FieldError[]}
   */
  function validateSection(config, state, index, fields) {
    /** @type {FieldError[]} */
    const errors = [];
    for (const q of config.questions) {
      if (q.section !== index || !isVisible(q, state.answers)) continue;
      const message = checkQuestion(q, state, config, fields && fields[q.id]);
      if (message) errors.push({ qid: q.id, field: `sl-q-${q.id}`, message });
      const otherError = validateOther(config, state, q);
      if (otherError) errors.push(otherError);
    }
    return errors;
  }

  /** @param {PageConfig} config @param {State} state @param {QuestionData} q */
  function validateOther(config, state, q) {
    const text = state.other[q.id];
    if (!q.other || typeof text !== "string") return null;
    const count = textLength(text);
    if (count <= config.limits.other) return null;
    const label = config.wording[q.id] ? config.wording[q.id].label : q.id;
    return {
      qid: q.id,
      field: `sl-q-${q.id}--other-text`,
      message: format(config.ui.err_too_long, {
        label,
        max: number(config, config.limits.other),
        count: number(config, count),
      }),
    };
  }

  /** @param {PageConfig} config @param {{readers: string | null}} state @param {string} fieldId */
  function validateReaders(config, state, fieldId) {
    return READERS.some((r) => r === state.readers)
      ? []
      : [{ qid: "readers", field: fieldId, message: config.ui.err_readers }];
  }

  /** @param {PageConfig} config @param {string} reason @param {string} fieldId */
  function validateReason(config, reason, fieldId) {
    const count = textLength(reason);
    return count <= config.limits.decline_reason
      ? []
      : [{
          qid: "decline_reason",
          field: fieldId,
          message: format(config.ui.err_too_long, {
            label: config.ui.decline_reason,
            max: number(config, config.limits.decline_reason),
            count: number(config, count),
          }),
        }];
  }

  /**
   * The first section with an error, or -1; Finish sends the employee back to it.
   * @param {PageConfig} config @param {State} state @param {Object<string, {badDate?: boolean}>} [fields]
   */
  function firstInvalidSection(config, state, fields) {
    for (let i = 0; i < config.sections.length; i++) {
      if (validateSection(config, state, i, fields).length) return i;
    }
    return -1;
  }

  /**
   * The answers as the employee will read them back, section by section.
   * @param {PageConfig} config @param {State} state
   * @returns {{index: number, title: string, items: {qid: string, label: string, answer: string | null}[]}[]}
   */
  function review(config, state) {
    const ui = config.ui;
    return config.sections.map((section, index) => ({
      index,
      title: section.title,
      items: config.questions
        .filter((q) => q.section === index && isVisible(q, state.answers))
        .map((q) => {
          const wording = config.wording[q.id];
          const value = state.answers[q.id];
          /** @param {string} v */
          const label = (v) => {
            const text = (wording.options && wording.options[v]) || v;
            return v === "other" && state.other[q.id] ? `${text}: ${state.other[q.id]}` : text;
          };
          let answer = null;
          if (isAnswered(value)) {
            if (typeof value === "boolean") answer = value ? ui.yes : ui.no;
            else if (Array.isArray(value)) answer = value.map(label).join(", ");
            else if (typeof value === "number") answer = String(value);
            else if (q.type === "single_choice") answer = label(value);
            else if (q.type === "date") answer = showDate(config.questionnaire.language, value);
            else answer = value;
          }
          return { qid: q.id, label: wording.label, answer };
        }),
    }));
  }

  NS.formState = Object.freeze({
    initial,
    sanitize,
    isVisible,
    prune,
    setAnswer,
    setOther,
    validateSection,
    validateReaders,
    validateReason,
    firstInvalidSection,
    review,
    sectionCount,
    textLength,
    clean,
    format,
    isSecret,
    fromFragment,
    setContact,
    validateContact,
    number,
    readDate,
    showDate,
    READERS,
  });
})();
