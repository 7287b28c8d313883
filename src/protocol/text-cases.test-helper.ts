/**
 * Unicode edge cases shared by the widget's and the BFF's tests (QUALITY.md B8), so both are held to the
 * same strings.
 */

/** Texts of exactly `limit` code points, built four ways that count differently in units and bytes. */
export function textsAtLimit(limit: number): [name: string, text: string][] {
  return [
    ['ASCII: 1 UTF-16 unit, 1 byte each', 'a'.repeat(limit)],
    ['precomposed é: 1 unit, 2 bytes', 'é'.repeat(limit)],
    ['emoji: 2 units, 4 bytes', '😀'.repeat(limit)],
    ['e + combining acute: 2 code points per letter seen', 'e\u0301'.repeat(limit / 2)],
  ]
}

/** Valid text that must come back exactly as sent. */
export const ROUND_TRIP_TEXTS: [name: string, text: string][] = [
  ['emoji ZWJ sequences, skin tones and flags', '👩‍👩‍👧‍👦 🧑🏽‍🚒 🏳️‍🌈 🇯🇵'],
  ['zero-width joiner and non-joiner', 'می\u200Cخواهم क्\u200Dष'],
  ['right-to-left text with numbers', 'مرحبا 123 שלום עולם'],
  ['bidi controls (neutralised on screen, kept in data)', 'abc\u202Edcba\u202C \u2066x\u2069'],
  ['1,000 combining marks on one letter', `a${'\u0301'.repeat(1000)}`],
  ['astral CJK and mathematical letters', '𠀀𠀁 𝔘𝔫𝔦𝔠𝔬𝔡𝔢'],
  ['byte order mark, line and paragraph separators', '\uFEFFa\u2028b\u2029c'],
  ['tabs and newlines', 'line 1\n\tline 2'],
  ['a decomposed letter stays decomposed', 'Cafe\u0301'],
]
