/**
 * The draft panels: save a draft under a passphrase, offer a stored one back, erase it; and
 * after the first save (or a restore), save every change again with the key kept in memory
 * (drafts.js: never the passphrase). A draft another tab saved or erased is never
 * overwritten without the employee choosing to take it over.
 *
 * Sluttsamtale.formDrafts = { wire, changed, upToDate }
 * A classic script (module scripts are blocked on file://).
 */
(function () {
  "use strict";

  const NS = (globalThis.Sluttsamtale = globalThis.Sluttsamtale || /** @type {SluttsamtaleNamespace} */ ({}));
  const AUTOSAVE_DELAY = 800; // ms after the last change: a pause in typing, not every key

  /**
   * What this tab knows about its draft.
   * @typedef {object} DraftLink
   * @property {DraftSession | null} session the key of the draft this tab wrote or opened
   * @property {boolean} dirty a change not yet saved
   * @property {boolean} blocked another tab saved or erased the draft since
   * @property {string | null} confirmedStamp a stored draft the employee chose to replace
   * @property {number} timer
   * @property {Promise<void>} writing
   */

  /** @type {WeakMap<FormPage, DraftLink>} */
  const links = new WeakMap();

  /** @param {FormPage} page @returns {DraftLink} */
  function link(page) {
    let l = links.get(page);
    if (!l) {
      l = { session: null, dirty: false, blocked: false, confirmedStamp: null, timer: 0, writing: Promise.resolve() };
      links.set(page, l);
    }
    return l;
  }

  /** @param {string} id */
  function input(id) {
    return /** @type {HTMLInputElement} */ (document.getElementById(id));
  }

  /** @param {FormPage} page @param {string | null} iso */
  function when(page, iso) {
    const date = iso ? new Date(iso) : null;
    if (!date || isNaN(date.getTime())) return iso || "";
    return date.toLocaleString(page.config.questionnaire.language, { dateStyle: "long", timeStyle: "short" });
  }

  /** "Draft last saved at 10:42", under the buttons. @param {FormPage} page @param {string} iso */
  function showSaved(page, iso) {
    const F = /** @type {FormStateAPI} */ (NS.formState);
    const line = page.$("autosaved");
    const date = new Date(iso);
    const time = date.toLocaleTimeString(page.config.questionnaire.language, { hour: "2-digit", minute: "2-digit" });
    line.textContent = F.format(page.ui.autosaved, { time });
    line.hidden = false;
  }

  /** @param {FormPage} page */
  function showTools(page) {
    const drafts = NS.drafts;
    const stored = Boolean(drafts && drafts.has(page.setId));
    page.el.eraseAll.hidden = !stored;
  }

  /** @param {FormPage} page @param {DraftsAPI} drafts */
  async function save(page, drafts) {
    const F = /** @type {FormStateAPI} */ (NS.formState);
    const l = link(page);
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
    // A draft this tab did not write (another tab's, or one not restored): said first, and
    // replaced only when the employee asks again.
    const stored = drafts.stamp(page.setId);
    const ours = l.session && l.session.stamp === stored;
    const exists = page.$("save-exists");
    if (stored !== null && !ours && l.confirmedStamp !== stored) {
      page.$("save-exists-text").textContent = F.format(page.ui.save_exists, {
        when: when(page, drafts.savedAt(page.setId)),
      });
      exists.hidden = false;
      l.confirmedStamp = stored;
      page.say(page.$("save-exists-text").textContent || "");
      return;
    }
    let session;
    try {
      session = await drafts.save(page.setId, page.state, p1.value);
    } catch {
      page.setFieldError("sl-save-pass", page.ui.save_failed);
      p1.focus();
      return;
    }
    exists.hidden = true;
    l.confirmedStamp = null;
    adopt(page, session);
    p1.value = "";
    p2.value = "";
    page.setOpen(page.el.saveToggle, page.el.savePanel, false);
    page.el.saveToggle.focus();
    page.say(page.ui.saved);
  }

  /** This tab now keeps the draft. @param {FormPage} page @param {DraftSession} session */
  function adopt(page, session) {
    const l = link(page);
    l.session = session;
    l.dirty = false;
    l.blocked = false;
    page.$("elsewhere").hidden = true;
    showSaved(page, session.savedAt);
    showTools(page);
  }

  /**
   * A change on the page: saved again shortly, when this tab keeps a draft.
   * @param {FormPage} page
   */
  function changed(page) {
    const l = link(page);
    if (!l.session || page.sealed) return;
    l.dirty = true;
    window.clearTimeout(l.timer);
    l.timer = window.setTimeout(() => autosave(page), AUTOSAVE_DELAY);
  }

  /** @param {FormPage} page @param {boolean} [takeOver] */
  function autosave(page, takeOver) {
    const drafts = NS.drafts;
    const l = link(page);
    if (!drafts || !l.session || page.sealed || (l.blocked && !takeOver)) return l.writing;
    const session = l.session;
    l.writing = l.writing.then(async () => {
      try {
        const next = await drafts.update(session, page.state, takeOver);
        adopt(page, next);
      } catch (e) {
        if (e instanceof Error && e.message === "changed elsewhere") block(page);
        else page.say(page.ui.save_failed);
      }
    });
    return l.writing;
  }

  /** Another tab saved or erased the draft: stop, and offer to take it over. @param {FormPage} page */
  function block(page) {
    const l = link(page);
    if (l.blocked || page.sealed) return;
    l.blocked = true;
    window.clearTimeout(l.timer);
    page.$("autosaved").hidden = true;
    const panel = page.$("elsewhere");
    panel.hidden = false;
    page.say(page.ui.elsewhere_title);
    showTools(page);
  }

  /** @param {FormPage} page */
  function upToDate(page) {
    const l = link(page);
    return Boolean(l.session) && !l.dirty && !l.blocked;
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
    let opened;
    try {
      opened = await drafts.unlock(page.setId, field.value);
    } catch (e) {
      page.setFieldError("sl-restore-pass", restoreError(page, e instanceof Error ? e.message : ""));
      field.focus();
      return;
    }
    field.value = "";
    page.setFieldError("sl-restore-pass", null);
    let state = F.sanitize(page.config, opened.state);
    // A restored draft without a link keeps the one this page was opened with.
    if (!state.link && page.linkSecret) state = { ...state, link: page.linkSecret };
    page.replaceState(state);
    adopt(page, opened.session);
    page.el.restore.hidden = true;
    page.say(page.ui.restored);
    page.focusSection();
  }

  /** @param {FormPage} page @param {DraftsAPI} drafts */
  function offer(page, drafts) {
    const F = /** @type {FormStateAPI} */ (NS.formState);
    if (!drafts.has(page.setId)) return;
    const shown = when(page, drafts.savedAt(page.setId));
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
      const l = link(page);
      window.clearTimeout(l.timer);
      l.session = null; // erased means no more saving, here or by a timer
      l.dirty = false;
      drafts.erase(page.setId);
      el.restore.hidden = true;
      page.$("autosaved").hidden = true;
      page.$("erase-draft").hidden = true;
      showTools(page);
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
    page.$("take-over").addEventListener("click", async () => {
      const l = link(page);
      if (!l.session) return;
      await autosave(page, true);
      if (!l.blocked) {
        page.say(page.ui.saved);
        page.focusSection();
      }
    });
    // Another tab wrote or erased this set's draft: this one is told at once.
    window.addEventListener("storage", (event) => {
      const l = link(page);
      // A null key: the whole storage was cleared.
      if (event.key !== null && !event.key.startsWith(`sluttsamtale:${page.setId}:`)) return;
      if (l.session && drafts.stamp(page.setId) !== l.session.stamp) block(page);
      else if (!l.session) {
        if (drafts.has(page.setId)) offer(page, drafts);
        else el.restore.hidden = true;
        showTools(page);
      }
    });
    offer(page, drafts);
    showTools(page);
  }

  NS.formDrafts = Object.freeze({ wire, changed, upToDate });
})();
