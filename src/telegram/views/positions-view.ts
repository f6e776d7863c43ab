/** Positions as chat messages: the open list with its buttons, close confirmation, TP/SL. */
import { InlineKeyboard } from 'grammy';
import { netRealizedPnl, type Position } from '../../domain/position.js';
import type { PositionView } from '../bot-deps.js';
import { encodeAction } from '../callback-data.js';
import { orNone, signed } from './amounts.js';
import type { View } from './view.js';

/** `#12 BTC/USDT · long 0.5 @ 65000`, or `#13 PM-0001 · Yes 100 @ 0.42` on a binary market. */
export function positionTitle(p: Position): string {
  return `#${p.id} ${p.symbol} · ${p.outcome ?? p.side} ${p.size} @ ${p.entryPrice}`;
}

const levels = (p: Position) => `TP ${orNone(p.takeProfit)} · SL ${orNone(p.stopLoss)}`;

function positionBlock(p: PositionView): string {
  const note = p.market === null ? ' (market unavailable)' : p.market.stale ? ' (stale price)' : '';
  return `${positionTitle(p)}\nPrice ${p.currentPrice}${note} · PnL ${signed(p.unrealizedPnl)} · ${levels(p)}`;
}

export function openPositionsView(items: PositionView[], more: boolean): View {
  if (items.length === 0) return { text: 'You have no open positions.' };
  const keyboard = InlineKeyboard.from(
    items.map((p) => [
      InlineKeyboard.text(`Close #${p.id}`, encodeAction({ kind: 'askClose', positionId: p.id })),
      InlineKeyboard.text(`TP/SL #${p.id}`, encodeAction({ kind: 'showTpSl', positionId: p.id })),
    ]),
  );
  const head = `Your open positions (${items.length}${more ? '+' : ''}):`;
  const tail = more ? '\n\nMore positions are open than shown here; the app lists them all.' : '';
  return { text: `${head}\n\n${items.map(positionBlock).join('\n\n')}${tail}`, keyboard };
}

export function closeConfirmView(p: Position): View {
  return {
    text: `Close ${positionTitle(p)} at the market?\nLast price ${p.currentPrice} · PnL ${signed(p.unrealizedPnl)}`,
    keyboard: new InlineKeyboard()
      .text(`Yes, close #${p.id}`, encodeAction({ kind: 'confirmClose', positionId: p.id }))
      .text('Keep it open', encodeAction({ kind: 'keepOpen', positionId: p.id })),
  };
}

export function closedText(p: Position): string {
  return `Closed ${positionTitle(p)} at ${p.closePrice ?? p.currentPrice}. Realised PnL ${signed(netRealizedPnl(p))}.`;
}

export const keptOpenText = (positionId: number): string => `Kept #${positionId} open.`;

/** For a "Keep it open" tap on a position that was closed meanwhile. */
export function alreadyClosedText(p: Position): string {
  return `${positionTitle(p)} is already closed, at ${p.closePrice ?? p.currentPrice}. Realised PnL ${signed(netRealizedPnl(p))}.`;
}

/** A position's TP/SL, how to change them, and buttons to clear the ones that are set. */
export function tpSlView(p: Position): View {
  const keyboard = new InlineKeyboard();
  if (p.takeProfit !== null) {
    keyboard.text('Clear take-profit', encodeAction({ kind: 'clearTakeProfit', positionId: p.id }));
  }
  if (p.stopLoss !== null) {
    keyboard.text('Clear stop-loss', encodeAction({ kind: 'clearStopLoss', positionId: p.id }));
  }
  const text =
    `${positionTitle(p)}\nTake-profit ${orNone(p.takeProfit)} · stop-loss ${orNone(p.stopLoss)}\n\n` +
    `To change them send /tpsl ${p.id} <take-profit> <stop-loss>, e.g. /tpsl ${p.id} ${p.takeProfit ?? p.currentPrice} -\n` +
    '"-" keeps a level, "off" clears it.';
  return keyboard.inline_keyboard.length > 0 ? { text, keyboard } : { text };
}

export function tpSlSetText(p: Position): string {
  return `Updated ${positionTitle(p)}\nTake-profit ${orNone(p.takeProfit)} · stop-loss ${orNone(p.stopLoss)}`;
}
