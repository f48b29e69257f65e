/**
 * The answering page: reads the form into the state (form-state.js), applies the state to
 * the page in one place (render), and hands the end to form-finish.js and the draft panels
 * to form-drafts.js. Components are found by data-sl-* attributes; the question set arrives
 * as one JSON block (#sluttsamtale-config).
 *
 * Nothing is stored unless the employee saves a draft (drafts.js does that), nothing is
 * sent anywhere: the result is a file to download and a text block to copy.
 *
 * Sluttsamtale.form = { applyPrefill, state }
 * A classic script (module scripts are blocked on file://).
 */
(function () {
  "use strict";

  const NS = (globalThis.Sluttsamtale = globalThis.Sluttsamtale || /** @type {SluttsamtaleNamespace} */ ({}));
  const F = () => /** @type {FormStateAPI} */ (NS.formState);
  const D = () => /** @type {FormDomAPI} */ (NS.formDom);

  /**
   * The invitation link's secret from the fragment (spec/FORMAT.md section 14): it goes
   * into the state (and so into a saved draft) and binds HR's part when sealing. Read
   * once, at load; the fragment is never sent anywhere.
   * @param {State} state @param {string} [fragment] defaults to location.hash
   * @returns {State}
   */
  function applyLink(state, fragment) {
    const text = fragment === undefined ? window.location.hash : fragment;
    if (!text.includes("=")) return state; // an ordinary "#anchor", not an invitation
    const next = F().fromFragment(state, text);
    if (fragment === undefined) {
      // Drop the fragment from the address bar, so the secret does not stay in a bookmark
      // or a copied address (the state keeps it; the page tells about browser history).
      const url = window.location.pathname + window.location.search;
      try {
        window.history.replaceState(window.history.state, "", url);
      } catch {
        // Some file:// setups refuse replaceState; the prefill itself still holds.
      }
    }
    return next;
  }

  // ---------------------------------------------------------------- the page's parts

  /** @param {Element} root @returns {(name: string) => HTMLElement} */
  function finder(root) {
    return (name) => /** @type {HTMLElement} */ (root.querySelector(`[data-sl-${name}]`));
  }

  /** @param {Element} root @returns {FormElements} */
  function elements(root) {
    const $ = finder(root);
    const form = /** @type {HTMLFormElement} */ ($("form"));
    return {
      form,
      sections: Array.from(root.querySelectorAll("[data-sl-section]")),
      progress: $("progress"),
      progressText: $("progress-text"),
      progressBar: /** @type {HTMLProgressElement} */ ($("progress-bar")),
      summary: /** @type {HTMLElement} */ (form.querySelector("[data-sl-error-summary]")),
      nav: $("nav"),
      back: /** @type {HTMLButtonElement} */ ($("back")),
      next: /** @type {HTMLButtonElement} */ ($("next")),
      finish: /** @type {HTMLButtonElement} */ ($("finish")),
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
      declineSeal: /** @type {HTMLButtonElement} */ ($("decline-seal")),
      unsupported: $("unsupported"),
      result: $("result"),
      start: $("start"),
      tools: $("tools"),
      toReview: /** @type {HTMLButtonElement} */ ($("to-review")),
      progressLive: $("progress-live"),
    };
  }

  /** @param {Element} root @param {PageConfig} config @returns {FormPage} */
  function newPage(root, config) {
    const el = elements(root);
    const state = applyLink(F().initial(config));
    const hpke = NS.hpke;
    let sayTimer = 0;
    /** @type {FormPage} */
    const page = {
      config,
      ui: config.ui,
      setId: config.questionnaire.id,
      root,
      el,
      state,
      errors: [],
      sealed: false,
      kept: false,
      typed: false,
      returnToReview: false,
      title: document.title,
      blobUrl: null,
      linkSecret: state.link,
      canSeal: hpke && NS.payload ? hpke.supported() : Promise.resolve(false),
      $: finder(root),
      say(message) {
        // Emptied first, then filled a moment later, so the same words said twice are
        // announced twice; a newer message cancels one still waiting.
        window.clearTimeout(sayTimer);
        el.status.textContent = "";
        if (message) sayTimer = window.setTimeout(() => (el.status.textContent = message), 50);
      },
      setFieldError: (field, message) => D().setFieldError(field, message, config.ui.error_prefix),
      setOpen(toggle, panel, open) {
        toggle.setAttribute("aria-expanded", String(open));
        panel.hidden = !open;
      },
      focusSection() {
        const title = el.sections[page.state.section].querySelector(".sl-section__title");
        /** @type {HTMLElement} */ (title).focus();
      },
      replaceState(next) {
        page.state = next;
        page.errors = [];
        writeAll(page);
        writeCounts(page);
        render(page);
        applyErrors(page);
      },
    };
    return page;
  }

  // ---------------------------------------------------------------- render: state -> DOM

  /** @param {FormPage} page @param {QuestionData} q @param {unknown} value */
  function writeQuestion(page, q, value) {
    // A date is kept as ISO and shown as the set's language writes it.
    const shown =
      q.type === "date" && typeof value === "string"
        ? F().showDate(page.config.questionnaire.language, value)
        : value;
    D().writeQuestion(page.root, q, shown, page.state.other[q.id] || "");
  }

  /** @param {FormPage} page */
  function writeAll(page) {
    for (const q of page.config.questions) writeQuestion(page, q, page.state.answers[q.id]);
    for (const r of D().controls(page.root, "readers")) r.checked = r.value === page.state.readers;
    for (const input of page.root.querySelectorAll("[data-sl-contact]")) {
      const field = /** @type {HTMLInputElement} */ (input);
      field.value = page.state.contact[field.dataset.slContact || ""] || "";
    }
  }

  /** Each question shown or hidden by its condition; a hidden answer is not kept. @param {FormPage} page */
  function renderQuestions(page) {
    const form = page.el.form;
    for (const q of page.config.questions) {
      const wrapper = /** @type {HTMLElement} */ (form.querySelector(`[data-sl-question="${q.id}"]`));
      const visible = F().isVisible(q, page.state.answers);
      if (wrapper.hidden === visible) wrapper.hidden = !visible;
      if (!visible) writeQuestion(page, q, undefined);
      const other = /** @type {HTMLElement | null} */ (form.querySelector(`[data-sl-other="${q.id}"]`));
      if (other) {
        const value = page.state.answers[q.id];
        other.hidden = !(value === "other" || (Array.isArray(value) && value.includes("other")));
        if (other.hidden) /** @type {HTMLInputElement} */ (other.querySelector("input")).value = "";
      }
    }
  }

  /** @param {FormPage} page */
  function render(page) {
    const { el, state, ui } = page;
    const last = F().sectionCount(page.config) - 1;
    el.sections.forEach((s, i) => {
      s.hidden = i !== state.section;
    });
    renderQuestions(page);
    const n = state.section + 1;
    el.progressText.textContent = F().format(ui.progress, { n, total: last + 1 });
    el.progressBar.value = n;
    // Changing one answer from the review offers the way straight back (GOV.UK check
    // answers); Next still goes on, through any question the change has just opened.
    const returning = page.returnToReview && state.section !== last;
    el.back.hidden = state.section === 0;
    el.next.hidden = state.section === last;
    el.toReview.hidden = !returning;
    el.next.classList.toggle("sl-button--secondary", returning);
    el.finish.hidden = state.section !== last;
    // The start (intro, notice) and the tools (decline, drafts) only where they help: on the
    // first part and the review, so every other part opens with its questions.
    el.start.hidden = state.section !== 0;
    el.tools.hidden = !(state.section === 0 || state.section === last);
    if (state.section === last) renderReview(page);
    // Said once, near the top: what the link means for this browser, or what its absence means.
    const linked = Boolean(state.link);
    const history = page.$("link-history");
    const notInvited = page.$("not-invited");
    if (history) history.hidden = !linked;
    if (notInvited) notInvited.hidden = linked;
    // Errors are shown on Next and Finish, not while typing (the summary is an alert, and
    // would be read out again on every key); only one whose question just hid goes away.
    const shown = page.errors.filter((e) => isShown(e.field));
    if (shown.length !== page.errors.length) {
      page.errors = shown;
      applyErrors(page);
    }
  }

  /** @param {FormPage} page */
  function applyErrors(page) {
    D().showErrors(page.el.form, page.el.summary, page.errors, page.ui.error_prefix);
    titleForErrors(page, page.errors.length > 0);
  }

  /** "Feil: " before the page title while errors are shown (GOV.UK). @param {FormPage} page @param {boolean} errors */
  function titleForErrors(page, errors) {
    document.title = errors ? `${page.ui.error_prefix} ${page.title}` : page.title;
  }

  /** @param {string} field */
  function isShown(field) {
    const input = document.getElementById(field);
    return Boolean(input && !input.closest("[hidden]"));
  }

  /** Every answer with a Change link per question (GOV.UK check answers). @param {FormPage} page */
  function renderReview(page) {
    const { el, ui } = page;
    el.review.textContent = "";
    for (const part of F().review(page.config, page.state)) {
      const h = document.createElement("h3");
      h.textContent = part.title;
      const dl = document.createElement("dl");
      dl.className = "sl-review__list";
      for (const item of part.items) {
        const row = document.createElement("div");
        row.className = "sl-review__row";
        const dt = document.createElement("dt");
        dt.textContent = item.label;
        const dd = document.createElement("dd");
        dd.textContent = item.answer === null ? ui.not_answered : item.answer;
        if (item.answer === null) dd.className = "sl-review__none";
        const action = document.createElement("dd");
        action.className = "sl-review__action";
        const change = document.createElement("a");
        change.href = `#sl-q-${item.qid}`;
        change.dataset.slChange = item.qid;
        const hidden = document.createElement("span");
        hidden.className = "sl-visually-hidden";
        hidden.textContent = ` ${F().format(ui.change_hidden, { label: item.label })}`;
        change.append(ui.change, hidden);
        change.addEventListener("click", (event) => {
          event.preventDefault();
          changeAnswer(page, part.index, item.qid);
        });
        action.append(change);
        row.append(dt, dd, action);
        dl.append(row);
      }
      el.review.append(h, dl);
    }
  }

  /** Go to one question from the review; its part then offers the way back. @param {FormPage} page @param {number} index @param {string} qid */
  function changeAnswer(page, index, qid) {
    page.returnToReview = true;
    goTo(page, index, { focus: `sl-q-${qid}` });
  }

  // ---------------------------------------------------------------- moving about

  /**
   * Show another part. Each move is a history entry holding only the part's number (never
   * an answer), so the phone's Back and Forward move between parts and keep what was typed.
   * @param {FormPage} page @param {number} index
   * @param {{fromHistory?: boolean, focus?: string}} [how]
   */
  function goTo(page, index, how = {}) {
    const last = F().sectionCount(page.config) - 1;
    if (index === last) page.returnToReview = false;
    page.errors = [];
    page.state = { ...page.state, section: index };
    if (!how.fromHistory) pushSection(index);
    render(page);
    applyErrors(page);
    const n = index + 1;
    const title = index === last ? page.ui.final_title : page.config.sections[index].title;
    announceProgress(page, `${F().format(page.ui.progress, { n, total: last + 1 })}: ${title}`);
    const field = how.focus ? document.getElementById(how.focus) : null;
    if (field) {
      field.focus({ preventScroll: true });
      (field.closest("fieldset.sl-fieldset, .sl-question") || field).scrollIntoView({ block: "start" });
    } else {
      page.focusSection();
    }
  }

  /** The polite live region: "Part 3 of 9: Title" after a move. @param {FormPage} page @param {string} text */
  function announceProgress(page, text) {
    const live = page.el.progressLive;
    live.textContent = "";
    window.setTimeout(() => (live.textContent = text), 50);
  }

  /** @param {number} index */
  function pushSection(index) {
    try {
      window.history.pushState({ slSection: index }, "");
    } catch {
      // A file:// setup that refuses history still moves; only Back leaves the page then.
    }
  }

  /** @param {FormPage} page @param {PopStateEvent} event */
  function onPopState(page, event) {
    if (page.sealed) return;
    const data = /** @type {{slSection?: unknown} | null} */ (event.state);
    const wanted = data && Number.isInteger(data.slSection) ? Number(data.slSection) : 0;
    const last = F().sectionCount(page.config) - 1;
    goTo(page, Math.min(Math.max(0, wanted), last), { fromHistory: true });
  }

  /** @param {FormPage} page */
  function fieldFacts(page) {
    return D().fieldFacts(page.root, page.config.questions);
  }

  /**
   * Whether the shown part can be left forwards; if not, its errors are shown and the
   * summary takes focus. @param {FormPage} page
   */
  function partIsValid(page) {
    page.errors = F().validateSection(page.config, page.state, page.state.section, fieldFacts(page));
    if (!page.errors.length) return true;
    render(page);
    applyErrors(page);
    page.el.summary.focus();
    return false;
  }

  /** @param {FormPage} page */
  function next(page) {
    if (partIsValid(page)) goTo(page, page.state.section + 1);
  }

  /** Back to the review after changing an answer, once the part is valid. @param {FormPage} page */
  function toReview(page) {
    if (!partIsValid(page)) return;
    page.returnToReview = false;
    goTo(page, F().sectionCount(page.config) - 1);
  }

  /** @param {FormPage} page */
  async function finish(page) {
    const { config } = page;
    const bad = F().firstInvalidSection(config, page.state, fieldFacts(page));
    if (bad >= 0) {
      page.state = { ...page.state, section: bad };
      page.errors = F().validateSection(config, page.state, bad, fieldFacts(page));
    } else {
      page.errors = [
        ...F().validateContact(config, page.state),
        ...F().validateReaders(config, page.state, "sl-readers"),
      ];
    }
    render(page);
    applyErrors(page);
    if (page.errors.length) {
      page.el.summary.focus();
      return;
    }
    const toSeal = { ...page.state, declined: false, decline_reason: null };
    await finisher().seal(page, toSeal, [page.el.finish], page.el.summary);
  }

  /** @param {FormPage} page */
  async function declineSeal(page) {
    const { config, el } = page;
    const reasonInput = /** @type {HTMLTextAreaElement} */ (document.getElementById("sl-decline-reason"));
    const reason = F().clean(reasonInput.value);
    const picked = D().controls(page.root, "decline_readers").find((i) => i.checked);
    const readers = picked ? /** @type {Readers} */ (picked.value) : null;
    const list = [
      ...F().validateReason(config, reason, "sl-decline-reason"),
      ...F().validateReaders(config, { readers }, "sl-decline-readers"),
    ];
    const summary = /** @type {HTMLElement} */ (el.declineForm.querySelector("[data-sl-error-summary]"));
    D().showErrors(el.declineForm, summary, list, page.ui.error_prefix);
    if (list.length) {
      summary.focus();
      return;
    }
    /** @type {State} */
    const toSeal = {
      ...page.state,
      answers: {},
      other: {},
      declined: true,
      decline_reason: reason.trim() ? reason : null,
      readers,
    };
    await finisher().seal(page, toSeal, [el.declineSeal, el.finish], summary);
  }

  function finisher() {
    return /** @type {FormFinishAPI} */ (NS.formFinish);
  }

  // ---------------------------------------------------------------- events

  /** @param {FormPage} page @param {Event} event */
  function onInput(page, event) {
    const { config } = page;
    const target = /** @type {HTMLInputElement} */ (event.target);
    if (target.dataset.slContact) {
      page.state = F().setContact(page.state, target.dataset.slContact, target.value);
    } else if (target.name === "readers") {
      const readers = target.checked ? /** @type {Readers} */ (target.value) : page.state.readers;
      page.state = { ...page.state, readers };
    } else if (target.dataset.slOtherText) {
      page.state = F().setOther(config, page.state, target.dataset.slOtherText, target.value);
    } else {
      const wrapper = /** @type {HTMLElement | null} */ (target.closest("[data-sl-question]"));
      const q = wrapper && config.questions.find((x) => x.id === wrapper.dataset.slQuestion);
      if (!q) return;
      page.state = F().setAnswer(config, page.state, q.id, D().readQuestion(page.root, q));
      if (q.text_limit) updateCount(page, q, target.value);
    }
    page.typed = true;
    render(page);
    const drafts = NS.formDrafts;
    if (drafts) drafts.changed(page);
  }

  /**
   * The characters left, as GOV.UK's character count: shown at once, said by the polite
   * region only when typing pauses, so a screen reader is not interrupted on every key.
   * @param {FormPage} page @param {QuestionData} q @param {string} text
   */
  function updateCount(page, q, text) {
    const box = page.root.querySelector(`[data-sl-count="${q.id}"]`);
    if (!box) return;
    const message = showCount(page, q, box, text);
    window.clearTimeout(countTimers.get(q.id));
    box.setAttribute("aria-live", "off");
    countTimers.set(
      q.id,
      window.setTimeout(() => {
        box.setAttribute("aria-live", "polite");
        box.textContent = "";
        box.textContent = message;
      }, 1000),
    );
  }

  /** @type {Map<string, number>} */
  const countTimers = new Map();

  /**
   * Write "N characters remaining" (or "too many") into the question's count; the text.
   * @param {FormPage} page @param {QuestionData} q @param {Element} box @param {string} text
   */
  function showCount(page, q, box, text) {
    const left = (q.text_limit || 0) - F().textLength(text);
    const words = left >= 0 ? page.ui.count_left : page.ui.count_over;
    const message = F().format(words, { n: F().number(page.config, Math.abs(left)) });
    box.textContent = message;
    box.classList.toggle("sl-count--over", left < 0);
    return message;
  }

  /** All counts, after a whole new state (a restored draft). @param {FormPage} page */
  function writeCounts(page) {
    for (const q of page.config.questions) {
      const box = q.text_limit && page.root.querySelector(`[data-sl-count="${q.id}"]`);
      if (!box) continue;
      const value = page.state.answers[q.id];
      showCount(page, q, box, typeof value === "string" ? value : "");
    }
  }

  /**
   * A warning before the page goes while something would be lost: answers typed and not
   * sealed (unless the draft holds them), or sealed and not yet downloaded or copied.
   * @param {FormPage} page @param {BeforeUnloadEvent} event
   */
  function onBeforeUnload(page, event) {
    const drafts = NS.formDrafts;
    const unsaved = page.typed && !page.sealed && !(drafts && drafts.upToDate(page));
    if (unsaved || (page.sealed && !page.kept)) {
      event.preventDefault();
      event.returnValue = ""; // older browsers ask for it
    }
  }

  /** @param {FormPage} page */
  function wire(page) {
    const { el, root } = page;
    el.form.addEventListener("input", (e) => onInput(page, e));
    el.form.addEventListener("change", (e) => onInput(page, e));
    for (const f of root.querySelectorAll("form")) {
      f.addEventListener("submit", (e) => e.preventDefault()); // nothing is ever submitted
    }
    for (const s of root.querySelectorAll("[data-sl-error-summary]")) {
      s.addEventListener("click", D().onSummaryClick);
    }
    el.back.addEventListener("click", () => goTo(page, Math.max(0, page.state.section - 1)));
    el.next.addEventListener("click", () => next(page));
    el.toReview.addEventListener("click", () => toReview(page));
    window.addEventListener("popstate", (e) => onPopState(page, e));
    window.addEventListener("beforeunload", (e) => onBeforeUnload(page, e));
    // On paper the notice is printed in full (a closed disclosure would print only its title).
    const about = /** @type {HTMLDetailsElement | null} */ (page.$("about"));
    let wasOpen = false;
    window.addEventListener("beforeprint", () => {
      if (!about) return;
      wasOpen = about.open;
      about.open = true;
    });
    window.addEventListener("afterprint", () => {
      if (about) about.open = wasOpen;
      document.documentElement.classList.remove("sl-print-copy");
    });
    const skip = document.querySelector("[data-sl-skip]");
    if (skip) {
      skip.addEventListener("click", (event) => {
        event.preventDefault();
        page.focusSection();
      });
    }
    el.finish.addEventListener("click", () => finish(page));
    el.declineToggle.addEventListener("click", () => {
      const open = el.declineForm.hidden;
      page.setOpen(el.declineToggle, el.declineForm, open);
      if (open) /** @type {HTMLElement} */ (document.getElementById("sl-decline-reason")).focus();
    });
    el.declineSeal.addEventListener("click", () => declineSeal(page));
    page.$("print").addEventListener("click", () => window.print());
    page.$("copy").addEventListener("click", () => finisher().copyArmored(page));
    page.$("download").addEventListener("click", () => (page.kept = true));
    const mail = document.querySelector("[data-sl-mailto]");
    if (mail) mail.addEventListener("click", () => (page.kept = true));
    page.$("print-copy").addEventListener("click", () => finisher().printCopy(page));
    page.$("save-copy").addEventListener("click", () => finisher().saveCopy(page));
    const drafts = NS.formDrafts;
    if (drafts) drafts.wire(page);
  }

  /** @param {Element} root @param {PageConfig} config */
  function setup(root, config) {
    const page = newPage(root, config);
    wire(page);
    page.canSeal.then((ok) => {
      if (ok || page.sealed) return;
      page.el.unsupported.hidden = false;
      page.el.finish.disabled = true;
      page.el.declineSeal.disabled = true;
    });
    root.classList.add("sl-js");
    for (const part of [page.el.progress, page.el.nav, page.el.toolbar, page.el.decline]) {
      part.hidden = false;
    }
    // The first entry names the first part; a reload starts there again (answers are only
    // in memory, or in the draft the employee saved).
    try {
      window.history.replaceState({ slSection: 0 }, "");
    } catch {
      // See pushSection.
    }
    writeAll(page);
    writeCounts(page);
    render(page);
    document.documentElement.classList.remove("sl-starting"); // each part is hidden by now
    return page;
  }

  /** @type {FormPage | null} */
  let instance = null;

  function start() {
    const root = document.querySelector("[data-sl-root]");
    const data = document.getElementById("sluttsamtale-config");
    if (!root || !data || !NS.formState || !NS.formDom || !NS.formFinish) return;
    instance = setup(root, JSON.parse(data.textContent || "{}"));
  }

  NS.form = Object.freeze({
    applyLink,
    state: () => (instance ? instance.state : null),
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
