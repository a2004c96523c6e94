import { describe, expect, it } from 'vitest';
import { Pseudonyms } from '../../../shared/credentials/pseudonyms';

const keys = new Pseudonyms('a-key-only-the-issuer-holds');
const identity = { cardId: 'card_abc123', deviceId: 'dev_01' };

describe('pseudonyms of the unlinkable credential', () => {
  it('differ per operator and per fare day, and are the same for one operator’s day', () => {
    const names = [
      keys.pseudonym('op:bus-co', '2026-11-10', identity.cardId),
      keys.pseudonym('op:bus-co', '2026-11-11', identity.cardId),
      keys.pseudonym('m:m-tea', '2026-11-10', identity.cardId),
      keys.pseudonym('op:bus-co', '2026-11-10', 'card_another'),
      new Pseudonyms('another-issuers-key-here').pseudonym('op:bus-co', '2026-11-10', identity.cardId),
    ];
    expect(new Set(names).size).toBe(names.length);
    expect(keys.pseudonym('op:bus-co', '2026-11-10', identity.cardId)).toBe(names[0]);
    expect(names[0]).toMatch(/^[\w-]{22}$/);
  });

  it('seals the card for the backend alone: opened only under the same operator and day', () => {
    const sealed = keys.seal('op:bus-co', '2026-11-10', identity);
    expect(sealed).not.toContain('card_abc123');
    expect(keys.open('op:bus-co', '2026-11-10', sealed)).toEqual(identity);
    expect(keys.open('op:bus-co', '2026-11-11', sealed)).toBeUndefined();
    expect(keys.open('m:m-tea', '2026-11-10', sealed)).toBeUndefined();
    expect(new Pseudonyms('another-issuers-key-here').open('op:bus-co', '2026-11-10', sealed)).toBeUndefined();
    expect(keys.seal('m:m-tea', '2026-11-10', identity)).not.toBe(sealed);
  });

  it('opens nothing a caller made up or changed', () => {
    const sealed = Buffer.from(keys.seal('op:bus-co', '2026-11-10', identity), 'base64url');
    for (const i of [0, 20, sealed.length - 1]) {
      const changed = Buffer.from(sealed);
      changed[i] = (changed[i] ?? 0) ^ 1;
      expect(keys.open('op:bus-co', '2026-11-10', changed.toString('base64url'))).toBeUndefined();
    }
    for (const made of ['', 'x', 'A'.repeat(500), Buffer.alloc(16).toString('base64url')]) {
      expect(keys.open('op:bus-co', '2026-11-10', made)).toBeUndefined();
    }
    expect(keys.open('not a scope', '2026-11-10', 'x')).toBeUndefined();
    expect(() => new Pseudonyms('short')).toThrow();
  });
});
