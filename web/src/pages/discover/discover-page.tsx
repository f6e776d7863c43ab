/**
 * Discover: the leaders of a source (simulated, or Polymarket wallets) with
 * their stats, sorted by PnL, win rate, volume or trades over 7 or 30 days;
 * a leader's latest trades; Follow, which opens a small form and creates a
 * trader (POST /traders) that the copy engine starts watching; "What if",
 * a copy backtest of the leader; and Compare, two leaders' backtests side by
 * side.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, describeError, type Page, queryString } from '../../api/client';
import type { Leader, LeaderQuery, LeaderSort, LeaderWindow, Trader } from '../../api/types';
import { fmtNum, fmtPct, signClass } from '../../components/format';
import { PaperBalance } from '../../components/paper-balance';
import { linkClick } from '../../router';
import { AddressLeader } from './address-leader';
import { emptyDraft } from './follow-fields';
import { FollowForm } from './follow-form';
import { LeaderTrades } from './leader-trades';
import { WhatIf } from './what-if';

/** The sources the server watches; Solana and Hyperliquid have no leaderboard (followed by address). */
type Source = Leader['source'];
const BY_ADDRESS: readonly Source[] = ['solana', 'hyperliquid'];
const WINDOWS = ['7d', '30d'] as const satisfies readonly LeaderWindow[];

/** Every ranking the server offers, in words (the compiler holds it to the server's list). */
const SORT_WORDS: Record<LeaderSort, string> = {
  pnl: 'PnL',
  winRate: 'Win rate',
  volume: 'Volume',
  trades: 'Trades',
};
const PAGE = 50;
const COLS = 7;

interface Open {
  address: string;
  what: 'follow' | 'trades' | 'whatif';
}

function ago(iso: string | null): string {
  if (!iso) return '—';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

export function DiscoverPage() {
  const [source, setSource] = useState<Source>('simulated');
  const [sort, setSort] = useState<LeaderSort>('pnl');
  const [window, setWindow] = useState<LeaderWindow>('30d');
  const [leaders, setLeaders] = useState<Leader[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<Open | null>(null);
  const [followed, setFollowed] = useState<ReadonlyMap<string, Trader>>(new Map());
  const [compare, setCompare] = useState<Leader[]>([]);

  const query = `/leaders?${queryString({ source, sort, window, limit: PAGE } satisfies LeaderQuery)}`;

  const load = async (after: string | null, signal?: AbortSignal) => {
    setLoading(true);
    try {
      const page = await api<Page<Leader>>(`${query}${after ? `&cursor=${encodeURIComponent(after)}` : ''}`, {
        signal,
      });
      setLeaders((prev) => (after ? [...prev, ...page.items] : page.items));
      setCursor(page.nextCursor);
      setError(null);
    } catch (err) {
      if (signal?.aborted) return;
      if (!after) setLeaders([]);
      setError(describeError(err));
    } finally {
      if (!signal?.aborted) setLoading(false);
    }
  };

  useEffect(() => {
    const abort = new AbortController();
    setOpen(null);
    setCompare([]);
    void load(null, abort.signal);
    return () => abort.abort();
  }, [query]);

  const toggle = (address: string, what: Open['what']) =>
    setOpen((o) => (o?.address === address && o.what === what ? null : { address, what }));
  /** Two leaders at most: a third replaces the first picked. */
  const pick = (l: Leader) =>
    setCompare((c) =>
      c.some((x) => x.address === l.address) ? c.filter((x) => x.address !== l.address) : [...c, l].slice(-2),
    );

  return (
    <section aria-labelledby="discover-summary">
      <div class="toolbar">
        <div class="toolbar-actions filters">
          <label>
            Source{' '}
            <select value={source} onChange={(e) => setSource(e.currentTarget.value as Source)}>
              <option value="simulated">simulated</option>
              <option value="polymarket">polymarket</option>
              <option value="solana">solana</option>
              <option value="hyperliquid">hyperliquid</option>
            </select>
          </label>
          <label>
            Sort by{' '}
            <select value={sort} onChange={(e) => setSort(e.currentTarget.value as LeaderSort)}>
              {Object.entries(SORT_WORDS).map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
          </label>
          <fieldset class="segmented">
            <legend class="visually-hidden">Window</legend>
            {WINDOWS.map((w) => (
              <label key={w}>
                <input
                  type="radio"
                  name="window"
                  value={w}
                  checked={window === w}
                  onChange={() => setWindow(w)}
                />{' '}
                {w}
              </label>
            ))}
          </fieldset>
        </div>
        <PaperBalance />
      </div>
      <p id="discover-summary" class="hint" aria-live="polite">
        {loading
          ? 'Loading leaders…'
          : error
            ? ''
            : `${leaders.length}${cursor ? '+' : ''} ${source} leaders by ${SORT_WORDS[sort]}, ${window}`}
      </p>
      {error && (
        <div class="error panel-error" role="alert">
          <p>
            Leaders from {source} could not be loaded: {error}
          </p>
          {source === 'polymarket' && (
            <p class="hint">
              The Polymarket data API may be unreachable from the server; simulated leaders still work.
            </p>
          )}
          <button type="button" class="small secondary" onClick={() => void load(null)}>
            Try again
          </button>
        </div>
      )}
      {BY_ADDRESS.includes(source) && <AddressLeader key={source} source={source} />}
      {compare.length > 0 && (
        <div class="panel compare-panel">
          <p class="hint">
            {compare.length < 2
              ? `Comparing ${compare[0]!.name ?? compare[0]!.address}: pick a second leader.`
              : 'What if you had copied each of them, with the same options:'}
          </p>
          {compare.length === 2 && (
            <WhatIf
              key={compare.map((l) => l.address).join('|')}
              leaders={compare}
              onClose={() => setCompare([])}
            />
          )}
        </div>
      )}
      {!error && (
        <div class="table-scroll">
          <table class="leaders-table">
            <thead>
              <tr>
                <th scope="col">Leader</th>
                <th scope="col" class="num">
                  PnL
                </th>
                <th scope="col" class="num">
                  Win rate
                </th>
                <th scope="col" class="num">
                  Volume
                </th>
                <th scope="col" class="num">
                  Trades
                </th>
                <th scope="col">Last trade</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {leaders.map((l) => {
                const label = l.name ?? l.address;
                const following = followed.get(l.address);
                const isOpen = open?.address === l.address ? open.what : null;
                return [
                  <tr key={l.address} data-leader={l.address}>
                    <th scope="row" class="col-name">
                      <span class="name">{label}</span>
                      <span class="address" title={l.style ?? undefined}>
                        {l.address}
                        {l.style && ` · ${l.style.split(':')[0]}`}
                      </span>
                    </th>
                    <td class={`num ${signClass(l.pnl)}`}>{fmtNum(l.pnl)}</td>
                    <td class="num">{fmtPct(l.winRate)}</td>
                    <td class="num">{fmtNum(l.volume, 0)}</td>
                    <td class="num">{fmtNum(l.trades, 0)}</td>
                    <td>{ago(l.lastTradeTs)}</td>
                    <td class="col-actions">
                      <button
                        type="button"
                        class="small secondary"
                        aria-expanded={isOpen === 'whatif'}
                        aria-label={`What if I had copied ${label}`}
                        onClick={() => toggle(l.address, 'whatif')}
                      >
                        What if
                      </button>
                      <button
                        type="button"
                        class="small secondary"
                        aria-pressed={compare.some((x) => x.address === l.address)}
                        aria-label={`Compare ${label}`}
                        onClick={() => pick(l)}
                      >
                        Compare
                      </button>
                      <button
                        type="button"
                        class="small secondary"
                        aria-expanded={isOpen === 'trades'}
                        aria-label={`Trades of ${label}`}
                        onClick={() => toggle(l.address, 'trades')}
                      >
                        Trades
                      </button>
                      {following ? (
                        <a href="/traders" onClick={linkClick} class="following">
                          Following
                        </a>
                      ) : (
                        <button
                          type="button"
                          class="small"
                          aria-expanded={isOpen === 'follow'}
                          aria-label={`Follow ${label}`}
                          onClick={() => toggle(l.address, 'follow')}
                        >
                          Follow
                        </button>
                      )}
                    </td>
                  </tr>,
                  isOpen && (
                    <tr key={`${l.address}-open`} class="expanded">
                      <td colSpan={COLS}>
                        {isOpen === 'trades' ? (
                          <LeaderTrades leader={l} />
                        ) : isOpen === 'whatif' ? (
                          <WhatIf leaders={[l]} onClose={() => setOpen(null)} />
                        ) : (
                          <FollowForm
                            initial={emptyDraft({
                              name: l.name ?? l.address,
                              source: l.source,
                              address: l.address,
                            })}
                            fixedTarget
                            title={`Follow ${l.name ?? l.address}`}
                            onCancel={() => setOpen(null)}
                            onFollowed={(t) => {
                              setFollowed((m) => new Map(m).set(l.address, t));
                              setOpen(null);
                            }}
                          />
                        )}
                      </td>
                    </tr>
                  ),
                ];
              })}
            </tbody>
          </table>
        </div>
      )}
      {followed.size > 0 && (
        <p class="notice info" role="status">
          Following {[...followed.values()].map((t) => t.name).join(', ')}: copies appear on{' '}
          <a href="/traders" onClick={linkClick}>
            Traders
          </a>
          .
        </p>
      )}
      {cursor && !error && (
        <button type="button" class="secondary more" disabled={loading} onClick={() => void load(cursor)}>
          More leaders
        </button>
      )}
    </section>
  );
}
