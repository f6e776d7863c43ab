/**
 * The data behind the bot's inline buttons. A tap comes back from the user's
 * client, so it is input like any other: it is decoded against a closed
 * grammar and refused when it does not fit. Each encoded value stays well
 * under Telegram's 64-byte limit.
 */

export type ButtonAction =
  /** Ask to confirm closing a position. */
  | { kind: 'askClose'; positionId: number }
  | { kind: 'confirmClose'; positionId: number }
  | { kind: 'keepOpen'; positionId: number }
  /** Show a position's TP/SL and how to change them. */
  | { kind: 'showTpSl'; positionId: number }
  | { kind: 'clearTakeProfit'; positionId: number }
  | { kind: 'clearStopLoss'; positionId: number }
  /** Turn copying of a trader on or off (idempotent: a double tap changes nothing more). */
  | { kind: 'setTrader'; traderId: number; enabled: boolean };

const POSITION_VERBS = {
  askClose: 'close',
  confirmClose: 'closeok',
  keepOpen: 'keep',
  showTpSl: 'tpsl',
  clearTakeProfit: 'tpoff',
  clearStopLoss: 'sloff',
} as const;

type PositionKind = keyof typeof POSITION_VERBS;
const KIND_BY_VERB = new Map<string, PositionKind>(
  Object.entries(POSITION_VERBS).map(([k, v]) => [v, k as PositionKind]),
);

const GRAMMAR = /^(pos|trader):([a-z]{2,8}):([1-9]\d{0,14})$/;

export function encodeAction(a: ButtonAction): string {
  if (a.kind === 'setTrader') return `trader:${a.enabled ? 'on' : 'off'}:${a.traderId}`;
  return `pos:${POSITION_VERBS[a.kind]}:${a.positionId}`;
}

/** The action a button's data names, or null when it is not one of ours. */
export function decodeAction(data: string): ButtonAction | null {
  const m = GRAMMAR.exec(data);
  if (!m) return null;
  const [, scope, verb, digits] = m as unknown as [string, string, string, string];
  const id = Number(digits);
  if (scope === 'trader') {
    if (verb !== 'on' && verb !== 'off') return null;
    return { kind: 'setTrader', traderId: id, enabled: verb === 'on' };
  }
  const kind = KIND_BY_VERB.get(verb);
  return kind ? { kind, positionId: id } : null;
}
