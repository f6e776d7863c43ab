/** How copy decisions read in a chat: one line each, copies and skips alike. */
import type { CopyDecision } from '../../store/copy-repository.js';

const REASONS: Readonly<Record<string, string>> = {
  below_min_size: 'below the minimum size',
  allocation_exhausted: 'allocation used up',
  max_position_size: 'max position size reached',
  insufficient_balance: 'paper balance too low',
  market_closed: 'market closed',
  market_filtered: 'market filtered out',
  too_old: 'seen too late',
  unknown_market: 'market not on this venue',
  no_price: 'no price',
  no_leader_equity: "leader's equity unknown",
  no_open_copy: 'no open copy to reduce',
  leader_position_unknown: "leader's position predates the follow",
};

export const reasonText = (reason: string | null): string => (reason ? (REASONS[reason] ?? reason) : '');

/** One decision as a line: "✅ #12 buy 0.5 BTC/USDT @ 43000" or "⏭ #12 sell BTC/USDT skipped: …". */
export function copyLine(d: CopyDecision, traderName?: string): string {
  const who = traderName ? `${traderName} ` : `#${d.traderId} `;
  if (d.status === 'copied') {
    const cut = d.reducedBy ? ` (cut by ${d.reducedBy.replaceAll('_', ' ')})` : '';
    return `✅ ${who}${d.side} ${d.size} ${d.market} @ ${d.price}${cut}`;
  }
  return `⏭ ${who}${d.side} ${d.market} skipped: ${reasonText(d.reason)}`;
}

/** The reply to /copies. */
export function copiesView(decisions: readonly CopyDecision[]): string {
  if (decisions.length === 0)
    return 'No copy decisions yet. Follow a leader (Discover in the dashboard) to start.';
  return `Your latest copy decisions:\n${decisions.map((d) => copyLine(d)).join('\n')}\n\n/copies mute stops these announcements here; /copies unmute resumes them.`;
}
