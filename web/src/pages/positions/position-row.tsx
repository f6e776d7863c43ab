/** One position: live price and PnL, TP/SL inputs with the server's message beside each, close. */
import { useState } from 'preact/hooks';
import { ApiError, api, describeError } from '../../api/client';
import type { Position, PositionLevels } from '../../api/types';
import { decMul } from '../../components/decimal-sum';
import { fmtMoney, fmtNum, fmtShare, signClass } from '../../components/format';
import { CLOSE_REASONS } from './closed-positions';

type Level = keyof PositionLevels;
const LABEL: Record<Level, string> = { takeProfit: 'Take profit', stopLoss: 'Stop loss' };

export function PositionRow({ p, onSaved }: { p: Position; onSaved(p: Position): void }) {
  const [draft, setDraft] = useState<Record<Level, string>>({
    takeProfit: p.takeProfit ?? '',
    stopLoss: p.stopLoss ?? '',
  });
  const [errors, setErrors] = useState<Partial<Record<Level, string>>>({});
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const open = p.status === 'open';

  const save = async (ev: Event) => {
    ev.preventDefault();
    const body: PositionLevels = {};
    for (const k of ['takeProfit', 'stopLoss'] as const) {
      const v = draft[k].trim();
      if (v !== (p[k] ?? '')) body[k] = v === '' ? null : v;
    }
    if (Object.keys(body).length === 0) return;
    setBusy(true);
    setErrors({});
    setMessage(null);
    try {
      onSaved(
        await api<Position>(`/positions/${p.id}`, {
          method: 'PATCH',
          body,
          headers: { 'if-match': `"${p.version}"` },
        }),
      );
      setMessage('Saved');
    } catch (err) {
      const next: Partial<Record<Level, string>> = {};
      for (const k of Object.keys(body) as Level[]) {
        next[k] = err instanceof ApiError ? err.forField(k) : describeError(err);
      }
      setErrors(next);
    } finally {
      setBusy(false);
    }
  };

  const close = async () => {
    if (!confirm(`Close ${p.symbol} ${p.side} ${p.size} at the current price?`)) return;
    setBusy(true);
    try {
      onSaved(await api<Position>(`/positions/${p.id}/close`, { method: 'POST' }));
    } catch (err) {
      setMessage(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <tr data-position-id={p.id} class={open ? undefined : 'closed'}>
      <th scope="row">
        <span class="name">{p.market?.question ?? p.symbol}</span>
        <span class="address">
          {p.side}
          {p.outcome ? ` ${p.outcome}` : ''} · {p.status}
          {p.closeReason ? ` (${CLOSE_REASONS[p.closeReason] ?? p.closeReason})` : ''}
        </span>
      </th>
      <td class="num" data-label="Size">
        {fmtNum(p.size, 6)}
      </td>
      <td class="num" data-label="Entry">
        {fmtNum(p.entryPrice, 6)}
      </td>
      <td class="num" data-field="currentPrice" data-label="Price">
        {fmtNum(p.currentPrice, 6)}
      </td>
      <td class="num" data-label="Notional">
        {fmtNum(decMul(p.size, p.currentPrice))}
      </td>
      <td
        class={`num ${signClass(open ? p.unrealizedPnl : p.realizedPnl)}`}
        data-field="unrealizedPnl"
        data-label="PnL"
      >
        {fmtMoney(open ? p.unrealizedPnl : p.realizedPnl)}{' '}
        <span class="hint">
          {fmtShare(open ? p.unrealizedPnl : p.realizedPnl, decMul(p.size, p.entryPrice))}
        </span>
      </td>
      <td colSpan={2} data-label="TP / SL">
        <form class="tpsl" onSubmit={save}>
          {(['takeProfit', 'stopLoss'] as const).map((k) => (
            <div class="field" key={k}>
              <label for={`${k}-${p.id}`}>{LABEL[k]}</label>
              <input
                id={`${k}-${p.id}`}
                name={k}
                inputMode="decimal"
                value={draft[k]}
                disabled={!open}
                aria-invalid={errors[k] ? true : undefined}
                aria-describedby={errors[k] ? `${k}-${p.id}-error` : undefined}
                onInput={(e) => setDraft({ ...draft, [k]: e.currentTarget.value })}
              />
              {errors[k] && (
                <span id={`${k}-${p.id}-error`} class="field-error" role="alert">
                  {errors[k]}
                </span>
              )}
            </div>
          ))}
          <button type="submit" class="small" disabled={!open || busy}>
            Save TP/SL
          </button>
        </form>
      </td>
      <td class="col-actions">
        <button type="button" class="small danger" disabled={!open || busy} onClick={close}>
          Close
        </button>
        {message && (
          <span class="hint" role="status">
            {message}
          </span>
        )}
      </td>
    </tr>
  );
}
