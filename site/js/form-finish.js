/**
 * The end of the form: seal the answers (or the decline) with payload.js, then show the
 * result: a file to download, the same as a text block to copy, and the receipt code.
 * Nothing is sent anywhere from here.
 *
 * Sluttsamtale.formFinish = { seal, copyArmored, printCopy, saveCopy }
 * A classic script (module scripts are blocked on file://).
 */
(function () {
  "use strict";

  const NS = (globalThis.Sluttsamtale = globalThis.Sluttsamtale || /** @type {SluttsamtaleNamespace} */ ({}));

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

  /**
   * Seal `toSeal`; on success the form gives way to the result.
   * @param {FormPage} page @param {State} toSeal
   * @param {HTMLButtonElement[]} buttons disabled while sealing
   * @param {HTMLElement} summary where a failure is shown
   */
  async function seal(page, toSeal, buttons, summary) {
    const payload = NS.payload;
    const F = /** @type {FormStateAPI} */ (NS.formState);
    if (!payload || !(await page.canSeal)) return;
    for (const b of buttons) b.disabled = true;
    page.say(page.ui.sealing);
    try {
      const built = payload.build(page.config, toSeal);
      const jobs = payload.split(page.config, built, toSeal.contact);
      const result = await payload.sealParts(jobs, payload.readSecret(toSeal.link));
      showResult(page, result, toSeal.declined);
      eraseDraftIfAsked(page);
      const drafts = NS.drafts;
      page.$("erase-draft").hidden = !(drafts && drafts.has(page.setId));
      ownCopy(page, toSeal);
    } catch (e) {
      page.say("");
      const reason = e instanceof Error ? e.message : String(e);
      showFailure(summary, F.format(page.ui.seal_failed, { reason }));
      for (const b of buttons) b.disabled = false;
    }
  }

  /** @param {FormPage} page @param {Sealed} r @param {boolean} declined */
  function showResult(page, r, declined) {
    const el = page.el;
    page.sealed = true;
    if (page.blobUrl) URL.revokeObjectURL(page.blobUrl);
    page.blobUrl = URL.createObjectURL(new Blob([r.fileBytes], { type: "application/json" }));
    const link = /** @type {HTMLAnchorElement} */ (page.$("download"));
    link.href = page.blobUrl;
    link.download = r.fileName;
    if (declined) link.textContent = page.ui.download_declined;
    page.$("filename").textContent = r.fileName;
    /** @type {HTMLTextAreaElement} */ (page.$("armored")).value = r.armored;
    page.$("receipt").textContent = r.receipt;
    const mail = /** @type {HTMLAnchorElement | null} */ (page.$("mailto"));
    if (mail && page.config.return_address) {
      const subject = encodeURIComponent(page.ui.mail_subject);
      mail.href = `mailto:${page.config.return_address}?subject=${subject}&body=${encodeURIComponent(r.armored)}`;
    }
    const title = /** @type {HTMLElement} */ (page.$("result-title"));
    title.textContent = declined ? page.ui.result_declined_title : page.ui.result_title;
    for (const part of [el.form, el.decline, el.restore, el.savePanel, el.saveToggle]) {
      part.hidden = true;
    }
    el.result.hidden = false;
    page.say("");
    title.focus();
  }

  /**
   * The employee's choice on the last step, ticked by default: the saved draft goes once
   * the answers are sealed, so nothing readable is left behind on the device.
   * @param {FormPage} page
   */
  function eraseDraftIfAsked(page) {
    const box = /** @type {HTMLInputElement | null} */ (page.$("erase-after"));
    const drafts = NS.drafts;
    if (!box || !box.checked || !drafts || !drafts.has(page.setId)) return;
    drafts.erase(page.setId);
    const note = page.$("draft-erased");
    if (note) note.hidden = false;
  }

  /**
   * The employee's own readable copy of what they sealed, built from the same review they
   * checked: marked as theirs on every page, printed or saved only when they ask.
   * @param {FormPage} page @param {State} sealed
   */
  function ownCopy(page, sealed) {
    const F = /** @type {FormStateAPI} */ (NS.formState);
    const box = page.$("own-copy");
    box.textContent = "";
    const h = document.createElement("h2");
    h.textContent = page.ui.own_copy_heading;
    const note = document.createElement("p");
    note.textContent = page.ui.own_copy_note;
    const title = document.createElement("p");
    title.textContent = page.config.questionnaire.title;
    box.append(h, note, title);
    if (sealed.declined) return;
    for (const part of F.review(page.config, sealed)) {
      const h3 = document.createElement("h3");
      h3.textContent = part.title;
      const dl = document.createElement("dl");
      for (const item of part.items) {
        const dt = document.createElement("dt");
        dt.textContent = item.label;
        const dd = document.createElement("dd");
        dd.textContent = item.answer === null ? page.ui.not_answered : item.answer;
        dl.append(dt, dd);
      }
      box.append(h3, dl);
    }
  }

  /** Print only the own copy (sluttsamtale.css hides the rest). @param {FormPage} page */
  function printCopy(page) {
    document.documentElement.classList.add("sl-print-copy");
    window.print();
  }

  /** The own copy as a small HTML file, downloaded only on request. @param {FormPage} page */
  function saveCopy(page) {
    const box = page.$("own-copy");
    const lang = page.config.questionnaire.language;
    const esc = (/** @type {string} */ t) =>
      t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
    const html =
      `<!doctype html><html lang="${esc(lang)}"><head><meta charset="utf-8">` +
      `<title>${esc(page.ui.own_copy_heading)}</title>` +
      "<style>body{font:1rem/1.5 sans-serif;max-width:40em;margin:2em auto;padding:0 1em}" +
      "dt{font-weight:700;margin-top:1em}dd{margin:0;white-space:pre-wrap}</style>" +
      `</head><body>${box.innerHTML}</body></html>`;
    const url = URL.createObjectURL(new Blob([html], { type: "text/html" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `${page.setId}-${page.ui.own_copy_file}.html`;
    document.body.append(a);
    a.click();
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  /** @param {FormPage} page */
  async function copyArmored(page) {
    const area = /** @type {HTMLTextAreaElement} */ (page.$("armored"));
    try {
      if (!navigator.clipboard) throw new Error("no clipboard");
      await navigator.clipboard.writeText(area.value);
      page.kept = true;
      page.say(page.ui.copied);
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
      if (ok) page.kept = true;
      page.say(ok ? page.ui.copied : page.ui.copy_failed);
    }
  }

  NS.formFinish = Object.freeze({ seal, copyArmored, printCopy, saveCopy });
})();
