import i18next from 'i18next';
import type { SkipReason } from '../benefits/allowance';
import type { ErrorCode } from '../errors';
import type { FareRule } from '../fares/engine';
import type { EntryKind } from '../ledger/model';
import { EN } from './en';
import { LANGUAGES, type Language } from './languages';
import { ZH_CN } from './zh-CN';

/**
 * The message catalogues behind i18next: one instance, made once and synchronously (the catalogues
 * are in the bundle; nothing is fetched), English as the fallback of any missing key.
 */
const catalogues = i18next.createInstance();
void catalogues.init({
  resources: { en: { translation: EN }, 'zh-CN': { translation: ZH_CN } },
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  load: 'currentOnly',
  initAsync: false,
  // Messages go into JSON, never into HTML: nothing to escape.
  interpolation: { escapeValue: false },
});

/** What a caller of `language` reads: messages from the catalogues, figures formatted alike. */
export function translator(language: Language) {
  const t = catalogues.getFixedT(language);
  const yuan = (fen: number) => `${fen < 0 ? '-' : ''}${(Math.abs(fen) / 100).toFixed(2)}`;
  return {
    language,
    /** The code's message, or undefined where the throw site's own (English) message is the one to keep. */
    errorMessage: (code: ErrorCode): string | undefined => (language === 'en' ? undefined : t(`errors.${code}`)),
    entryDescription: (kind: EntryKind): string => t(`entries.${kind}`),
    skipReason: (reason: SkipReason): string => t(`skipReasons.${reason}`),
    /** A fare rule's line: its label, and the amount it added or took off where it has one. */
    fareRule: (rule: FareRule): string => {
      const label = t(`fareRules.${rule.rule}`);
      return rule.fen === undefined ? label : t('amount', { label, yuan: yuan(rule.fen) });
    },
  };
}
export type Translator = ReturnType<typeof translator>;

/**
 * What a citizen reads in their language: a statement entry's description and a fare's explanation.
 * English keeps the text each was written with (it names the route, the stop, the merchant); Chinese
 * says the same from the entry's kind and each rule's kind and amount. Nothing else changes.
 */
export function presenterFor(language: Language) {
  const t = translator(language);
  const english = language === 'en';
  const explanation = (rules: FareRule[]): FareRule[] =>
    english ? rules : rules.map((rule) => ({ ...rule, text: t.fareRule(rule) }));
  return {
    entry: <E extends { kind: EntryKind; description: string }>(entry: E): E =>
      english ? entry : { ...entry, description: t.entryDescription(entry.kind) },
    explanation,
    explained: <E extends { explanation: FareRule[] }>(item: E): E =>
      english ? item : { ...item, explanation: explanation(item.explanation) },
  };
}
