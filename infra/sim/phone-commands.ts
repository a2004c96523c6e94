/** The citizen's phone: sign in, open and fund the card, register the phone, and read what the app shows. */

import { fareDay as fareDayOf } from '../../shared/time/shanghai';
import { once, registerPhone, settleRefund, signIn, topUp } from '../client/actors';
import { bearer, ok } from '../client/client';
import { newKeyPair, present, residentIdNumber } from '../client/signing';
import {
  credentialOf,
  fen,
  json,
  need,
  page,
  phoneOf,
  type SimCommand,
  type SimContext,
  SimUsageError,
} from './context';

const citizen = (ctx: SimContext) => bearer(phoneOf(ctx).accessToken);

export const PHONE_COMMANDS: Record<string, SimCommand> = {
  keys: {
    usage: 'keys',
    summary: 'make an ES256 key pair and print it as JWKs (the private one stays with you)',
    run: async () => json(await newKeyPair()),
  },
  login: {
    usage: 'login --phone <11 digits> [--code <sms code>]',
    summary: 'sign in with an SMS code (the local stack answers the code itself)',
    async run(ctx) {
      const number = need(ctx, 'phone');
      ctx.state.phone = { number, accessToken: await signIn(ctx.api, number, ctx.options.code) };
      return `signed in as ${number}`;
    },
  },
  'open-card': {
    usage: 'open-card --name <name> --birth-date <YYYY-MM-DD> [--id-number <18 characters>]',
    summary: 'open the card (without --id-number, a valid made-up number for the birth date)',
    async run(ctx) {
      const birthDate = need(ctx, 'birth-date');
      const idNumber = ctx.options['id-number'] ?? residentIdNumber(birthDate, Math.floor(Math.random() * 1000));
      const body = { name: need(ctx, 'name'), idNumber, birthDate };
      return json(await ok(ctx.api.POST('/v1/me/card', { body, headers: bearer(phoneOf(ctx).accessToken) })));
    },
  },
  card: {
    usage: 'card',
    summary: 'show the card: balance, held amount, class, state',
    run: async (ctx) => json(await ok(ctx.api.GET('/v1/me/card', { headers: bearer(phoneOf(ctx).accessToken) }))),
  },
  topup: {
    usage: 'topup --amount <fen>',
    summary: 'top up, playing the payment provider too (needs ONECARD_TOPUP_WEBHOOK_SECRET)',
    async run(ctx) {
      if (!ctx.env.webhookSecret) throw new SimUsageError('set ONECARD_TOPUP_WEBHOOK_SECRET (npm start prints it)');
      const topupId = await topUp(ctx.api, phoneOf(ctx).accessToken, fen(ctx, 'amount'), ctx.env.webhookSecret);
      return `top-up ${topupId} succeeded`;
    },
  },
  'register-device': {
    usage: 'register-device [--name <device name>]',
    summary: "register this phone's own key and fetch a credential bound to it",
    async run(ctx) {
      const phone = phoneOf(ctx);
      const device = await registerPhone(ctx.api, phone.accessToken, ctx.options.name);
      Object.assign(phone, device);
      return `device ${device.deviceId} registered; credential valid for 24 hours`;
    },
  },
  'day-credentials': {
    usage: 'day-credentials --scopes <scope,scope,...> [--date <fare day>]',
    summary:
      'fetch the unlinkable credentials of a fare day, one per operator scope (op:<operator>, m:<merchant>, f:<facility>), each with a key made for it alone',
    async run(ctx) {
      const phone = phoneOf(ctx);
      if (!phone.deviceId) throw new SimUsageError('no device yet: run `register-device` first');
      const scopes = need(ctx, 'scopes').split(',');
      // The seed city's fare day starts at 04:00 in Shanghai.
      const fareDay = ctx.options.date ?? fareDayOf(new Date(), 4);
      const pairs = await Promise.all(scopes.map(async (scope) => ({ scope, keys: await newKeyPair() })));
      const answer = await ok(
        ctx.api.POST('/v1/me/pseudonymous-credentials', {
          body: {
            deviceId: phone.deviceId,
            fareDay,
            keys: pairs.map((p) => ({ scope: p.scope, publicKeyJwk: p.keys.publicJwk })),
          },
          headers: bearer(phone.accessToken),
        }),
      );
      phone.dayCredentials = Object.fromEntries(
        pairs.map((p, i) => [p.scope, { credential: answer.credentials[i]?.credential ?? '', keys: p.keys, fareDay }]),
      );
      return `${answer.credentials.length} credentials for fare day ${fareDay}, valid ${answer.validFrom} to ${answer.expiresAt}`;
    },
  },
  credential: {
    usage: 'credential',
    summary: "fetch a fresh credential for the registered device (a day's life each)",
    async run(ctx) {
      const phone = phoneOf(ctx);
      if (!phone.deviceId) throw new SimUsageError('no device yet: run `register-device` first');
      const answer = await ok(
        ctx.api.POST('/v1/me/credentials', { body: { deviceId: phone.deviceId }, headers: bearer(phone.accessToken) }),
      );
      phone.credential = answer.credential;
      return json(answer);
    },
  },
  qr: {
    usage: 'qr --terminal-id <clientId> [--challenge <from the terminal>] [--amount <fen>]',
    summary: "print what the phone shows a terminal: credential, proof and challenge ('qr' without one)",
    async run(ctx) {
      const { keys, credential } = credentialOf(ctx);
      const amountFen = ctx.options.amount === undefined ? undefined : fen(ctx, 'amount');
      const shown = await present(keys, credential, {
        clientId: need(ctx, 'terminal-id'),
        challenge: ctx.options.challenge ?? 'qr',
        ...(amountFen === undefined ? {} : { amountFen }),
      });
      return json(shown);
    },
  },
  statement: {
    usage: 'statement [--limit <n>] [--cursor <from the last page>]',
    summary: 'every movement of the card, newest first, with the balance after each',
    run: async (ctx) =>
      json(await ok(ctx.api.GET('/v1/me/statement', { params: { query: page(ctx) }, headers: citizen(ctx) }))),
  },
  journeys: {
    usage: 'journeys [--limit <n>] [--cursor <c>]',
    summary: 'the rides, each with its fare and the rules that set it',
    run: async (ctx) =>
      json(await ok(ctx.api.GET('/v1/me/journeys', { params: { query: page(ctx) }, headers: citizen(ctx) }))),
  },
  visits: {
    usage: 'visits [--limit <n>] [--cursor <c>]',
    summary: 'park, library and bicycle visits, each with its fee',
    run: async (ctx) =>
      json(await ok(ctx.api.GET('/v1/me/visits', { params: { query: page(ctx) }, headers: citizen(ctx) }))),
  },
  offers: {
    usage: 'offers [--limit <n>] [--cursor <c>]',
    summary: "the merchant alliance's running offers",
    run: async (ctx) =>
      json(await ok(ctx.api.GET('/v1/me/offers', { params: { query: page(ctx) }, headers: citizen(ctx) }))),
  },
  bills: {
    usage: 'bills --biller <billerId> --account <account number>',
    summary: 'look up the open bills of a utility account',
    async run(ctx) {
      const query = { billerId: need(ctx, 'biller'), accountNo: need(ctx, 'account'), ...page(ctx) };
      return json(await ok(ctx.api.GET('/v1/me/bills', { params: { query }, headers: citizen(ctx) })));
    },
  },
  'pay-bill': {
    usage: 'pay-bill --bill <billId> --amount <fen>',
    summary: 'pay (part of) a bill from the card',
    async run(ctx) {
      const body = { billId: need(ctx, 'bill'), amountFen: fen(ctx, 'amount') };
      return json(
        await ok(ctx.api.POST('/v1/me/bill-payments', { body, params: { header: once() }, headers: citizen(ctx) })),
      );
    },
  },
  'fix-journey': {
    usage: 'fix-journey --journey <journeyId> --stop <stopId>',
    summary:
      'name the exit of an incomplete zone journey (within 48 hours): the fare is priced again and the rest given back',
    async run(ctx) {
      const params = { path: { journeyId: need(ctx, 'journey') } };
      const body = { stopId: need(ctx, 'stop') };
      return json(await ok(ctx.api.POST('/v1/me/journeys/{journeyId}/exit', { params, body, headers: citizen(ctx) })));
    },
  },
  points: {
    usage: 'points [--limit <n>] [--cursor <c>]',
    summary: 'the alliance points: balance, what lapses when, and their history',
    run: async (ctx) =>
      json(await ok(ctx.api.GET('/v1/me/points', { params: { query: page(ctx) }, headers: citizen(ctx) }))),
  },
  'close-online': {
    usage: 'close-online --id-number <18 characters> [--provider succeeded|failed]',
    summary:
      'close the card in the app (退卡退款): its balance back to the top-up provider, played with --provider (needs ONECARD_TOPUP_WEBHOOK_SECRET)',
    async run(ctx) {
      const body = { idNumber: need(ctx, 'id-number') };
      const closed = await ok(
        ctx.api.POST('/v1/me/card/closure', { body, params: { header: once() }, headers: citizen(ctx) }),
      );
      const word = ctx.options.provider;
      if (word === undefined) return json(closed);
      if (word !== 'succeeded' && word !== 'failed') throw new SimUsageError('--provider is succeeded or failed');
      if (!ctx.env.webhookSecret) throw new SimUsageError('set ONECARD_TOPUP_WEBHOOK_SECRET (npm start prints it)');
      const secret = ctx.env.webhookSecret;
      const refunds = [];
      for (const r of closed.refunds) refunds.push(await settleRefund(ctx.api, { ...r, status: word }, secret));
      return json({ ...closed, refunds });
    },
  },
  freeze: {
    usage: 'freeze',
    summary: 'freeze the card at once (a lost phone): every terminal refuses it from the next deny list',
    run: async (ctx) => json(await ok(ctx.api.POST('/v1/me/card/freeze', { headers: citizen(ctx) }))),
  },
  unfreeze: {
    usage: 'unfreeze',
    summary: 'unfreeze a card the citizen froze (one the operator froze stays frozen)',
    run: async (ctx) => json(await ok(ctx.api.POST('/v1/me/card/unfreeze', { headers: citizen(ctx) }))),
  },
};
