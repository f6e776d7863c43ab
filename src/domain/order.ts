/**
 * Orders: sides, types, statuses, and the consistency rules between
 * quantity, filled quantity, prices and status. Pure: no I/O.
 */
import { type AmountInput, canonicalInput, DECIMAL_ZERO, type Decimal, dec } from './decimal.js';
import { ISO_TIME_FORMS, isoTimeMs } from './iso-time.js';
import { Problems } from './validation.js';

export const ORDER_SIDES = ['buy', 'sell'] as const;
export const ORDER_TYPES = ['market', 'limit'] as const;
export const ORDER_STATUSES = ['open', 'partially_filled', 'filled', 'cancelled', 'rejected'] as const;
/** Most orders one bulk import takes (`POST /orders/bulk`), all or none. */
export const MAX_BULK_ORDERS = 10_000;
export type OrderSide = (typeof ORDER_SIDES)[number];
export type OrderType = (typeof ORDER_TYPES)[number];
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface NewOrder {
  traderId: number | null;
  pair: string;
  clientOrderId: string | null;
  side: OrderSide;
  type: OrderType;
  price: Decimal | null;
  quantity: Decimal;
  filledQuantity: Decimal;
  averagePrice: Decimal | null;
  status: OrderStatus;
  fee: Decimal;
  /** Epoch ms; imported history may carry its own time. */
  createdAt: number | null;
}

/**
 * An order as a client sends it. The API schema (`api/requests/`, whose type
 * must fit this one) checks the shape; `checkNewOrder` the rules: the closed
 * lists, pair and id formats, amounts, times and the rules between them.
 */
export interface NewOrderInput {
  pair: string;
  side: string;
  type?: string;
  status?: string;
  traderId?: number | null;
  clientOrderId?: string | null;
  price?: AmountInput | null;
  quantity: AmountInput;
  filledQuantity?: AmountInput;
  averagePrice?: AmountInput | null;
  fee?: AmountInput;
  createdAt?: string;
}

export interface Order extends Omit<NewOrder, 'createdAt'> {
  id: number;
  userId: number;
  createdAt: number;
  updatedAt: number;
}

const PAIR = /^[A-Z0-9]{1,20}\/[A-Z0-9]{1,20}$/;
const CLIENT_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const EARLIEST = Date.UTC(2000, 0, 1);
const POSITIVE = { min: DECIMAL_ZERO, minExclusive: true };

/** Where a field of the order is reported: `base.field`, or `base[index].field` for one of a list. */
function fieldPath(base: string, index: number | undefined, field: string): string {
  return index === undefined ? `${base}.${field}` : `${base}[${index}].${field}`;
}

function oneOf<T extends string>(
  v: unknown,
  allowed: readonly T[],
  p: Problems,
  base: string,
  index: number | undefined,
  field: string,
): T | undefined {
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  p.add(fieldPath(base, index, field), `must be one of ${allowed.join(', ')}`);
  return undefined;
}

/** A canonical amount above zero, as sent; anything else is left to the full parse (which reports). */
function plainPositive(v: unknown): Decimal | undefined {
  const d = canonicalInput(v);
  return d === DECIMAL_ZERO ? undefined : d;
}

/** What an order's status says of its fill that the fill contradicts, or undefined when they agree. */
function statusRuleBroken(status: OrderStatus, anyFilled: boolean, filledVsQty: number): string | undefined {
  switch (status) {
    case 'open':
      return anyFilled ? 'an open order has filledQuantity 0' : undefined;
    case 'partially_filled':
      return anyFilled && filledVsQty < 0
        ? undefined
        : 'a partially_filled order has 0 < filledQuantity < quantity';
    case 'filled':
      return filledVsQty === 0 ? undefined : 'a filled order has filledQuantity = quantity';
    case 'cancelled':
      return undefined;
    case 'rejected':
      return anyFilled ? 'a rejected order has filledQuantity 0' : undefined;
  }
}

/**
 * Validates one order from any entry point. `now` bounds imported times (no
 * orders from the future). Problems are added to `p` under `base` (or
 * `base[index]` for one order of a list); returns undefined if any.
 *
 * Values already in their plain form (canonical amounts, exact pairs and ids)
 * are taken as they are; anything else goes through the full parse, which
 * normalises it or says what is wrong. A path is only built for a problem: a
 * bulk import checks 10,000 orders per call.
 */
export function checkNewOrder(
  input: NewOrderInput,
  base: string,
  p: Problems,
  now: number,
  index?: number,
): NewOrder | undefined {
  const before = p.list.length;
  const pairIn = input['pair'];
  const pair =
    typeof pairIn === 'string' && PAIR.test(pairIn)
      ? pairIn
      : p.text(pairIn, fieldPath(base, index, 'pair'), {
          max: 41,
          pattern: PAIR,
          patternDoc: 'a pair like "BTC/USDT"',
        });
  const side = oneOf(input['side'], ORDER_SIDES, p, base, index, 'side');
  const type = oneOf(input['type'] ?? 'market', ORDER_TYPES, p, base, index, 'type');
  const status = oneOf(input['status'] ?? 'open', ORDER_STATUSES, p, base, index, 'status');
  const q = input['quantity'];
  const quantity = plainPositive(q) ?? p.amount(q, fieldPath(base, index, 'quantity'), POSITIVE);
  const pr = input['price'];
  const price =
    pr == null
      ? null
      : (plainPositive(pr) ?? p.amount(pr, fieldPath(base, index, 'price'), POSITIVE) ?? null);
  const fq = input['filledQuantity'];
  const filledQuantity =
    fq == null
      ? DECIMAL_ZERO
      : (canonicalInput(fq) ?? p.amount(fq, fieldPath(base, index, 'filledQuantity')));
  const ap = input['averagePrice'];
  const averagePrice =
    ap == null
      ? null
      : (plainPositive(ap) ?? p.amount(ap, fieldPath(base, index, 'averagePrice'), POSITIVE) ?? null);
  const f = input['fee'];
  const fee = f == null ? DECIMAL_ZERO : (canonicalInput(f) ?? p.amount(f, fieldPath(base, index, 'fee')));
  let traderId: number | null = null;
  if (input['traderId'] != null) {
    if (Number.isSafeInteger(input['traderId']) && (input['traderId'] as number) > 0)
      traderId = input['traderId'] as number;
    else p.add(fieldPath(base, index, 'traderId'), 'must be a positive integer id');
  }
  let clientOrderId: string | null = null;
  const c = input['clientOrderId'];
  if (c != null) {
    clientOrderId =
      typeof c === 'string' && CLIENT_ID.test(c)
        ? c
        : (p.text(c, fieldPath(base, index, 'clientOrderId'), { max: 64, pattern: CLIENT_ID }) ?? null);
  }
  let createdAt: number | null = null;
  if (input['createdAt'] != null) {
    const t = isoTimeMs(input['createdAt']);
    if (t === undefined)
      p.add(fieldPath(base, index, 'createdAt'), `must be ${ISO_TIME_FORMS}, on a day that exists`);
    else if (t < EARLIEST || t > now + 60_000)
      p.add(fieldPath(base, index, 'createdAt'), 'must be between 2000-01-01 and now');
    else createdAt = t;
  }
  if (p.list.length > before) return undefined;

  // Exact comparisons: 1.000000000000000001 and 1 are the same double.
  const filledVsQty = dec.cmp(filledQuantity!, quantity!);
  const anyFilled = dec.sign(filledQuantity!) > 0;
  if (type === 'limit' && price === null)
    p.add(fieldPath(base, index, 'price'), 'is required for a limit order');
  if (filledVsQty > 0) p.add(fieldPath(base, index, 'filledQuantity'), 'must not exceed quantity');
  if (anyFilled && averagePrice === null)
    p.add(fieldPath(base, index, 'averagePrice'), 'is required when filledQuantity > 0');
  const why = statusRuleBroken(status!, anyFilled, filledVsQty);
  if (why !== undefined) p.add(fieldPath(base, index, 'status'), why);
  if (p.list.length > before) return undefined;
  return {
    traderId,
    pair: pair!,
    clientOrderId,
    side: side!,
    type: type!,
    price,
    quantity: quantity!,
    filledQuantity: filledQuantity!,
    averagePrice,
    status: status!,
    fee: fee!,
    createdAt,
  };
}

export function parseNewOrder(input: NewOrderInput, now: number, base = 'body'): NewOrder {
  const p = new Problems();
  const o = checkNewOrder(input, base, p, now);
  p.throwIfAny('Invalid order');
  return o!;
}
