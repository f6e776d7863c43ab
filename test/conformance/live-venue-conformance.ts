/**
 * The live copy broker conformance suite: what the live copy executor may
 * rely on from any venue behind the `LiveVenues` port — a market's rules
 * once loaded; client order ids that are the same for a (follow, leader
 * trade) and valid for the venue; a market buy filled at the market with its
 * fee, the account's balances moving exactly as reported (quote spent,
 * base received — net of a fee the venue took in base); a sell of the
 * holding; a partial fill reported as such; an order the account cannot pay
 * refused in the venue's words with nothing placed; and an order whose
 * acknowledgement was lost — an unknown outcome, never a refusal — found by
 * its client order id with its fill, once on the venue. Each venue registers
 * a harness (real ccxt against its loopback server).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveTradingClient, LiveVenues, SentOrder } from '../../src/copytrading/live-venue-port.js';
import { type Decimal, type Exact, exact, formatExact, parseExact } from '../../src/domain/decimal.js';
import { ValidationError } from '../../src/domain/errors.js';
import type { OpenedKeys, VenueOrder } from '../../src/domain/live-order.js';
import { fitToLot } from '../../src/domain/lot-rules.js';

export interface LiveVenueAccount {
  keys: OpenedKeys;
  /** Balance of `asset` as the venue keeps it. */
  balance(asset: string): Exact;
  /** How many orders the venue holds with this client order id. */
  onVenue(clientOrderId: string): number;
  /** The next market order fills only `share` of its amount (1: all). */
  fillShare(share: number): void;
}

export interface LiveVenueHarness {
  venues: LiveVenues;
  venue: string;
  symbol: string;
  base: string;
  quote: string;
  /** The price the venue fills market orders at. */
  price: Decimal;
  /** The venue's fee, as a share of notional. */
  feeRate: Decimal;
  /**
   * The amount test orders are made of (they buy one and two of it, and a
   * thousand to overdraw an account): a few lots above the venue's minimum.
   * @default '0.001'
   */
  unit?: Decimal;
  /** The form the venue requires of a client order id. */
  clientOrderIdForm: RegExp;
  /** A new account holding `quote` of the quote asset. */
  account(quote: string): LiveVenueAccount;
  /** The next order placement is carried out, but its answer never arrives. */
  loseNextAck(): void;
  close(): Promise<void>;
}

const d = (s: string) => parseExact(s as Decimal);
const at8 = (x: Exact) => formatExact(exact.round(x, 8));

export function liveVenueConformance(name: string, open: () => Promise<LiveVenueHarness>): void {
  describe(`live copy broker conformance: ${name}`, () => {
    let h: LiveVenueHarness;
    let seq = 0;
    beforeAll(async () => {
      h = await open();
    });
    afterAll(() => h?.close());

    const cid = () => h.venues.clientOrderId(h.venue, 7, `conformance-${name}-${++seq}`);
    const client = (a: LiveVenueAccount) => h.venues.client(h.venue, a.keys);
    const notional = (v: VenueOrder) => exact.mul(v.filled, v.average!);
    const units = (n: number) => formatExact(exact.mul(d(h.unit ?? '0.001'), d(String(n))));
    const PLANNED_AT = 1_760_000_000_000;
    const sent = new Map<string, SentOrder>();
    /** A market order as the executor sends it (remembered, to be looked up as the executor does). */
    const send = (c: LiveTradingClient, side: 'buy' | 'sell', amount: Decimal, id: string) => {
      sent.set(id, { side, amount, price: h.price, plannedAt: PLANNED_AT });
      return c.createMarketOrder(h.symbol, side, amount, id, h.price, PLANNED_AT);
    };
    const find = (c: LiveTradingClient, id: string) =>
      c.findByClientOrderId(
        h.symbol,
        id,
        sent.get(id) ?? { side: 'buy', amount: units(1), price: h.price, plannedAt: PLANNED_AT },
      );

    it('loads the market’s rules: a lot step, its quote asset, a fee rate; null for a market it does not list', async () => {
      expect(h.venues.rules(h.venue, h.symbol)).toBeUndefined();
      await h.venues.load(h.venue);
      const r = h.venues.rules(h.venue, h.symbol)!;
      expect(r.quote).toBe(h.quote);
      expect(exact.sign(r.step!)).toBe(1);
      expect(exact.sign(r.feeRate)).toBeGreaterThanOrEqual(0);
      expect(h.venues.rules(h.venue, 'NOPE/NOTHING')).toBeNull();
    });

    it('derives one client order id per (follow, leader trade), in the venue’s form', () => {
      const a = h.venues.clientOrderId(h.venue, 12, 'trade-1');
      expect(a).toMatch(h.clientOrderIdForm);
      expect(h.venues.clientOrderId(h.venue, 12, 'trade-1')).toBe(a);
      expect(h.venues.clientOrderId(h.venue, 13, 'trade-1')).not.toBe(a);
      expect(h.venues.clientOrderId(h.venue, 12, 'trade-2')).not.toBe(a);
    });

    it('fills a market buy at the market with its fee, and the balances move as reported', async () => {
      const acct = h.account('10000');
      const c = client(acct);
      const id = cid();
      const v = await send(c, 'buy', units(1), id);
      expect(v.status).toBe('closed');
      expect(formatExact(v.filled)).toBe(units(1));
      expect(at8(v.average!)).toBe(at8(d(h.price)));
      expect(at8(v.fee)).toBe(at8(exact.mul(notional(v), d(h.feeRate))));
      const spent = exact.add(notional(v), v.received ? d('0') : v.fee);
      expect(at8(acct.balance(h.quote))).toBe(at8(exact.sub(d('10000'), spent)));
      expect(at8(acct.balance(h.base))).toBe(at8(v.received ?? v.filled));
      expect(at8(await c.freeBalance(h.quote))).toBe(at8(acct.balance(h.quote)));
      expect(acct.onVenue(id)).toBe(1);
      await c.close();
    });

    it('sells the holding (fitted to the lot), the fee paid from the quote it brings', async () => {
      const acct = h.account('10000');
      const c = client(acct);
      const buy = await send(c, 'buy', units(2), cid());
      const fit = fitToLot(buy.received ?? buy.filled, d(h.price), h.venues.rules(h.venue, h.symbol)!);
      expect(fit.ok).toBe(true);
      const amount = fit.ok ? fit.amount : d('0');
      const before = acct.balance(h.quote);
      const sell = await send(c, 'sell', formatExact(amount), cid());
      expect(sell.status).toBe('closed');
      expect(sell.received).toBeUndefined();
      expect(at8(sell.filled)).toBe(at8(amount));
      expect(at8(sell.fee)).toBe(at8(exact.mul(notional(sell), d(h.feeRate))));
      expect(at8(exact.sub(acct.balance(h.quote), before))).toBe(at8(exact.sub(notional(sell), sell.fee)));
      await c.close();
    });

    it('reports a partial fill as the part that filled; the venue works the rest or cancels it', async () => {
      const acct = h.account('10000');
      const c = client(acct);
      const id = cid();
      acct.fillShare(0.5);
      const v = await send(c, 'buy', units(2), id);
      acct.fillShare(1);
      expect(formatExact(v.filled)).toBe(units(1));
      expect(['open', 'canceled']).toContain(v.status);
      const later = (await find(c, id))!;
      expect(later.id).toBe(v.id);
      if (v.status === 'open')
        expect([later.status, formatExact(later.filled)]).toEqual(['closed', units(2)]);
      else expect([later.status, formatExact(later.filled)]).toEqual(['canceled', units(1)]);
      expect(at8(later.fee)).toBe(at8(exact.mul(notional(later), d(h.feeRate))));
      await c.close();
    });

    it('refuses what the account cannot pay, in the venue’s words, and places nothing', async () => {
      const acct = h.account('50');
      const c = client(acct);
      const id = cid();
      const err = await send(c, 'buy', units(1000), id).catch((e) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as Error).message).toMatch(/insufficient|not enough balance/i);
      expect(await find(c, id)).toBeNull();
      expect(acct.onVenue(id)).toBe(0);
      expect(at8(acct.balance(h.quote))).toBe('50');
      await c.close();
    });

    it('leaves a lost acknowledgement unknown (not refused), then finds the order by client order id, once', async () => {
      const acct = h.account('10000');
      const c = client(acct);
      const id = cid();
      h.loseNextAck();
      const err = await send(c, 'buy', units(1), id).catch((e) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(ValidationError);
      const found = (await find(c, id))!;
      expect(found).toMatchObject({ status: 'closed' });
      expect(formatExact(found.filled)).toBe(units(1));
      expect(at8(found.average!)).toBe(at8(d(h.price)));
      expect(at8(found.fee)).toBe(at8(exact.mul(notional(found), d(h.feeRate))));
      expect(at8(acct.balance(h.base))).toBe(at8(found.received ?? found.filled));
      expect(acct.onVenue(id)).toBe(1);
      await c.close();
    });

    it('finds nothing for a client order id never sent', async () => {
      const c = client(h.account('10'));
      expect(await find(c, cid())).toBeNull();
      await c.close();
    });
  });
}
