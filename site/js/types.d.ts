/**
 * The one global the page's classic scripts share (module scripts are blocked on file://),
 * and the shapes that cross between them. `tsc -p site/js` checks every file against this,
 * so a call from form.js into payload.js is checked like a call inside one file.
 */

/** Bytes on a plain ArrayBuffer: what WebCrypto takes as a BufferSource. */
type Bytes = Uint8Array<ArrayBuffer>;

type Readers = "hr" | "hr_and_interviewer" | "statistics";
type AnswerValue = string | string[] | number | boolean;

interface Condition {
  question: string;
  equals: string[];
}

interface ScaleData {
  min: number;
  max: number;
  min_label: string;
  max_label: string;
}

/** One question as the page's JSON config gives it (mkdocs_plugin/render.py). */
interface QuestionData {
  id: string;
  type: string;
  required: boolean;
  show_if: Condition | null;
  options: string[] | null;
  other: boolean;
  scale: ScaleData | null;
  text_limit: number | null;
  prefill: string | null;
  special: boolean;
  section: number;
}

interface Wording {
  label: string;
  options?: Record<string, string> | null;
}

interface QuestionnaireRef {
  id: string;
  version: number;
  language: string;
  title: string;
}

interface PageKey {
  key_id: string;
  public_key: string;
  fingerprint?: string;
  demo?: boolean;
}

/** The page's configuration: the JSON block #sluttsamtale-config. */
interface PageConfig {
  questionnaire: QuestionnaireRef;
  sections: { id: string; title: string }[];
  wording: Record<string, Wording>;
  questions: QuestionData[];
  limits: { other: number; decline_reason: number };
  key: PageKey;
  whistleblowing_key: PageKey | null;
  /** Where the employee sends the file (employer.yml `return_address`), or null. */
  return_address: string | null;
  ui: Record<string, string>;
}

/** What the employee answered and chose: the same in the form's state and in the payload. */
interface Answered {
  answers: Record<string, AnswerValue>;
  other: Record<string, string>;
  declined: boolean;
  decline_reason: string | null;
  readers: Readers | null;
}

/** The form's state (form-state.js); everything the employee typed, nothing else. */
interface State extends Answered {
  /** The invitation link's secret, as in the link (FORMAT.md 14), or null: not invited. */
  link: string | null;
  /** What the employee chose to give the whistleblowing receiver to reach them. */
  contact: Record<string, string>;
  section: number;
}

/** How the receiver may reach the employee (FORMAT.md 7). */
interface Contact {
  name?: string;
  phone?: string;
  email?: string;
}

interface FieldError {
  qid: string;
  field: string;
  message: string;
}

interface ReviewItem {
  qid: string;
  label: string;
  answer: string | null;
}

interface ReviewPart {
  index: number;
  title: string;
  items: ReviewItem[];
}

/** The plaintext sealed into a part (spec/FORMAT.md 7). */
interface Payload extends Answered {
  format: string;
  response_id: string;
  questionnaire: QuestionnaireRef;
  wording: Record<string, Wording>;
  sealed_at: string;
  scope: "hr" | "whistleblowing";
  contact?: Contact | null;
}

/** One part to seal: its payload, its recipient, and the sizes its plaintext may have. */
interface SealJob {
  payload: Payload;
  key: PageKey;
  buckets: number[];
}

interface Sealed {
  fileBytes: Bytes;
  fileText: string;
  armored: string;
  receipt: string;
  fileName: string;
}

interface SenderContext {
  enc: Bytes;
  sharedSecret: Bytes;
  key: Bytes;
  baseNonce: Bytes;
  seal(aad: Bytes, plaintext: Bytes): Promise<Bytes>;
}

interface BytesAPI {
  utf8(text: string): Bytes;
  concat(...parts: Uint8Array[]): Bytes;
  base64(bytes: Uint8Array): string;
  fromBase64(text: unknown): Bytes | null;
  fromBase64Url(text: string): Bytes;
  hex(bytes: Uint8Array): string;
}

interface HpkeAPI {
  supported(): Promise<boolean>;
  keyId(publicRaw: Bytes): Promise<string>;
  seal(publicRaw: Bytes, info: Bytes, aad: Bytes, plaintext: Bytes): Promise<Bytes>;
  setupBaseS(publicRaw: Bytes, info: Bytes, ephemeralPrivateRaw?: Bytes): Promise<SenderContext>;
}

interface PayloadAPI {
  build(config: PageConfig, state: State): Payload;
  split(config: PageConfig, payload: Payload, contact?: Record<string, string> | null): SealJob[];
  seal(payload: Payload, key: PageKey, linkSecret?: Bytes | null): Promise<Sealed>;
  sealParts(jobs: SealJob[], linkSecret?: Bytes | null): Promise<Sealed>;
  linkId(secret: Bytes): Promise<string>;
  readSecret(text: unknown): Bytes | null;
}

/** A saved or opened draft's key, kept in memory so each change can be saved again. */
interface DraftSession {
  readonly setId: string;
  readonly key: CryptoKey;
  readonly salt: Bytes;
  /** The IV of the record this session last wrote or opened. */
  readonly stamp: string;
  readonly savedAt: string;
}

interface DraftsAPI {
  has(setId: string): boolean;
  savedAt(setId: string): string | null;
  stamp(setId: string): string | null;
  save(setId: string, state: object, passphrase: string): Promise<DraftSession>;
  update(session: DraftSession, state: object, takeOver?: boolean): Promise<DraftSession>;
  unlock(setId: string, passphrase: string): Promise<{ state: object; session: DraftSession }>;
  restore(setId: string, passphrase: string): Promise<object>;
  erase(setId: string): void;
}

interface FormStateAPI {
  initial(config: PageConfig, given?: unknown): State;
  sanitize(config: PageConfig, raw: unknown): State;
  isVisible(q: QuestionData, answers: Record<string, AnswerValue>): boolean;
  prune(config: PageConfig, state: State): State;
  setAnswer(config: PageConfig, state: State, qid: string, value: unknown): State;
  setOther(config: PageConfig, state: State, qid: string, text: string): State;
  validateSection(
    config: PageConfig,
    state: State,
    index: number,
    fields?: Record<string, { badDate?: boolean }>,
  ): FieldError[];
  validateReaders(config: PageConfig, state: { readers: string | null }, fieldId: string): FieldError[];
  validateReason(config: PageConfig, reason: string, fieldId: string): FieldError[];
  firstInvalidSection(
    config: PageConfig,
    state: State,
    fields?: Record<string, { badDate?: boolean }>,
  ): number;
  review(config: PageConfig, state: State): ReviewPart[];
  sectionCount(config: PageConfig): number;
  textLength(text: string): number;
  clean(text: string): string;
  format(text: string, values: Record<string, unknown>): string;
  isSecret(value: unknown): value is string;
  fromFragment(state: State, fragment: string): State;
  setContact(state: State, name: string, text: string): State;
  validateContact(config: PageConfig, state: State): FieldError[];
  number(config: PageConfig, n: number): string;
  readDate(language: string, text: string): string;
  showDate(language: string, iso: string): string;
  READERS: readonly Readers[];
}

interface FormDomAPI {
  controls(root: ParentNode, name: string): HTMLInputElement[];
  readQuestion(root: ParentNode, q: { id: string; type: string }): unknown;
  writeQuestion(root: ParentNode, q: { id: string; type: string }, value: unknown, otherText: string): void;
  fieldFacts(root: ParentNode, questions: { id: string; type: string }[]): Record<string, { badDate: boolean }>;
  setFieldError(field: string, message: string | null, prefix: string): void;
  showErrors(scope: Element, summary: Element, list: { field: string; message: string }[], prefix: string): void;
  onSummaryClick(event: Event): void;
}

/** The page's parts, found once by their data-sl-* attributes. */
interface FormElements {
  form: HTMLFormElement;
  sections: HTMLElement[];
  progress: HTMLElement;
  progressText: HTMLElement;
  progressBar: HTMLProgressElement;
  summary: HTMLElement;
  nav: HTMLElement;
  back: HTMLButtonElement;
  next: HTMLButtonElement;
  finish: HTMLButtonElement;
  review: HTMLElement;
  status: HTMLElement;
  toolbar: HTMLElement;
  saveToggle: HTMLElement;
  savePanel: HTMLElement;
  eraseAll: HTMLElement;
  restore: HTMLElement;
  decline: HTMLElement;
  declineToggle: HTMLElement;
  declineForm: HTMLElement;
  declineSeal: HTMLButtonElement;
  unsupported: HTMLElement;
  result: HTMLElement;
  start: HTMLElement;
  tools: HTMLElement;
  toReview: HTMLButtonElement;
  progressLive: HTMLElement;
}

/** One answering page as form.js runs it; form-finish.js and form-drafts.js work on it. */
interface FormPage {
  config: PageConfig;
  ui: Record<string, string>;
  setId: string;
  root: Element;
  el: FormElements;
  state: State;
  errors: FieldError[];
  sealed: boolean;
  /** The sealed file was downloaded, or its text copied or put in an e-mail. */
  kept: boolean;
  /** Something was typed or chosen since the page opened. */
  typed: boolean;
  /** Changing one answer from the review: its part offers the way back. */
  returnToReview: boolean;
  /** The document's title without an error prefix. */
  title: string;
  blobUrl: string | null;
  /** The link secret the page was opened with, kept when a draft without one is restored. */
  linkSecret: string | null;
  canSeal: Promise<boolean>;
  $(name: string): HTMLElement;
  /** A message in the polite status line ("" clears it). */
  say(message: string): void;
  setFieldError(field: string, message: string | null): void;
  setOpen(toggle: HTMLElement, panel: HTMLElement, open: boolean): void;
  focusSection(): void;
  /** Put a whole new state on the page (a restored draft). */
  replaceState(state: State): void;
}

interface FormFinishAPI {
  seal(page: FormPage, toSeal: State, buttons: HTMLButtonElement[], summary: HTMLElement): Promise<void>;
  copyArmored(page: FormPage): Promise<void>;
  printCopy(page: FormPage): void;
  saveCopy(page: FormPage): void;
}

interface FormDraftsAPI {
  wire(page: FormPage): void;
  /** Something on the page changed: saved again shortly when this tab keeps a draft. */
  changed(page: FormPage): void;
  /** This tab keeps a draft and it holds every change. */
  upToDate(page: FormPage): boolean;
}

interface FormAPI {
  applyLink(state: State, fragment?: string): State;
  /** The current state, for tests. */
  state(): State | null;
}

interface SluttsamtaleNamespace {
  bytes?: BytesAPI;
  hpke?: HpkeAPI;
  payload?: PayloadAPI;
  drafts?: DraftsAPI;
  formState?: FormStateAPI;
  formDom?: FormDomAPI;
  formFinish?: FormFinishAPI;
  formDrafts?: FormDraftsAPI;
  form?: FormAPI;
}

// eslint-disable-next-line no-var
declare var Sluttsamtale: SluttsamtaleNamespace;
