/** One row of the traders table: selection, switch, follow options (text or inline editor), performance. */
import type { Trader, TraderPerformance, WatchStatus } from '../../api/types';
import { fmtNum, fmtPct, signClass } from '../../components/format';
import { Switch } from '../../components/switch';
import { CopiesCell } from './copy-list';
import { DRAFT_LABELS, type DraftField, type FollowDraft } from './follow-draft';
import type { TraderCopies } from './use-copies';
import { ago } from './use-watch';

export interface EditState {
  id: number;
  draft: FollowDraft;
  errors: Partial<Record<DraftField, string>>;
  general?: string;
}

export interface TraderRowProps {
  trader: Trader;
  rowIndex: number;
  perf: TraderPerformance | undefined;
  copies: TraderCopies | undefined;
  watch: WatchStatus | undefined;
  /** Now, ms: the time the watch status is shown against. */
  now: number;
  selected: boolean;
  pending: boolean;
  edit: EditState | null;
  onSelect(id: number, on: boolean): void;
  onToggle(t: Trader): void;
  onEdit(t: Trader): void;
  onDraft(field: DraftField, value: string): void;
  onSave(): void;
  onCancel(): void;
  onShowCopies(t: Trader): void;
  onUnfollow(t: Trader): void;
}

const FIELDS: DraftField[] = ['takeProfitPct', 'stopLossPct', 'allocation', 'copyRatio'];

/** The watch cell: live with the last leader trade's age, stalled in red, or nothing for a manual follow. */
function WatchCell({ watch, now }: { watch: WatchStatus | undefined; now: number }) {
  if (!watch) return <span class="hint">—</span>;
  const last = watch.lastTradeTs
    ? `last trade ${ago(now - Date.parse(watch.lastTradeTs))} ago`
    : 'no trade yet';
  const lag = Math.max(watch.lagMs, now - Date.parse(watch.checkedAt));
  if (watch.stalled)
    return (
      <span class="watch stalled down" title={watch.error ?? undefined}>
        <span>stalled {ago(lag)}</span>
        <span class="watch-last">{last}</span>
      </span>
    );
  return (
    <span class="watch" title={`source answered ${ago(lag)} ago`}>
      <span class="up">{watch.watching ? 'watching' : 'waiting for a holder'}</span>
      <span class="watch-last">{last}</span>
    </span>
  );
}

function shown(t: Trader, f: DraftField): string {
  if (f === 'allocation') return fmtNum(t.allocation);
  // A fixed-amount follow is not sized by its ratio: say how it is sized.
  if (f === 'copyRatio' && t.followOptions.copyMode === 'fixed')
    return `fixed ${fmtNum(t.followOptions.fixedAmount)}`;
  if (f === 'copyRatio' && t.followOptions.copyMode === 'proportional') return 'proportional';
  return fmtNum(t.followOptions[f]);
}

export function TraderRow(p: TraderRowProps) {
  const t = p.trader;
  const editing = p.edit !== null;
  return (
    <tr aria-rowindex={p.rowIndex} data-trader-id={t.id} class={editing ? 'editing' : undefined}>
      <td class="col-select">
        <input
          type="checkbox"
          checked={p.selected}
          aria-label={`Select ${t.name}`}
          onChange={(e) => p.onSelect(t.id, e.currentTarget.checked)}
        />
      </td>
      <th scope="row" class="col-name">
        <span class="name">{t.name}</span>
        <span class="address" title={`${t.source}: ${t.address}`}>
          <span class="source-tag">{t.source}</span> {t.address}
        </span>
      </th>
      <td>
        <Switch
          checked={t.enabled}
          pending={p.pending}
          label={`Follow ${t.name}`}
          onToggle={() => p.onToggle(t)}
        />
      </td>
      {FIELDS.map((f) => (
        <td key={f} class="num">
          {p.edit ? (
            <span class="cell-edit">
              <input
                class="inline-input"
                inputMode="decimal"
                value={p.edit.draft[f]}
                aria-label={`${DRAFT_LABELS[f]} of ${t.name}`}
                aria-invalid={p.edit.errors[f] ? true : undefined}
                title={p.edit.errors[f]}
                onInput={(e) => p.onDraft(f, e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') p.onSave();
                  if (e.key === 'Escape') p.onCancel();
                }}
              />
            </span>
          ) : (
            shown(t, f)
          )}
        </td>
      ))}
      <td class="num col-trades">{p.perf ? p.perf.trades : '—'}</td>
      <td class="num">{fmtPct(p.perf?.winRate)}</td>
      <td class={`num ${signClass(p.perf?.realizedPnl)}`}>{fmtNum(p.perf?.realizedPnl)}</td>
      <td class="col-watch">
        <WatchCell watch={p.watch} now={p.now} />
      </td>
      <td class="col-copies">
        <CopiesCell copies={p.copies} name={t.name} onShow={() => p.onShowCopies(t)} />
      </td>
      <td class="col-actions">
        {editing ? (
          <>
            <button type="button" class="small" onClick={p.onSave} disabled={p.pending}>
              Save
            </button>
            <button type="button" class="small secondary" onClick={p.onCancel}>
              Cancel
            </button>
          </>
        ) : (
          <>
            <button
              type="button"
              class="small secondary"
              onClick={() => p.onEdit(t)}
              aria-label={`Edit ${t.name}`}
            >
              Edit
            </button>
            <button
              type="button"
              class="small secondary"
              onClick={() => p.onUnfollow(t)}
              aria-label={`Unfollow ${t.name}`}
              disabled={p.pending}
            >
              Unfollow
            </button>
          </>
        )}
      </td>
    </tr>
  );
}
