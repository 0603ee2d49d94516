import { decodeRow, encodeRow, rowEncoder, splitLines, valuesEncoder } from '../../../src/codec';

/** Text forms the engines produce (see docs/types.md), one per type and edge value. */
const TEXT_FORMS: [string, string][] = [
  ['bigint min', '-9223372036854775808'],
  ['bigint unsigned max', '18446744073709551615'],
  [
    'numeric, 60 digits and a scale',
    '123456789012345678901234567890123456789012345678901234567890.000000000000000000000000000001',
  ],
  ['numeric NaN', 'NaN'],
  ['decimal(65,30)', '-99999999999999999999999999999999999.999999999999999999999999999999'],
  ['real', '3.4028235e+38'],
  ['double denormal', '5e-324'],
  ['negative zero', '-0'],
  ['float through double', '0.10000000149011612'],
  ['money as numeric', '-92233720368547758.08'],
  ['bytea', '\\xdeadbeef00ff00'],
  ['empty bytea', '\\x'],
  ['char(5) padding', 'é    '],
  ['control characters', 'tab\t newline\n cr\r nul-free \u0001 \u007f'],
  ['quotes and backslashes', `' " \\ \\\\`],
  ['line and paragraph separators', 'a\u2028b\u2029c'],
  ['emoji and combining marks', '😀 e\u0301 Ω'],
  ['the string NULL', 'NULL'],
  ['empty string', ''],
  ['date BC', '4713-01-01 BC'],
  ['timestamptz', '294276-12-31 23:59:59.999999+00'],
  ['timestamp infinity', '-infinity'],
  ['timetz', '00:00:00.000001+00:00:01'],
  ['interval', '-1 days +02:03:04.000005'],
  ['mysql time', '-838:59:59.000000'],
  ['json with whitespace and duplicate keys', '  {"b": 1,  "a" :[1, 2.50, "x\\u00e9"], "b": 2}  '],
  ['array', '{"a\\"b","c,d",NULL,"NULL",""," x ","back\\\\slash"}'],
  ['range', '["2001-01-01 00:00:00.000001+00",infinity)'],
];

describe('JSON Lines rows', () => {
  it.each(TEXT_FORMS)('carries %s unchanged', (_name, text) => {
    const line = encodeRow({ v: text }, ['v']);
    // Lines are split on \n (and readers may split on \r); U+2028/2029 may stay raw, as JSON allows.
    expect(line).not.toMatch(/[\n\r]/);
    expect(decodeRow(line)).toEqual({ v: text });
  });

  it('writes keys in column order whatever the row object order, and null apart from the string "NULL"', () => {
    const line = encodeRow({ b: 'NULL', a: null }, ['a', 'b', 'c']);
    expect(line).toBe('{"a":null,"b":"NULL","c":null}');
    expect(Object.keys(decodeRow(line))).toEqual(['a', 'b', 'c']);
  });

  it('splits a batch into its lines, the final newline included', () => {
    const text = [encodeRow({ v: 'a\nb' }, ['v']), encodeRow({ v: null }, ['v'])].join('\n') + '\n';
    expect(splitLines(text).map(decodeRow)).toEqual([{ v: 'a\nb' }, { v: null }]);
  });

  it('encodes with the fast encoder byte for byte as encodeRow does, odd column names included', () => {
    const values = Object.fromEntries(TEXT_FORMS.map(([name, text]) => [name, text]));
    for (const columns of [
      TEXT_FORMS.map(([name]) => name),
      ['b', 'a', 'missing', 'é"\\'],
      ['10', 'id', '2'],
      ['id', '__proto__', 'constructor'],
    ]) {
      const row = { ...values, b: null, a: 'x', '10': 'ten', '2': 'two', id: '1', constructor: 'c' };
      expect(rowEncoder(columns)(row)).toBe(encodeRow(row, columns));
    }
  });

  it('encodes values by position byte for byte as encodeRow does, and leaves reordered names to it', () => {
    const columns = [...TEXT_FORMS.map(([name]) => name), 'nothing', 'é"\\', 'constructor'];
    const row: Record<string, string | null> = Object.fromEntries(
      TEXT_FORMS.map(([name, text]) => [name, text]),
    );
    row.nothing = null;
    row['é"\\'] = 'q"\n';
    row['constructor'] = 'c';
    const encode = valuesEncoder(columns, 1)!;
    expect(encode(['fingerprint', ...columns.map((c) => row[c] ?? null)])).toBe(encodeRow(row, columns));
    expect(valuesEncoder(['10', 'id'], 1)).toBeNull();
    expect(valuesEncoder(['id', '__proto__'], 1)).toBeNull();
  });
});
