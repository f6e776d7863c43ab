/**
 * Sources without a leaderboard (Solana wallets, Hyperliquid addresses) are
 * followed by address: type one, then see its latest trades, run "what if I
 * had copied" on it, or follow it. The address's form is checked by the
 * server, whose message shows beside the form that was refused.
 */
import { useState } from 'preact/hooks';
import type { Leader } from '../../api/types';
import { emptyDraft } from './follow-fields';
import { FollowForm } from './follow-form';
import { LeaderTrades } from './leader-trades';
import { WhatIf } from './what-if';

const FORMS: Record<string, string> = {
  solana: 'a wallet: 32 bytes in base58',
  hyperliquid: 'an address: 0x and 40 hex digits',
};

export function AddressLeader({ source }: { source: Leader['source'] }) {
  const [address, setAddress] = useState('');
  const [shown, setShown] = useState<{ leader: Leader; what: 'trades' | 'whatif' | 'follow' } | null>(null);
  const leader = (): Leader => ({
    source,
    address: address.trim(),
    name: null,
    style: null,
    pnl: '0',
    volume: '0',
    trades: 0,
    winRate: null,
    lastTradeTs: null,
  });
  const show = (what: 'trades' | 'whatif' | 'follow') => setShown({ leader: leader(), what });
  const id = `address-${source}`;
  return (
    <div class="panel address-leader">
      <p class="hint">
        {source} has no leaderboard: enter {FORMS[source] ?? 'an address'}.
      </p>
      <div
        class="filters"
        style={{ display: 'flex', flexWrap: 'wrap', gap: '8px 12px', alignItems: 'center' }}
      >
        <label for={id}>Address</label>
        <input
          id={id}
          type="text"
          size={48}
          value={address}
          onInput={(e) => setAddress(e.currentTarget.value)}
        />
        <button
          type="button"
          class="small secondary"
          disabled={!address.trim()}
          onClick={() => show('trades')}
        >
          Trades
        </button>
        <button
          type="button"
          class="small secondary"
          disabled={!address.trim()}
          onClick={() => show('whatif')}
        >
          What if
        </button>
        <button type="button" class="small" disabled={!address.trim()} onClick={() => show('follow')}>
          Follow
        </button>
      </div>
      {shown?.what === 'trades' && <LeaderTrades key={shown.leader.address} leader={shown.leader} />}
      {shown?.what === 'whatif' && (
        <WhatIf key={shown.leader.address} leaders={[shown.leader]} onClose={() => setShown(null)} />
      )}
      {shown?.what === 'follow' && (
        <FollowForm
          key={shown.leader.address}
          initial={emptyDraft({
            name: shown.leader.name ?? shown.leader.address,
            source: shown.leader.source,
            address: shown.leader.address,
          })}
          fixedTarget
          title={`Follow ${shown.leader.name ?? shown.leader.address}`}
          onCancel={() => setShown(null)}
          onFollowed={() => setShown(null)}
        />
      )}
    </div>
  );
}
