// Execute Webhook body rules for the Discord fake, from the published docs:
//   https://discord.com/developers/docs/resources/webhook#execute-webhook (fields; "at least one of content, embeds, components, file, or poll"; up to 10 embeds)
//   https://discord.com/developers/docs/resources/message#embed-object-embed-limits (title 256, description 4096, 25 fields,
//     field name 256, value 1024, footer 2048, author 256, 6000 in total; whitespace trimmed before counting)
//   https://discord.com/developers/docs/resources/message#allowed-mentions-object
//   https://discord.com/developers/docs/resources/webhook#create-webhook (names: 80 characters, no "clyde" or "discord")
//   https://discord.com/developers/docs/reference#error-messages (the 50035 form-error shape: errors → path → _errors[{code, message}])
// The docs give the shape but not every inner code; BASE_TYPE_MAX_LENGTH, MAX_EMBED_SIZE_EXCEEDED, USERNAME_INVALID_CONTAINS
// and friends are the codes Discord is widely seen to return in that shape.

export interface FormError {
  code: string;
  message: string;
}
type Path = (string | number)[];
export type FormErrors = { path: Path; error: FormError }[];

const LIMITS = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  total: 6000,
};
const MENTION_TYPES = new Set(['roles', 'users', 'everyone']);

const chars = (s: string): number => Array.from(s.trim()).length;
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const maxLength = (n: number): FormError => ({ code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${n} or fewer in length.` });
const required: FormError = { code: 'BASE_TYPE_REQUIRED', message: 'This field is required' };
const notString: FormError = { code: 'BASE_TYPE_STRING', message: 'Could not interpret value as string.' };

function text(errs: FormErrors, path: Path, v: unknown, max: number, isRequired = false): number {
  if (v === undefined || v === null) {
    if (isRequired) errs.push({ path, error: required });
    return 0;
  }
  if (typeof v !== 'string') {
    errs.push({ path, error: notString });
    return 0;
  }
  if (isRequired && chars(v) === 0) errs.push({ path, error: required });
  else if (chars(v) > max) errs.push({ path, error: maxLength(max) });
  return chars(v);
}

function embed(errs: FormErrors, path: Path, e: unknown): number {
  if (!isObject(e)) {
    errs.push({ path, error: { code: 'MODEL_TYPE_CONVERT', message: 'Only dictionaries may be used in a ModelType' } });
    return 0;
  }
  let size = text(errs, [...path, 'title'], e.title, LIMITS.title) + text(errs, [...path, 'description'], e.description, LIMITS.description);
  if (e.url !== undefined && (typeof e.url !== 'string' || !/^https?:\/\/[^\s]+$/.test(e.url) || !URL.canParse(e.url)))
    errs.push({ path: [...path, 'url'], error: { code: 'URL_TYPE_INVALID_URL', message: 'Not a well formed URL.' } });
  if (e.color !== undefined && (!Number.isInteger(e.color) || (e.color as number) < 0 || (e.color as number) > 0xffffff))
    errs.push({ path: [...path, 'color'], error: { code: 'NUMBER_TYPE_MAX', message: 'int value should be less than or equal to 16777215.' } });
  if (e.timestamp !== undefined && (typeof e.timestamp !== 'string' || !/^\d{4}-\d\d-\d\dT/.test(e.timestamp) || Number.isNaN(Date.parse(e.timestamp))))
    errs.push({ path: [...path, 'timestamp'], error: { code: 'DATE_TYPE_PARSE', message: `Could not parse ${String(e.timestamp)}. Should be ISO8601.` } });
  if (e.footer !== undefined) size += isObject(e.footer) ? text(errs, [...path, 'footer', 'text'], e.footer.text, LIMITS.footer, true) : 0;
  if (e.author !== undefined) size += isObject(e.author) ? text(errs, [...path, 'author', 'name'], e.author.name, LIMITS.author, true) : 0;
  if (e.fields !== undefined) {
    if (!Array.isArray(e.fields)) errs.push({ path: [...path, 'fields'], error: { code: 'BASE_TYPE_LIST', message: 'Must be a list.' } });
    else {
      if (e.fields.length > LIMITS.fields) errs.push({ path: [...path, 'fields'], error: maxLength(LIMITS.fields) });
      e.fields.forEach((f, k) => {
        const fp = [...path, 'fields', k];
        if (!isObject(f)) return errs.push({ path: fp, error: required });
        size += text(errs, [...fp, 'name'], f.name, LIMITS.fieldName, true) + text(errs, [...fp, 'value'], f.value, LIMITS.fieldValue, true);
        if (f.inline !== undefined && typeof f.inline !== 'boolean')
          errs.push({ path: [...fp, 'inline'], error: { code: 'BASE_TYPE_BOOLEAN', message: 'Must be either true or false.' } });
      });
    }
  }
  return size;
}

function username(errs: FormErrors, v: unknown): void {
  if (v === undefined) return;
  if (typeof v !== 'string') return void errs.push({ path: ['username'], error: notString });
  const n = chars(v);
  if (n < 1 || n > 80) errs.push({ path: ['username'], error: { code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 80 in length.' } });
  const banned = ['discord', 'clyde'].find((w) => v.toLowerCase().includes(w));
  if (banned) errs.push({ path: ['username'], error: { code: 'USERNAME_INVALID_CONTAINS', message: `Username cannot contain "${banned}"` } });
}

/** Form errors for an Execute Webhook JSON body (empty when valid). Emptiness is checked separately (50006). */
export function validateWebhookBody(b: Record<string, unknown>): FormErrors {
  const errs: FormErrors = [];
  text(errs, ['content'], b.content, LIMITS.content);
  username(errs, b.username);
  if (b.embeds !== undefined) {
    if (!Array.isArray(b.embeds)) errs.push({ path: ['embeds'], error: { code: 'BASE_TYPE_LIST', message: 'Must be a list.' } });
    else {
      if (b.embeds.length > LIMITS.embeds) errs.push({ path: ['embeds'], error: maxLength(LIMITS.embeds) });
      const total = b.embeds.reduce<number>((sum, e, k) => sum + embed(errs, ['embeds', k], e), 0);
      if (total > LIMITS.total) errs.push({ path: ['embeds'], error: { code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' } });
    }
  }
  if (b.allowed_mentions !== undefined) {
    const parse = isObject(b.allowed_mentions) ? b.allowed_mentions.parse : undefined;
    if (parse !== undefined && (!Array.isArray(parse) || parse.some((p) => !MENTION_TYPES.has(p as string))))
      errs.push({ path: ['allowed_mentions', 'parse'], error: { code: 'BASE_TYPE_CHOICES', message: "Value must be one of {'roles', 'users', 'everyone'}." } });
  }
  return errs;
}

/** True when the body has something to post: "at least one of content, embeds, components, file, or poll". */
export function hasMessageContent(b: Record<string, unknown>): boolean {
  const nonEmpty = (v: unknown) => (typeof v === 'string' ? v.trim().length > 0 : Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null);
  return ['content', 'embeds', 'components', 'attachments', 'poll', 'sticker_ids'].some((k) => nonEmpty(b[k]));
}

/** The documented nesting: {embeds: {"0": {title: {_errors: [...]}}}}. */
export function formErrorBody(errs: FormErrors): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const { path, error } of errs) {
    let node = root;
    for (const key of path.map(String)) node = (node[key] ??= {}) as Record<string, unknown>;
    ((node._errors ??= []) as FormError[]).push(error);
  }
  return { code: 50035, errors: root, message: 'Invalid Form Body' };
}
