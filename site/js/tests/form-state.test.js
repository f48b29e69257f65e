"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { load } = require("./load.js");
const { config } = require("./config.js");

const F = /** @type {FormStateAPI} */ (load("form-state").formState);

test("an answer is coerced to its question's type, or dropped", () => {
  const c = config();
  let s = F.initial(c);
  s = F.setAnswer(c, s, "score", 4);
  s = F.setAnswer(c, s, "reason", "pay");
  s = F.setAnswer(c, s, "liked", ["b", "a", "b"]);
  assert.deepEqual(s.answers, { reason: "pay", liked: ["a", "b"], score: 4 });
  /** @type {[string, unknown][]} */
  const bad = [["score", 9], ["reason", "nope"], ["liked", []]];
  for (const [qid, value] of bad) {
    assert.equal(qid in F.setAnswer(c, { ...s, answers: {} }, qid, value).answers, false, qid);
  }
  assert.equal(F.setAnswer(c, s, "score", "4").answers.score, undefined);
});

test("a hidden question keeps no answer, and hiding cascades in question order", () => {
  const c = config();
  let s = F.setAnswer(c, F.initial(c), "concern", true);
  s = F.setAnswer(c, s, "concern_text", "Noe skjedde");
  assert.equal(s.answers.concern_text, "Noe skjedde");
  s = F.setAnswer(c, s, "concern", false);
  assert.equal("concern_text" in s.answers, false);
});

test("other text is kept only while other is chosen", () => {
  const c = config();
  let s = F.setAnswer(c, F.initial(c), "reason", "other");
  s = F.setOther(c, s, "reason", "Flytter");
  assert.deepEqual(s.other, { reason: "Flytter" });
  s = F.setAnswer(c, s, "reason", "pay");
  assert.deepEqual(s.other, {});
});

test("control characters and lone surrogates never reach the state", () => {
  const c = config();
  const s = F.setAnswer(c, F.initial(c), "name", "Kari\u0007 Nord\ud800mann");
  assert.equal(s.answers.name, "Kari Nordmann");
});

test("validation: required, too long (in code points), and a half-typed date", () => {
  const c = config();
  let s = F.initial(c);
  assert.deepEqual(
    F.validateSection(c, s, 0).map((e) => [e.field, e.message]),
    [["sl-q-reason", "Velg et svar"]],
  );
  s = F.setAnswer(c, F.setAnswer(c, s, "concern", true), "concern_text", "😀".repeat(21));
  const [long] = F.validateSection(c, s, 1);
  assert.equal(long.message, "Høyst 20 tegn, nå 21");
  assert.equal(F.validateSection(c, s, 1, { last_day: { badDate: true } }).length, 2);
  assert.equal(F.firstInvalidSection(c, F.initial(c)), 0);
});

test("the readers choice is required and must be one of the three", () => {
  const c = config();
  assert.equal(F.validateReaders(c, { readers: null }, "x").length, 1);
  assert.equal(F.validateReaders(c, { readers: "everyone" }, "x").length, 1);
  assert.equal(F.validateReaders(c, { readers: "statistics" }, "x").length, 0);
});

test("a link fragment gives a token and prefills only well-formed facts", () => {
  const c = config();
  const s = F.fromFragment(c, F.initial(c), "#token=AbCdEfGhIjKlMnOp_-12&name=Kari%20N&last_day=2026-02-30");
  assert.equal(s.invitation, "AbCdEfGhIjKlMnOp_-12");
  assert.deepEqual(s.answers, { name: "Kari N" });
  assert.equal(F.fromFragment(c, F.initial(c), "#token=short").invitation, null);
});

test("sanitize keeps only what the questions allow, from anything", () => {
  const c = config();
  const s = F.sanitize(c, {
    answers: { reason: "pay", unknown: "x", score: "5" },
    readers: "hr",
    section: 99,
    invitation: "<script>",
  });
  assert.deepEqual(s.answers, { reason: "pay" });
  assert.equal(s.readers, "hr");
  assert.equal(s.section, F.sectionCount(c) - 1);
  assert.equal(s.invitation, null);
  assert.deepEqual(F.sanitize(c, null).answers, {});
});

test("review lists every visible question with its answer as the employee chose it", () => {
  const c = config();
  let s = F.setAnswer(c, F.initial(c), "reason", "other");
  s = F.setOther(c, s, "reason", "Flytter");
  s = F.setAnswer(c, s, "concern", false);
  const [about, work] = F.review(c, s);
  assert.deepEqual(about.items.map((i) => i.answer), [null, "Annet: Flytter"]);
  assert.deepEqual(work.items.find((i) => i.qid === "concern")?.answer, "Nei");
  assert.equal(work.items.some((i) => i.qid === "concern_text"), false);
});

test("text length counts code points, as the collector does", () => {
  assert.equal(F.textLength("å😀"), 2);
  assert.equal(F.format("{n} av {total} {x}", { n: 1, total: 3 }), "1 av 3 {x}");
});
