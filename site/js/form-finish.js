/**
 * The end of the form: seal the answers (or the decline) with payload.js, then show the
 * result: a file to download, the same as a text block to copy, and the receipt code.
 * Nothing is sent anywhere from here.
 *
 * Sluttsamtale.formFinish = { seal, copyArmored }
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
    const eraseButton = page.$("erase-draft");
    if (eraseButton) eraseButton.hidden = true;
  }

  /** @param {FormPage} page */
  async function copyArmored(page) {
    const area = /** @type {HTMLTextAreaElement} */ (page.$("armored"));
    try {
      if (!navigator.clipboard) throw new Error("no clipboard");
      await navigator.clipboard.writeText(area.value);
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
      page.say(ok ? page.ui.copied : page.ui.copy_failed);
    }
  }

  NS.formFinish = Object.freeze({ seal, copyArmored });
})();
