/**
 * Characters no name or note a person types should hold: controls (NUL, line breaks), format
 * characters (bidi overrides that reverse what a statement shows, zero-width joiners), private-use
 * ones, line and paragraph separators, and a surrogate half without its pair (not text at all).
 * Every script's letters, marks and punctuation pass: 韩梅梅, 阿卜杜拉·艾买提, Seán O'Brien-Smith.
 */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Co}\p{Zl}\p{Zp}]|\p{Cs}/u;

export const isPrintable = (text: string) => !UNPRINTABLE.test(text);

export const NOT_PRINTABLE =
  'must not hold control or format characters (bidi overrides, NUL, line breaks) or a lone surrogate';
