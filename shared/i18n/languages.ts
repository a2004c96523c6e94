/** The languages OneCard speaks: English (what machines get unless they ask) and Simplified Chinese. */
export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

/** An Accept-Language header is read only this far: a caller gains nothing from a longer one. */
const MAX_RANGES = 16;

/**
 * The language of an `Accept-Language` header (RFC 9110 §12.5.4): the range of highest weight that
 * OneCard speaks, the earlier one on a tie. Any Chinese but Traditional (`zh`, `zh-CN`, `zh-Hans`,
 * `zh-Hans-CN`, `zh-SG`) is Simplified Chinese; none of ours, or no header, is English.
 */
export function languageOf(header: string | undefined): Language {
  if (!header) return 'en';
  let best: { language: Language; weight: number } | undefined;
  for (const part of header.split(',').slice(0, MAX_RANGES)) {
    const [range = '', ...params] = part.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    const language = spoken(range.trim().toLowerCase());
    if (language && Number.isFinite(weight) && weight > 0 && (!best || weight > best.weight)) {
      best = { language, weight };
    }
  }
  return best?.language ?? 'en';
}

function spoken(range: string): Language | undefined {
  if (range === 'en' || range.startsWith('en-')) return 'en';
  if (range === 'zh' || range === 'zh-cn' || range === 'zh-sg' || range.startsWith('zh-hans')) return 'zh-CN';
  return undefined;
}
