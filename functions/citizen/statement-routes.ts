import { createRoute, z } from '@hono/zod-openapi';
import { ownCardId } from '../../shared/cards/cards';
import { signedStatementPage } from '../../shared/cards/receipts';
import { presenterFor } from '../../shared/i18n/i18n';
import { CARD_ID } from '../../shared/ledger/accounts';
import type { AppDeps } from '../deps';
import { callerLanguage } from '../http/language';
import type { Router } from '../http/router';
import { errorResponses, PageQuery } from '../http/schemas';
import { StatementEntrySchema } from './schemas';

const ReceiptSchema = z.string().nullable().openapi({
  description:
    'The entry’s receipt: a compact JWS (ES256, typ onecard-receipt+jws, a kid of /.well-known/onecard-receipt-keys.json) whose payload says what moved, the balance after, for a fare its fare day’s spend against the cap, the month’s spend and its rules’ SHA-256, and the SHA-256 of the card’s receipt before it (`prev`): the card’s receipts form one chain. Signed when read; the payload and so the link are the same whenever. Null for a movement from before receipts.',
});

const ChainHeadSchema = z
  .object({
    seq: z.number().int().openapi({ description: 'The card’s newest receipt’s number (1 is its first)' }),
    sha256: z.string().openapi({ description: 'Its hash: SHA-256 of its payload’s bytes, base64url' }),
  })
  .nullable()
  .openapi('ReceiptChainHead', {
    description:
      'Where the card’s receipt chain ends now: a holder’s verified copy must end at it. Null before the first.',
  });

const StatementPage = z
  .object({
    items: z.array(StatementEntrySchema.extend({ receipt: ReceiptSchema })),
    nextCursor: z.string().nullable(),
    chainHead: ChainHeadSchema,
  })
  .openapi('StatementPage');

export function statementRoutes(app: Router, deps: AppDeps) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/me/statement',
      operationId: 'getMyStatement',
      tags: ['citizen'],
      security: [{ citizen: [] }],
      summary: 'Every movement of the card, newest first, with the balance after each and its signed receipt',
      description:
        'Only what moved money: a ride that cost nothing (a free transfer, a day past its cap) is in the journeys, not here. A page may hold fewer entries than the limit while nextCursor is not null: follow it. Each entry carries its receipt and the page the chain’s head; the receipts of a card, oldest first, verify offline as one chain (docs/receipts.md): every signature, every link, every balance after.',
      request: {
        query: PageQuery.extend({
          cardId: z.string().regex(CARD_ID).optional().openapi({
            description:
              'One of the caller’s closed cards (GET /v1/me/card names the current one): its statement stays readable for ten years, the retention of the city’s money records. Default: the current card. Another citizen’s card is 404.',
          }),
        }),
      },
      responses: {
        200: { description: 'A page of entries', content: { 'application/json': { schema: StatementPage } } },
        ...errorResponses(400, 401, 404, 422),
      },
    }),
    async (c) => {
      const { limit, cursor, cardId: asked } = c.req.valid('query');
      const cardId = await ownCardId(deps.store, c.get('citizen').citizenId, asked);
      const signer = await deps.keyRing.signer();
      const { broken, ...page } = await signedStatementPage(deps.store, signer, cardId, { limit, cursor });
      // An entry that no longer hashes to what its transaction kept was changed outside the ledger.
      if (broken.length > 0) deps.logger.error('statement entries differ from their receipts', { cardId, broken });
      const present = presenterFor(callerLanguage(c));
      return c.json({ ...page, items: page.items.map(present.entry) }, 200);
    },
  );
}
