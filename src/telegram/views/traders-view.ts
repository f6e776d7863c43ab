/** Followed traders as a chat message, with one on/off button per trader. */
import { InlineKeyboard } from 'grammy';
import type { Trader } from '../../domain/trader.js';
import { encodeAction } from '../callback-data.js';
import type { View } from './view.js';

const state = (t: Trader) => (t.enabled ? 'on' : 'off');

export function tradersView(traders: Trader[], more: boolean): View {
  if (traders.length === 0) {
    return { text: 'You follow no traders yet. Add them in tradeloop (POST /api/v1/traders).' };
  }
  const keyboard = InlineKeyboard.from(
    traders.map((t) => [
      InlineKeyboard.text(
        `Turn ${t.enabled ? 'off' : 'on'} ${t.name}`,
        encodeAction({ kind: 'setTrader', traderId: t.id, enabled: !t.enabled }),
      ),
    ]),
  );
  const lines = traders.map((t) => `#${t.id} ${t.name}: ${state(t)}`);
  const tail = more ? '\n\nYou follow more traders than shown; /toggle <name> reaches any of them.' : '';
  return {
    text: `Your traders (${traders.length}${more ? '+' : ''}):\n${lines.join('\n')}${tail}`,
    keyboard,
  };
}

export const traderStateText = (t: Trader): string => `${t.name} (#${t.id}) is now ${state(t)}.`;
