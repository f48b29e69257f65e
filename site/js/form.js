/**
 * The answering page: reads the form into the state (form-state.js), applies the state to
 * the page in one place (render), and seals with payload.js. Components are found by
 * data-sl-* attributes; the question set arrives as one JSON block (#sluttsamtale-config).
 *
 * Nothing is stored unless the employee saves a draft (drafts.js does that), nothing is
 * sent anywhere: the result is a file to download and a text block to copy.
 *
 * Sluttsamtale.form = { applyPrefill, state }
 * A classic script (module scripts are blocked on file://).
 */
(function () {
  "use strict";

  const NS = /** @type {any} */ (globalThis).Sluttsamtale || {};
  /** @typedef {import("./form-state.js").State} State */

  /**
   * Invitation data from the link's fragment (spec/FORMAT.md section 14): the token goes
   * into the state (so into the payload, and into a saved draft), the facts prefill their
   * questions. Read once, at load; the fragment is never sent anywhere.
   * @param {any} config @param {any} state @param {string} [fragment] defaults to location.hash
   * @returns {any}
   */
  function applyPrefill(config, state, fragment) {
    const F = NS.formState;
    const text = fragment === undefined ? window.location.hash : fragment;
    if (!text.includes("=")) return state; // an ordinary "#anchor", not an invitation
    const next = F.fromFragment(config, state, text);
    if (fragment === undefined) {
      // Drop the fragment from the address bar, so the name and dates do not linger in the
      // tab's history, a bookmark or a copied address (the state keeps what it needs).
      const url = window.location.pathname + window.location.search;
      try {
        window.history.replaceState(window.history.state, "", url);
      } catch {
        // Some file:// setups refuse replaceState; the prefill itself still holds.
      }
    }
    return next;
  }

  /** @param {Element} rootEl @param {any} config */
  function setup(rootEl, config) {
    const F = NS.formState;
    const ui = config.ui;
    const setId = config.questionnaire.id;
    /** @param {string} name @returns {any} */
    const $ = (name) => rootEl.querySelector(`[data-sl-${name}]`);
    /** @param {string} name @returns {any[]} */
    const $$ = (name) => Array.from(rootEl.querySelectorAll(`[data-sl-${name}]`));
    const form = $("form");
    const sections = $$("section");
    const el = {
      progress: $("progress"),
      progressText: $("progress-text"),
      progressBar: $("progress-bar"),
      summary: form.querySelector("[data-sl-error-summary]"),
      nav: $("nav"),
      back: $("back"),
      next: $("next"),
      finish: $("finish"),
      review: $("review"),
      status: $("status"),
      toolbar: $("toolbar"),
      saveToggle: $("save-toggle"),
      savePanel: $("save-panel"),
      eraseAll: $("erase-all"),
      restore: $("restore"),
      decline: $("decline"),
      declineToggle: $("decline-toggle"),
      declineForm: $("decline-form"),
      declineSeal: $("decline-seal"),
      unsupported: $("unsupported"),
      result: $("result"),
    };
    const drafts = NS.drafts;
    /** @type {State} */
    let state = applyPrefill(config, F.initial(config));
    // A restored draft without a code keeps the one this link brought.
    const linkInvitation = state.invitation;
    /** @type {{qid: string, field: string, message: string}[]} */
    let errors = [];
    let sealed = false;
    /** @type {string | null} */
    let blobUrl = null;
    const canSeal = NS.hpke && NS.payload ? NS.hpke.supported() : Promise.resolve(false);

    const D = NS.formDom;
    const controls = (/** @type {string} */ name) => D.controls(rootEl, name);
    const readQuestion = (/** @type {any} */ q) => D.readQuestion(rootEl, q);
    const fieldFacts = () => D.fieldFacts(rootEl, config.questions);
    const setFieldError = (/** @type {string} */ field, /** @type {string | null} */ message) =>
      D.setFieldError(field, message, ui.error_prefix);
    const showErrors = (
      /** @type {Element} */ scope,
      /** @type {Element} */ summary,
      /** @type {{field: string, message: string}[]} */ list,
    ) => D.showErrors(scope, summary, list, ui.error_prefix);

    /** @param {any} q @param {unknown} value */
    function writeQuestion(q, value) {
      D.writeQuestion(rootEl, q, value, state.other[q.id] || "");
    }

    function writeAll() {
      for (const q of config.questions) writeQuestion(q, state.answers[q.id]);
      for (const r of controls("readers")) r.checked = r.value === state.readers;
    }

    let sayTimer = 0;

    /** A message in the status line ("" clears it). @param {string} message */
    function say(message) {
      // Emptied first, then filled a moment later, so the same words said twice are
      // announced twice; a newer message cancels one still waiting.
      window.clearTimeout(sayTimer);
      el.status.textContent = "";
      if (message) {
        sayTimer = window.setTimeout(() => {
          el.status.textContent = message;
        }, 50);
      }
    }

    /**
     * A failure that is nobody's field (sealing went wrong): alone in the summary.
     * @param {HTMLElement} summary @param {string} message
     */
    function showFailure(summary, message) {
      const li = document.createElement("li");
      li.textContent = message;
      /** @type {Element} */ (summary.querySelector("[data-sl-error-list]")).replaceChildren(li);
      summary.hidden = false;
      summary.focus();
    }

    // ---------------------------------------------------------------- render: state -> DOM

    function render() {
      const last = F.sectionCount(config) - 1;
      sections.forEach((s, i) => {
        s.hidden = i !== state.section;
      });
      for (const q of config.questions) {
        const wrapper = form.querySelector(`[data-sl-question="${q.id}"]`);
        const visible = F.isVisible(q, state.answers);
        if (wrapper.hidden === visible) wrapper.hidden = !visible;
        if (!visible) writeQuestion(q, undefined); // a hidden answer is not kept
        const other = form.querySelector(`[data-sl-other="${q.id}"]`);
        if (other) {
          const value = state.answers[q.id];
          other.hidden = !(value === "other" || (Array.isArray(value) && value.includes("other")));
          if (other.hidden) /** @type {HTMLInputElement} */ (other.querySelector("input")).value = "";
        }
      }
      const n = state.section + 1;
      el.progressText.textContent = F.format(ui.progress, { n, total: last + 1 });
      el.progressBar.value = n;
      el.back.hidden = state.section === 0;
      el.next.hidden = state.section === last;
      el.finish.hidden = state.section !== last;
      if (state.section === last) renderReview();
      // Errors are shown on Next and Finish, not while typing (the summary is an alert, and
      // would be read out again on every key); only one whose question just hid goes away.
      const shown = errors.filter((e) => isShown(e.field));
      if (shown.length !== errors.length) {
        errors = shown;
        applyErrors();
      }
    }

    function applyErrors() {
      showErrors(form, el.summary, errors);
    }

    /** @param {string} field */
    function isShown(field) {
      const input = document.getElementById(field);
      return Boolean(input && !input.closest("[hidden]"));
    }

    function renderReview() {
      el.review.textContent = "";
      for (const part of F.review(config, state)) {
        const h = document.createElement("h3");
        h.textContent = part.title;
        const dl = document.createElement("dl");
        dl.className = "sl-review__list";
        for (const item of part.items) {
          const dt = document.createElement("dt");
          dt.textContent = item.label;
          const dd = document.createElement("dd");
          dd.textContent = item.answer === null ? ui.not_answered : item.answer;
          if (item.answer === null) dd.className = "sl-review__none";
          dl.append(dt, dd);
        }
        const change = document.createElement("button");
        change.type = "button";
        change.className = "sl-button sl-button--secondary sl-button--small";
        change.textContent = F.format(ui.change_section, { title: part.title });
        change.addEventListener("click", () => goTo(part.index));
        el.review.append(h, dl, change);
      }
    }

    // ---------------------------------------------------------------- moving about

    /** @param {number} index */
    function goTo(index) {
      errors = [];
      state = { ...state, section: index };
      render();
      applyErrors();
      focusSection();
    }

    function focusSection() {
      const title = sections[state.section].querySelector(".sl-section__title");
      title.focus();
    }

    /** @param {Element} summary */
    function focusSummary(summary) {
      /** @type {HTMLElement} */ (summary).focus();
    }

    function next() {
      errors = F.validateSection(config, state, state.section, fieldFacts());
      if (errors.length) {
        render();
        applyErrors();
        focusSummary(el.summary);
        return;
      }
      goTo(state.section + 1);
    }

    async function finish() {
      const bad = F.firstInvalidSection(config, state, fieldFacts());
      if (bad >= 0) {
        state = { ...state, section: bad };
        errors = F.validateSection(config, state, bad, fieldFacts());
      } else {
        errors = F.validateReaders(config, state, "sl-readers");
      }
      render();
      applyErrors();
      if (errors.length) {
        focusSummary(el.summary);
        return;
      }
      await seal({ ...state, declined: false, decline_reason: null }, [el.finish], el.summary);
    }

    async function declineSeal() {
      const reasonInput = /** @type {HTMLTextAreaElement} */ (document.getElementById("sl-decline-reason"));
      const reason = F.clean(reasonInput.value);
      const picked = controls("decline_readers").find((i) => i.checked);
      const readers = picked ? picked.value : null;
      const list = [
        ...F.validateReason(config, reason, "sl-decline-reason"),
        ...F.validateReaders(config, { ...state, readers }, "sl-decline-readers"),
      ];
      const summary = el.declineForm.querySelector("[data-sl-error-summary]");
      showErrors(el.declineForm, summary, list);
      if (list.length) {
        focusSummary(summary);
        return;
      }
      await seal(
        {
          ...state,
          answers: {},
          other: {},
          declined: true,
          decline_reason: reason.trim() ? reason : null,
          readers,
        },
        [el.declineSeal, el.finish],
        summary,
      );
    }

    // ---------------------------------------------------------------- sealing

    /**
     * @param {State} toSeal @param {HTMLButtonElement[]} buttons disabled while sealing
     * @param {HTMLElement} summary where a failure is shown
     */
    async function seal(toSeal, buttons, summary) {
      if (!(await canSeal)) return;
      for (const b of buttons) b.disabled = true;
      say(ui.sealing);
      try {
        const payload = NS.payload.build(config, toSeal);
        const result = await NS.payload.sealParts(NS.payload.split(config, payload));
        showResult(result, toSeal.declined);
      } catch (e) {
        say("");
        const reason = e instanceof Error ? e.message : String(e);
        showFailure(summary, F.format(ui.seal_failed, { reason }));
        for (const b of buttons) b.disabled = false;
      }
    }

    /** @param {{fileBytes: Uint8Array, armored: string, receipt: string, fileName: string}} r @param {boolean} declined */
    function showResult(r, declined) {
      sealed = true;
      if (blobUrl) URL.revokeObjectURL(blobUrl);
      blobUrl = URL.createObjectURL(new Blob([r.fileBytes], { type: "application/json" }));
      const link = $("download");
      link.href = blobUrl;
      link.download = r.fileName;
      $("filename").textContent = r.fileName;
      $("armored").value = r.armored;
      $("receipt").textContent = r.receipt;
      $("result-title").textContent = declined ? ui.result_declined_title : ui.result_title;
      form.hidden = true;
      el.decline.hidden = true;
      el.restore.hidden = true;
      el.savePanel.hidden = true;
      el.saveToggle.hidden = true;
      el.result.hidden = false;
      say("");
      $("result-title").focus();
    }

    async function copyArmored() {
      const area = /** @type {HTMLTextAreaElement} */ ($("armored"));
      try {
        if (!navigator.clipboard) throw new Error("no clipboard");
        await navigator.clipboard.writeText(area.value);
        say(ui.copied);
      } catch {
        // No Clipboard API (or no permission): the old way still works in most browsers.
        area.focus();
        area.select();
        let ok = false;
        try {
          ok = document.execCommand("copy");
        } catch {
          ok = false;
        }
        say(ok ? ui.copied : ui.copy_failed);
      }
    }

    // ---------------------------------------------------------------- drafts

    /** @param {HTMLElement} toggle @param {HTMLElement} panel @param {boolean} open */
    function setOpen(toggle, panel, open) {
      toggle.setAttribute("aria-expanded", String(open));
      panel.hidden = !open;
    }

    function passphrase(/** @type {string} */ id) {
      return /** @type {HTMLInputElement} */ (document.getElementById(id));
    }

    async function saveDraft() {
      const p1 = passphrase("sl-save-pass");
      const p2 = passphrase("sl-save-pass2");
      const short = F.textLength(p1.value) < 8;
      setFieldError("sl-save-pass", short ? ui.err_pass_short : null);
      const mismatch = !short && p1.value !== p2.value;
      setFieldError("sl-save-pass2", mismatch ? ui.err_pass_mismatch : null);
      if (short || mismatch) {
        (short ? p1 : p2).focus();
        return;
      }
      try {
        await drafts.save(setId, state, p1.value);
      } catch {
        setFieldError("sl-save-pass", ui.save_failed);
        p1.focus();
        return;
      }
      p1.value = "";
      p2.value = "";
      setOpen(el.saveToggle, el.savePanel, false);
      el.saveToggle.focus();
      say(ui.saved);
    }

    async function restoreDraft() {
      const input = passphrase("sl-restore-pass");
      let restored;
      try {
        restored = await drafts.restore(setId, input.value);
      } catch (e) {
        const message = e instanceof Error ? e.message : "";
        const text =
          message === "wrong passphrase" ? ui.err_wrong_pass
          : message === "passphrase too short" ? ui.err_pass_short
          : ui.restore_failed;
        setFieldError("sl-restore-pass", text);
        input.focus();
        return;
      }
      input.value = "";
      setFieldError("sl-restore-pass", null);
      state = F.sanitize(config, restored);
      if (!state.invitation && linkInvitation) state = { ...state, invitation: linkInvitation };
      errors = [];
      writeAll();
      render();
      applyErrors();
      el.restore.hidden = true;
      say(ui.restored);
      focusSection();
    }

    function eraseDraft() {
      drafts.erase(setId);
      el.restore.hidden = true;
      say(ui.erased);
    }

    function showRestoreOffer() {
      if (!drafts || !drafts.has(setId)) return;
      const when = drafts.savedAt(setId);
      const date = when ? new Date(when) : null;
      const shown =
        date && !isNaN(date.getTime())
          ? date.toLocaleString(config.questionnaire.language, { dateStyle: "long", timeStyle: "short" })
          : when;
      $("restore-when").textContent = shown ? F.format(ui.restore_saved_at, { when: shown }) : "";
      el.restore.hidden = false;
    }

    // ---------------------------------------------------------------- events

    /** @param {Event} event */
    function onInput(event) {
      const target = /** @type {HTMLInputElement} */ (event.target);
      if (target.name === "readers") {
        state = { ...state, readers: target.checked ? /** @type {any} */ (target.value) : state.readers };
      } else if (target.dataset.slOtherText) {
        state = F.setOther(config, state, target.dataset.slOtherText, target.value);
      } else {
        const wrapper = /** @type {HTMLElement | null} */ (target.closest("[data-sl-question]"));
        const q = wrapper && config.questions.find((x) => x.id === wrapper.dataset.slQuestion);
        if (!q) return;
        state = F.setAnswer(config, state, q.id, readQuestion(q));
      }
      render();
    }

    form.addEventListener("input", onInput);
    form.addEventListener("change", onInput);
    for (const f of rootEl.querySelectorAll("form")) {
      f.addEventListener("submit", (e) => e.preventDefault()); // nothing is ever submitted
    }
    for (const s of $$("error-summary")) s.addEventListener("click", D.onSummaryClick);
    el.back.addEventListener("click", () => goTo(Math.max(0, state.section - 1)));
    el.next.addEventListener("click", next);
    el.finish.addEventListener("click", finish);
    el.declineToggle.addEventListener("click", () => {
      const open = el.declineForm.hidden;
      setOpen(el.declineToggle, el.declineForm, open);
      if (open) /** @type {HTMLElement} */ (document.getElementById("sl-decline-reason")).focus();
    });
    el.declineSeal.addEventListener("click", declineSeal);
    $("print").addEventListener("click", () => window.print());
    $("copy").addEventListener("click", copyArmored);

    if (drafts) {
      el.saveToggle.addEventListener("click", () => {
        const open = el.savePanel.hidden;
        setOpen(el.saveToggle, el.savePanel, open);
        if (open) passphrase("sl-save-pass").focus();
      });
      $("save-go").addEventListener("click", saveDraft);
      $("save-cancel").addEventListener("click", () => {
        setOpen(el.saveToggle, el.savePanel, false);
        el.saveToggle.focus();
      });
      $("restore-go").addEventListener("click", restoreDraft);
      el.restore.addEventListener("submit", restoreDraft); // Enter in the passphrase field
      $("restore-erase").addEventListener("click", eraseDraft);
      el.eraseAll.addEventListener("click", eraseDraft);
      $("erase-draft").addEventListener("click", () => {
        drafts.erase(setId);
        say(ui.erased);
      });
      showRestoreOffer();
    } else {
      // Without drafts.js nothing can be stored, so there is nothing to save or erase.
      el.saveToggle.hidden = true;
      el.eraseAll.hidden = true;
      $("erase-draft").hidden = true;
    }

    canSeal.then((ok) => {
      if (ok || sealed) return;
      el.unsupported.hidden = false;
      el.finish.disabled = true;
      el.declineSeal.disabled = true;
    });

    rootEl.classList.add("sl-js");
    for (const part of [el.progress, el.nav, el.toolbar, el.decline]) part.hidden = false;
    writeAll();
    render();

    return { state: () => state };
  }

  let instance = /** @type {{state: () => any} | null} */ (null);

  function start() {
    const rootEl = document.querySelector("[data-sl-root]");
    const data = document.getElementById("sluttsamtale-config");
    if (!rootEl || !data || !NS.formState || !NS.formDom) return;
    instance = setup(rootEl, JSON.parse(data.textContent || "{}"));
  }

  NS.form = Object.freeze({
    applyPrefill,
    /** The current state, for tests. */
    state: () => (instance ? instance.state() : null),
  });
  /** @type {any} */ (globalThis).Sluttsamtale = NS;

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
