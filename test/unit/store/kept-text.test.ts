import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keptJson, keptText, textOf } from '../../../shared/store/kept-text';

const seniorExit = JSON.stringify({
  tapId: 'f27634aa-927e-4af0-a254-f66cc9533dbb',
  status: 'accepted',
  fareFen: 100,
  balanceFen: 44800,
  fareClass: 'senior',
  journeyId: 'jny_4d05173f-26e6-49bb-955f-ca87b17e3c40',
  explanation: [
    { rule: 'zones', text: 'Zones 1 to 2: 200 + 100 x 1, at most 500', fen: 300 },
    { rule: 'transfer', text: 'Transfer within 60 minutes: 100 fen off the adult fare', fen: -100 },
    { rule: 'concession', text: 'senior fare: 50% of the adult fare, rounded half up', fen: -100 },
    { rule: 'exit-refund', text: 'Exit refunds 300 fen of the 400 fen held at entry', fen: -300 },
  ],
});

describe('an answer as its record keeps it', () => {
  it('keeps a long answer compressed, well under its text, and reads it back byte for byte', () => {
    const kept = keptText(seniorExit);
    expect(kept).toBeInstanceOf(Uint8Array);
    expect((kept as Uint8Array).length).toBeLessThan(0.7 * seniorExit.length);
    expect(textOf(kept)).toBe(seniorExit);
    expect(keptJson(kept)).toEqual(JSON.parse(seniorExit));
  });

  it('keeps a short answer as the text it is, and reads records written before as they are', () => {
    const short = JSON.stringify({ tapId: 't1', status: 'declined', declineCode: 'REPLAYED' });
    expect(keptText(short)).toBe(short);
    expect(textOf(seniorExit)).toBe(seniorExit);
  });

  it('reads back any JSON answer exactly, whatever it holds', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, long) => {
        // Long ones go through brotli; short ones stay text.
        const text =
          JSON.stringify(long ? { text: 'Transfer within 60 minutes. '.repeat(10), value } : value) ?? 'null';
        expect(textOf(keptText(text))).toBe(text);
      }),
    );
  });

  it('refuses what is neither text nor a kept answer', () => {
    expect(() => textOf(42)).toThrow();
    expect(() => textOf(new Uint8Array([1, 2, 3]))).toThrow();
  });
});
