/**
 * The form's fields in the DOM: read a question's answer, write one back, and show or clear
 * an error the GOV.UK way (inline message tied with aria-describedby, aria-invalid on the
 * controls, a summary whose links focus the field). No state of its own.
 *
 * Ids follow render_form.py: a question's first control is `sl-q-<id>`, its message
 * `sl-q-<id>--error`; an "other" text field `sl-q-<id>--other-text` has
 * `sl-q-<id>--other-error`; any other field `x` has `x--error`.
 *
 * Sluttsamtale.formDom = { controls, readQuestion, writeQuestion, fieldFacts, setFieldError,
 *   showErrors, onSummaryClick }
 * A classic script (module scripts are blocked on file://).
 */
(function () {
  "use strict";

  const NS = (globalThis.Sluttsamtale = globalThis.Sluttsamtale || /** @type {SluttsamtaleNamespace} */ ({}));
  /** @param {ParentNode} root @param {string} name @returns {HTMLInputElement[]} */
  function controls(root, name) {
    return Array.from(root.querySelectorAll(`[name="${name}"]`));
  }

  /**
   * The answer as the page holds it (form-state.js checks and converts it).
   * @param {ParentNode} root @param {{id: string, type: string}} q @returns {unknown}
   */
  function readQuestion(root, q) {
    const inputs = controls(root, q.id);
    const checked = inputs.filter((i) => i.checked).map((i) => i.value);
    switch (q.type) {
      case "multiple_choice":
        return checked;
      case "single_choice":
        return checked[0];
      case "scale":
        return checked.length ? parseInt(checked[0], 10) : undefined;
      case "yes_no":
        return checked.length ? checked[0] === "yes" : undefined;
      default:
        return inputs[0] ? inputs[0].value : undefined;
    }
  }

  /**
   * @param {ParentNode} root @param {{id: string, type: string}} q @param {unknown} value
   * @param {string} otherText the "other, namely" text, when the question offers one
   */
  function writeQuestion(root, q, value, otherText) {
    const inputs = controls(root, q.id);
    if (q.type === "multiple_choice") {
      for (const i of inputs) i.checked = Array.isArray(value) && value.includes(i.value);
    } else if (["single_choice", "scale", "yes_no"].includes(q.type)) {
      const want = typeof value === "boolean" ? (value ? "yes" : "no") : value;
      for (const i of inputs) i.checked = want !== undefined && i.value === String(want);
    } else if (inputs[0]) {
      inputs[0].value = typeof value === "string" ? value : "";
    }
    const other = /** @type {HTMLInputElement | null} */ (
      root.querySelector(`[data-sl-other-text="${q.id}"]`)
    );
    if (other) other.value = otherText;
  }

  /**
   * What only the DOM knows: a date field holding something the browser cannot read as a
   * date (its value is then "", as if it were empty).
   * @param {ParentNode} root @param {{id: string, type: string}[]} questions
   */
  function fieldFacts(root, questions) {
    /** @type {Object<string, {badDate: boolean}>} */
    const facts = {};
    for (const q of questions) {
      if (q.type !== "date") continue;
      const input = controls(root, q.id)[0];
      facts[q.id] = { badDate: Boolean(input && input.validity && input.validity.badInput) };
    }
    return facts;
  }

  /**
   * The element that is described (the input, or the fieldset of a group), the controls
   * that are invalid, and the message element.
   * @param {string} field
   */
  function fieldParts(field) {
    const input = /** @type {HTMLInputElement | null} */ (document.getElementById(field));
    const errorId = field.endsWith("--other-text")
      ? field.replace(/--other-text$/, "--other-error")
      : `${field}--error`;
    const error = document.getElementById(errorId);
    if (input && (input.type === "radio" || input.type === "checkbox")) {
      const group = input.closest("fieldset");
      const inputs = group ? controls(group, input.name) : [input];
      return { target: /** @type {Element | null} */ (group), inputs, error };
    }
    return { target: /** @type {Element | null} */ (input), inputs: input ? [input] : [], error };
  }

  /** @param {string} field @param {string | null} message @param {string} prefix e.g. "Feil:" */
  function setFieldError(field, message, prefix) {
    const { target, inputs, error } = fieldParts(field);
    if (!error || !target) return;
    const ids = (target.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    const others = ids.filter((id) => id !== error.id);
    if (message) {
      const hidden = document.createElement("span");
      hidden.className = "sl-visually-hidden";
      hidden.textContent = `${prefix} `;
      error.replaceChildren(hidden, message);
      error.hidden = false;
      target.setAttribute("aria-describedby", [...others, error.id].join(" "));
      for (const i of inputs) i.setAttribute("aria-invalid", "true");
    } else {
      error.hidden = true;
      error.replaceChildren();
      if (others.length) target.setAttribute("aria-describedby", others.join(" "));
      else target.removeAttribute("aria-describedby");
      for (const i of inputs) i.removeAttribute("aria-invalid");
    }
    const wrapper = target.closest(".sl-question, .sl-other");
    if (wrapper) wrapper.classList.toggle("sl-question--error", Boolean(message));
  }

  /**
   * Inline messages for `list` and none elsewhere in `scope`; the summary lists them all,
   * each a link to its field. The caller moves focus to the summary.
   * @param {Element} scope @param {Element} summary
   * @param {{field: string, message: string}[]} list @param {string} prefix
   */
  function showErrors(scope, summary, list, prefix) {
    for (const msg of Array.from(scope.querySelectorAll("[data-sl-error]"))) {
      if (/** @type {HTMLElement} */ (msg).hidden) continue;
      const field = msg.id.endsWith("--other-error")
        ? msg.id.replace(/--other-error$/, "--other-text")
        : msg.id.replace(/--error$/, "");
      setFieldError(field, null, prefix);
    }
    for (const e of list) setFieldError(e.field, e.message, prefix);
    const items = list.map((e) => {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = `#${e.field}`;
      // Each message names its question (form-state.js), as GOV.UK's summary links do.
      a.textContent = e.message;
      li.append(a);
      return li;
    });
    /** @type {Element} */ (summary.querySelector("[data-sl-error-list]")).replaceChildren(...items);
    /** @type {HTMLElement} */ (summary).hidden = list.length === 0;
  }

  /**
   * A summary link focuses the field itself (following the link would only scroll) and
   * shows its whole question, legend or label included.
   * @param {Event} event
   */
  function onSummaryClick(event) {
    const link = /** @type {HTMLElement} */ (event.target).closest("a");
    if (!link || !link.hash) return;
    const input = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!input) return;
    event.preventDefault();
    const question = input.closest("fieldset.sl-fieldset, .sl-question, .sl-other");
    input.focus({ preventScroll: true });
    (question || input).scrollIntoView({ block: "start" });
  }

  NS.formDom = Object.freeze({
    controls,
    readQuestion,
    writeQuestion,
    fieldFacts,
    setFieldError,
    showErrors,
    onSummaryClick,
  });
})();
