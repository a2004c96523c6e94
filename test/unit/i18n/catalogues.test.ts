import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../shared/errors';
import { EN } from '../../../shared/i18n/en';
import { presenterFor, translator } from '../../../shared/i18n/i18n';
import { languageOf } from '../../../shared/i18n/languages';
import { ZH_CN } from '../../../shared/i18n/zh-CN';
import { ENTRY_KINDS } from '../../../shared/ledger/model';

const HAN = /[\u4e00-\u9fff]/;
/** Every key path of a catalogue (`entries.fare`), to compare the two languages' catalogues. */
const keysOf = (value: object, prefix = ''): string[] =>
  Object.entries(value).flatMap(([key, inner]) =>
    typeof inner === 'object' && inner !== null ? keysOf(inner, `${prefix}${key}.`) : [`${prefix}${key}`],
  );

describe('the message catalogues', () => {
  it('give every English message its Chinese, and every Chinese message its English or its throw site', () => {
    const zh = keysOf(ZH_CN);
    const en = keysOf(EN);
    expect(zh.sort()).toEqual(en.sort());
    expect(Object.keys(ZH_CN.errors).sort()).toEqual([...ERROR_CODES].sort());
  });

  it.each(ERROR_CODES)('says %s in Chinese to a zh-CN caller, and leaves English to the throw site', (code) => {
    expect(translator('zh-CN').errorMessage(code)).toMatch(HAN);
    expect(translator('en').errorMessage(code)).toBeUndefined();
  });

  it.each(ENTRY_KINDS)('describes a %s entry in both languages', (kind) => {
    expect(translator('zh-CN').entryDescription(kind)).toMatch(HAN);
    expect(translator('en').entryDescription(kind)).toMatch(/^[A-Z][a-z -]+/);
  });

  it('explains a fare in Chinese by each rule and its amount in yuan, and keeps English as written', () => {
    const rules = [
      { rule: 'base' as const, text: 'Adult base fare on B1', fen: 200 },
      { rule: 'transfer' as const, text: 'Transfer within 60 minutes', fen: -100 },
      { rule: 'cap' as const, text: 'Capped for the day' },
    ];
    expect(
      presenterFor('zh-CN')
        .explanation(rules)
        .map((r) => r.text),
    ).toEqual(['基本票价（2.00 元）', '换乘优惠（-1.00 元）', '当日封顶']);
    expect(presenterFor('en').explanation(rules)).toBe(rules);
  });
});

describe('the caller’s language', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['zh-CN', 'zh-CN'],
    ['zh', 'zh-CN'],
    ['zh-Hans-CN,zh;q=0.9', 'zh-CN'],
    ['ZH-cn', 'zh-CN'],
    ['en-US,en;q=0.9,zh-CN;q=0.8', 'en'],
    ['fr-FR,zh-CN;q=0.5', 'zh-CN'],
    ['zh-CN;q=0.2,en;q=0.9', 'en'],
    ['zh-TW', 'en'],
    ['zh-CN;q=0', 'en'],
    ['de, fr;q=abc', 'en'],
  ])('reads %j as %s', (header, language) => {
    expect(languageOf(header)).toBe(language);
  });
});
