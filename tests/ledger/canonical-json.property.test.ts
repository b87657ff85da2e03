// toJson skips its reviver when JSON.stringify's output holds no escaped lone surrogate: it must
// equal the plain definition (parse with the reviver on every string) for any value.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { canonicalJson, toJson, type Json } from '../../shared/canonical-json.ts';

const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const reference = (v: unknown): Json =>
  JSON.parse(JSON.stringify(v), (_k, val: unknown) => (typeof val === 'string' ? val.replace(LONE, '\ufffd') : val)) as Json;

// Strings full of what could confuse the fast path: lone and paired surrogates, backslashes, "ud8".
const tricky = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.constantFrom('\ud800', '\udfff', 'a\ud83d', '\ude00b', '😀', '\\ud800', '\\\ud800', 'ud800', '\\u0041', '"'),
  fc.array(fc.constantFrom('\\', 'u', 'd', '8', 'f', '\ud800', '\udc00', '😀', 'x'), { maxLength: 12 }).map((a) => a.join('')),
);
const value = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    tricky,
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(tricky, tie('v'), { maxKeys: 4 }),
  ),
})).v;

it('toJson equals the reviver-on-every-string definition, and so does its canonical form', () => {
  fc.assert(
    fc.property(fc.dictionary(tricky, value, { maxKeys: 6 }), (v) => {
      const ours = toJson(v);
      expect(ours).toEqual(reference(v));
      expect(canonicalJson(ours)).toBe(canonicalJson(reference(v)));
    }),
    { numRuns: 2_000 },
  );
});

it('replaces lone surrogates and keeps pairs', () => {
  expect(toJson({ a: 'x\ud800y', b: '😀', c: ['\udc00'] })).toEqual({ a: 'x\ufffdy', b: '😀', c: ['\ufffd'] });
});
