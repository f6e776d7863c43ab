/** The positions page: open positions with live PnL over the WebSocket stream, TP/SL edit, close. */

import { PositionRow } from './position-row';
import { usePositions } from './use-positions';

const STREAM_TEXT = { connecting: 'Connecting…', live: 'Live', offline: 'Offline, reconnecting' } as const;

export function PositionsPage() {
  const { positions, loading, error, stream, put } = usePositions();
  return (
    <section>
      <div class="toolbar">
        <p aria-live="polite">
          {loading ? 'Loading positions…' : `${positions.filter((p) => p.status === 'open').length} open`}
        </p>
        <p class={`stream-state ${stream}`} role="status">
          Prices: {STREAM_TEXT[stream]}
        </p>
      </div>
      {error && (
        <p class="error" role="alert">
          Positions could not be loaded: {error}
        </p>
      )}
      {!loading && positions.length === 0 && !error && <p>No open positions.</p>}
      {positions.length > 0 && (
        <div class="table-scroll">
          <table class="positions-table">
            <thead>
              <tr>
                <th scope="col">Market</th>
                <th scope="col" class="num">
                  Size
                </th>
                <th scope="col" class="num">
                  Entry
                </th>
                <th scope="col" class="num">
                  Price
                </th>
                <th scope="col" class="num">
                  PnL
                </th>
                <th scope="col" colSpan={2}>
                  TP / SL
                </th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {positions.map((p) => (
                <PositionRow key={p.id} p={p} onSaved={(saved) => put([saved])} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
