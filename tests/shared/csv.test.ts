import { describe, expect, it } from 'vitest';
import { csvField, csvRecord, parseCsv, CsvSyntaxError } from '../../shared/csv.ts';

describe('RFC 4180 CSV', () => {
  it('quotes only fields that need it, doubling quotes, and ends records with CRLF', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvRecord(['1', '', 'x'])).toBe('1,,x\r\n');
  });

  it('parses what it writes back to the same fields', () => {
    const rows = [
      ['id', 'note'],
      ['1', 'a,b'],
      ['2', 'say "hi"'],
      ['3', 'two\r\nlines'],
      ['4', ''],
    ];
    const text = rows.map(csvRecord).join('');
    expect(parseCsv(text).map((r) => r.fields)).toEqual(rows);
  });

  it('numbers records by the physical line they start on, skipping blank lines, LF or CRLF, BOM', () => {
    const recs = parseCsv('\uFEFFh1,h2\n"multi\nline",x\n\nlast,y\r\n');
    expect(recs.map((r) => [r.line, r.fields])).toEqual([
      [1, ['h1', 'h2']],
      [2, ['multi\nline', 'x']],
      [5, ['last', 'y']],
    ]);
  });

  it('reports an unclosed quote or a stray quote with its line', () => {
    expect(() => parseCsv('a,b\n"open,x\n')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('a,b\n"open,x\n')).toThrow(/line 2/);
    expect(() => parseCsv('a,b\nx,y"z\n')).toThrow(/line 2: quote inside an unquoted field/);
  });
});
