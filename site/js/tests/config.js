/**
 * A small page configuration with one question of each kind, shaped as the plugin writes it
 * (collector/mkdocs_plugin/render.py page_config), for the pure scripts' tests.
 */
"use strict";

/** @param {Partial<QuestionData> & {id: string, type: string}} q @returns {QuestionData} */
function question(q) {
  return {
    required: false,
    show_if: null,
    options: null,
    other: false,
    scale: null,
    text_limit: null,
    prefill: null,
    special: false,
    section: 0,
    ...q,
  };
}

/** @returns {PageConfig} */
function config() {
  return {
    questionnaire: { id: "test", version: 1, language: "nb", title: "Test" },
    sections: [
      { id: "about", title: "Om deg" },
      { id: "work", title: "Arbeidet" },
    ],
    wording: {
      name: { label: "Navn" },
      reason: { label: "Hvorfor?", options: { pay: "Lønn", other: "Annet" } },
      liked: { label: "Likte?", options: { a: "A", b: "B" } },
      score: { label: "Hvor fornøyd?" },
      concern: { label: "Noe kritikkverdig?", options: { yes: "Ja", no: "Nei" } },
      concern_text: { label: "Beskriv" },
      last_day: { label: "Siste dag" },
    },
    questions: [
      question({ id: "name", type: "short_text", text_limit: 200, prefill: "name" }),
      question({ id: "reason", type: "single_choice", required: true, options: ["pay"], other: true }),
      question({ id: "liked", type: "multiple_choice", options: ["a", "b"], section: 1 }),
      question({
        id: "score",
        type: "scale",
        scale: { min: 1, max: 5, min_label: "Lite", max_label: "Mye" },
        section: 1,
      }),
      question({ id: "concern", type: "yes_no", special: true, section: 1 }),
      question({
        id: "concern_text",
        type: "long_text",
        text_limit: 20,
        special: true,
        show_if: { question: "concern", equals: ["yes"] },
        section: 1,
      }),
      question({ id: "last_day", type: "date", prefill: "last_day", section: 1 }),
    ],
    limits: { other: 10, decline_reason: 2000 },
    key: { key_id: "00".repeat(16), public_key: "" },
    whistleblowing_key: null,
    return_address: null,
    ui: {
      progress: "Del {n} av {total}",
      err_required_text: "Skriv et svar",
      err_required_choice: "Velg et svar",
      err_required_multi: "Velg minst ett",
      err_too_long: "Høyst {max} tegn, nå {count}",
      err_date: "Skriv en gyldig dato",
      err_readers: "Velg hvem som får lese",
      yes: "Ja",
      no: "Nei",
    },
  };
}

module.exports = { config, question };
