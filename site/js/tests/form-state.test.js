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

test("a link fragment gives the link secret, and nothing else", () => {
  const c = config();
  const secret = "q3Xl9hV0bWkR2mPzT8sYcAq3Xl9hV0bWkR2mPzT8sYc";
  const s = F.fromFragment(F.initial(c), `#k=${secret}&name=Kari&k=other`);
  assert.equal(s.link, secret);
  assert.deepEqual(s.answers, {}); // no facts from a link: the link carries none
  for (const bad of ["short", `${secret}x`, secret.slice(0, 42) + "B", ""]) {
    assert.equal(F.fromFragment(F.initial(c), `#k=${bad}`).link, null, bad);
  }
});

test("contact details for the receiver: one line each, within 200 characters", () => {
  const c = config();
  let s = F.setContact(F.initial(c), "phone", " 12 34\n56 78 ");
  s = F.setContact(s, "email", "x".repeat(201));
  s = F.setContact(s, "address", "not a contact field");
  assert.deepEqual(Object.keys(s.contact).sort(), ["email", "phone"]);
  assert.equal(s.contact.phone, " 12 34 56 78 "); // as typed, one line; the payload trims
  assert.deepEqual(F.validateContact(c, s).map((e) => e.field), ["sl-contact-email"]);
  assert.deepEqual(F.setContact(s, "phone", "").contact.phone, undefined);
});

test("sanitize keeps only what the questions allow, from anything", () => {
  const c = config();
  const s = F.sanitize(c, {
    answers: { reason: "pay", unknown: "x", score: "5" },
    readers: "hr",
    section: 99,
    link: "<script>",
    contact: { name: "Kari", phone: 7 },
  });
  assert.deepEqual(s.answers, { reason: "pay" });
  assert.equal(s.readers, "hr");
  assert.equal(s.section, F.sectionCount(c) - 1);
  assert.equal(s.link, null);
  assert.deepEqual(s.contact, { name: "Kari" });
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

test("a count is written as Intl.NumberFormat writes it, in every language", () => {
  const samples = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 9999, 10000, 12345, 99999, 100000];
  for (let n = 0; n < 200000; n += 997) samples.push(n);
  samples.push(1234567, 9007199254740991);
  for (const language of ["nb", "nn", "sv", "en"]) {
    const c = config();
    const here = { ...c, questionnaire: { ...c.questionnaire, language } };
    const intl = new Intl.NumberFormat(language);
    for (const n of samples) assert.equal(F.number(here, n), intl.format(n), `${language} ${n}`);
    assert.equal(F.number(here, -5), intl.format(-5));
  }
});
