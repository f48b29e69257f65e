/**
 * The draft panels: save a draft under a passphrase, offer a stored one back, erase it.
 * The storage itself (and its encryption) is drafts.js; this file only wires the panels.
 *
 * Sluttsamtale.formDrafts = { wire }
 * A classic script (module scripts are blocked on file://).
 */
(function () {
  "use strict";

  const NS = (globalThis.Sluttsamtale = globalThis.Sluttsamtale || /** @type {SluttsamtaleNamespace} */ ({}));

  /** @param {string} id */
  function input(id) {
    return /** @type {HTMLInputElement} */ (document.getElementById(id));
  }

  /** @param {FormPage} page @param {DraftsAPI} drafts */
  async function save(page, drafts) {
    const F = /** @type {FormStateAPI} */ (NS.formState);
    const p1 = input("sl-save-pass");
    const p2 = input("sl-save-pass2");
    const short = F.textLength(p1.value) < 8;
    page.setFieldError("sl-save-pass", short ? page.ui.err_pass_short : null);
    const mismatch = !short && p1.value !== p2.value;
    page.setFieldError("sl-save-pass2", mismatch ? page.ui.err_pass_mismatch : null);
    if (short || mismatch) {
      (short ? p1 : p2).focus();
      return;
    }
    try {
      await drafts.save(page.setId, page.state, p1.value);
    } catch {
      page.setFieldError("sl-save-pass", page.ui.save_failed);
      p1.focus();
      return;
    }
    p1.value = "";
    p2.value = "";
    page.setOpen(page.el.saveToggle, page.el.savePanel, false);
    page.el.saveToggle.focus();
    page.say(page.ui.saved);
  }

  /** @param {FormPage} page @param {string} message from drafts.restore */
  function restoreError(page, message) {
    if (message === "wrong passphrase") return page.ui.err_wrong_pass;
    if (message === "passphrase too short") return page.ui.err_pass_short;
    return page.ui.restore_failed;
  }

  /** @param {FormPage} page @param {DraftsAPI} drafts */
  async function restore(page, drafts) {
    const F = /** @type {FormStateAPI} */ (NS.formState);
    const field = input("sl-restore-pass");
    let restored;
    try {
      restored = await drafts.restore(page.setId, field.value);
    } catch (e) {
      page.setFieldError("sl-restore-pass", restoreError(page, e instanceof Error ? e.message : ""));
      field.focus();
      return;
    }
    field.value = "";
    page.setFieldError("sl-restore-pass", null);
    let state = F.sanitize(page.config, restored);
    // A restored draft without a link keeps the one this page was opened with.
    if (!state.link && page.linkSecret) state = { ...state, link: page.linkSecret };
    page.replaceState(state);
    page.el.restore.hidden = true;
    page.say(page.ui.restored);
    page.focusSection();
  }

  /** @param {FormPage} page @param {DraftsAPI} drafts */
  function offer(page, drafts) {
    const F = /** @type {FormStateAPI} */ (NS.formState);
    if (!drafts.has(page.setId)) return;
    const when = drafts.savedAt(page.setId);
    const date = when ? new Date(when) : null;
    const shown =
      date && !isNaN(date.getTime())
        ? date.toLocaleString(page.config.questionnaire.language, { dateStyle: "long", timeStyle: "short" })
        : when;
    page.$("restore-when").textContent = shown ? F.format(page.ui.restore_saved_at, { when: shown }) : "";
    page.el.restore.hidden = false;
  }

  /**
   * The panels' events, and the offer of a stored draft. Without drafts.js nothing can be
   * stored, so the buttons that save or erase are hidden.
   * @param {FormPage} page
   */
  function wire(page) {
    const drafts = NS.drafts;
    const el = page.el;
    if (!drafts) {
      for (const name of ["save-toggle", "erase-all", "erase-draft"]) page.$(name).hidden = true;
      return;
    }
    const erase = () => {
      drafts.erase(page.setId);
      el.restore.hidden = true;
      page.say(page.ui.erased);
    };
    el.saveToggle.addEventListener("click", () => {
      const open = el.savePanel.hidden;
      page.setOpen(el.saveToggle, el.savePanel, open);
      if (open) input("sl-save-pass").focus();
    });
    page.$("save-go").addEventListener("click", () => save(page, drafts));
    page.$("save-cancel").addEventListener("click", () => {
      page.setOpen(el.saveToggle, el.savePanel, false);
      el.saveToggle.focus();
    });
    page.$("restore-go").addEventListener("click", () => restore(page, drafts));
    el.restore.addEventListener("submit", () => restore(page, drafts)); // Enter in the field
    page.$("restore-erase").addEventListener("click", erase);
    el.eraseAll.addEventListener("click", erase);
    page.$("erase-draft").addEventListener("click", erase);
    offer(page, drafts);
  }

  NS.formDrafts = Object.freeze({ wire });
})();
