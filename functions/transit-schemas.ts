import { z } from '@hono/zod-openapi';
import { TAP_DECLINE_CODES } from '../shared/transit/model';

/** A tap's answer, as a validator reads it and a citizen's journey fix answers it. */
export const Rule = z
  .object({ rule: z.string(), text: z.string(), fen: z.number().int().optional() })
  .openapi('FareRule', { description: 'One rule that set (part of) a fare or fee, with the fen it added or took off' });

export const TapResultSchema = z
  .object({
    tapId: z.string(),
    status: z.enum(['accepted', 'declined']),
    fareFen: z.number().int().openapi({ description: 'For an exit, the whole journey’s fare' }),
    balanceFen: z.number().int().nullable(),
    fareClass: z.enum(['adult', 'student', 'senior', 'disabled']).nullable(),
    journeyId: z.string().nullable(),
    explanation: z.array(Rule),
    declineCode: z.enum(TAP_DECLINE_CODES).optional(),
  })
  .openapi('TapResult', {
    example: {
      tapId: '0b6f3c1e-8a2d-4f5b-9c7e-2d4a6b8c0e1f',
      status: 'accepted',
      fareFen: 100,
      balanceFen: 1700,
      fareClass: 'adult',
      journeyId: 'jny_0b6f3c1e-8a2d-4f5b-9c7e-2d4a6b8c0e1f',
      explanation: [
        { rule: 'base', text: 'Base fare on route B1', fen: 200 },
        { rule: 'transfer', text: 'Transfer within 60 minutes of a boarding on B2', fen: -100 },
      ],
    },
  });
