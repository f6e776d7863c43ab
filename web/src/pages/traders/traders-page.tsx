/**
 * The traders page: a virtualised table of every trader (only the rows in
 * view are in the DOM), on/off switches, inline edit of follow options,
 * multi-select with batch enable/disable, performance columns, each
 * trader's source, watch status (last leader trade, stalled) and copy
 * decisions (live from the `copies` topic) and the paper balance.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Trader } from '../../api/types';
import { NoticeList, useNotices } from '../../components/notices';
import { PaperBalance } from '../../components/paper-balance';
import { useVirtualWindow } from '../../components/use-virtual-window';
import { emptyDraft } from '../discover/follow-fields';
import { FollowForm } from '../discover/follow-form';
import { CopyList } from './copy-list';
import { DRAFT_LABELS, draftOf, fieldOfPath, patchOf } from './follow-draft';
import { type EditState, TraderRow } from './trader-row';
import { useCopies } from './use-copies';
import { useTraders } from './use-traders';
import { useWatch } from './use-watch';

/** Must match `.traders-table tbody tr` height in styles.css. */
export const ROW_HEIGHT = 44;
/** How long after a new copy decision the performance columns are read again (one read per burst). */
const PERFORMANCE_AFTER_COPY_MS = 1_000;

/**
 * Calls `refresh` `ms` after `newest` changes; changes during that wait are
 * covered by the same call (at most one read per `ms` while decisions keep
 * coming). A copy changes its trader's trades, volume and PnL. The first
 * decisions loaded count as a change too: they may be newer than the
 * performance the page read first.
 */
function useRefreshAfterNew(newest: number | undefined, refresh: () => unknown, ms: number) {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  useEffect(() => {
    if (newest === undefined || timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      void refresh();
    }, ms);
  }, [newest, refresh, ms]);
}

export function TradersPage() {
  const { notices, push, dismiss } = useNotices();
  const reportError = useCallback((text: string) => push('error', text), [push]);
  const t = useTraders(reportError);
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [edit, setEdit] = useState<EditState | null>(null);
  const { ref, win } = useVirtualWindow(t.traders.length, ROW_HEIGHT);
  const copies = useCopies();
  const watch = useWatch();
  useRefreshAfterNew(copies.recent[0]?.id, t.loadPerformance, PERFORMANCE_AFTER_COPY_MS);
  const [copiesOf, setCopiesOf] = useState<number | null>(null);
  const [following, setFollowing] = useState(false);

  const unfollow = async (trader: Trader) => {
    if (!confirm(`Stop following ${trader.name}? Its open copies stay open; no new trade is copied.`)) return;
    if (await t.unfollow(trader)) push('info', `No longer following ${trader.name}.`);
  };

  const select = useCallback((id: number, on: boolean) => {
    setSelected((prev) => {
      const s = new Set(prev);
      on ? s.add(id) : s.delete(id);
      return s;
    });
  }, []);
  const allSelected = t.traders.length > 0 && selected.size === t.traders.length;
  const selectAll = (on: boolean) => setSelected(on ? new Set(t.traders.map((x) => x.id)) : new Set());

  const batch = async (enabled: boolean) => {
    const ids = [...selected];
    await t.setEnabled(ids, enabled);
  };

  const save = async () => {
    if (!edit) return;
    const trader = t.traders.find((x) => x.id === edit.id);
    if (!trader) return setEdit(null);
    const patch = patchOf(trader, edit.draft);
    if (!patch) return setEdit(null);
    const attempt = edit;
    setEdit(null);
    const err = await t.update(trader.id, patch, 'Saving follow options');
    if (!err) return;
    const errors: EditState['errors'] = {};
    for (const d of err.details) {
      const f = fieldOfPath(d.path);
      if (f) errors[f] = d.message;
    }
    const reopen = err.status === 400 ? attempt.draft : draftOf(trader);
    setEdit({ id: trader.id, draft: reopen, errors, general: err.message });
  };

  const rows = useMemo(() => t.traders.slice(win.start, win.end), [t.traders, win.start, win.end]);
  const editedName = edit ? t.traders.find((x) => x.id === edit.id)?.name : undefined;
  const names = useMemo(() => new Map(t.traders.map((x) => [x.id, x.name])), [t.traders]);
  const shownCopies = useMemo(() => {
    if (copiesOf === null) return copies.recent;
    const mine = copies.recent.filter((c) => c.traderId === copiesOf);
    return mine.length > 0 ? mine : (copies.byTrader.get(copiesOf)?.latest ?? []);
  }, [copies.recent, copies.byTrader, copiesOf]);

  return (
    <section aria-labelledby="traders-summary">
      <div class="toolbar">
        <p id="traders-summary" aria-live="polite">
          {t.loading ? `Loading traders… ${t.traders.length}` : `${t.traders.length} traders`}
          {selected.size > 0 && `, ${selected.size} selected`}
        </p>
        {/* biome-ignore lint/a11y/useSemanticElements: a fieldset's default border and min-width would change the toolbar's layout */}
        <div class="toolbar-actions" role="group" aria-label="Actions on selected traders">
          <button type="button" disabled={selected.size === 0} onClick={() => batch(true)}>
            Enable selected
          </button>
          <button type="button" disabled={selected.size === 0} onClick={() => batch(false)}>
            Disable selected
          </button>
          <button type="button" class="secondary" onClick={() => t.loadPerformance()}>
            Refresh performance
          </button>
          <button type="button" onClick={() => setFollowing(true)} disabled={following}>
            Follow a trader
          </button>
        </div>
        <PaperBalance />
      </div>
      <NoticeList notices={notices} dismiss={dismiss} />
      {following && (
        <section class="panel" aria-labelledby="follow-title">
          <h2 id="follow-title">Follow a trader</h2>
          <FollowForm
            initial={emptyDraft()}
            fixedTarget={false}
            title="Follow a trader"
            onCancel={() => setFollowing(false)}
            onFollowed={(x) => {
              t.upsert([x]);
              setFollowing(false);
              push('info', `Now following ${x.name}.`);
            }}
          />
        </section>
      )}
      {t.loadError && (
        <p class="error" role="alert">
          Traders could not be loaded: {t.loadError}
        </p>
      )}
      {edit && (edit.general || Object.keys(edit.errors).length > 0) && (
        <div class="error edit-errors" role="alert">
          <p>
            {editedName}: {edit.general}
          </p>
          <ul>
            {Object.entries(edit.errors).map(([f, m]) => (
              <li key={f}>
                {DRAFT_LABELS[f as keyof typeof DRAFT_LABELS]}: {m}
              </li>
            ))}
          </ul>
        </div>
      )}
      {/* biome-ignore lint/a11y/useSemanticElements: a <section> landmark per table is noise; this is one scroll box */}
      <div
        class="table-scroll traders-scroll"
        ref={ref}
        role="region"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1)
        tabIndex={0}
        aria-label="Traders table, scrollable"
      >
        <table class="traders-table" aria-rowcount={t.traders.length + 1}>
          <thead>
            <tr aria-rowindex={1}>
              <th scope="col" class="col-select">
                <input
                  type="checkbox"
                  checked={allSelected}
                  aria-label="Select all traders"
                  onChange={(e) => selectAll(e.currentTarget.checked)}
                />
              </th>
              <th scope="col">Trader</th>
              <th scope="col">On</th>
              <th scope="col" class="num">
                TP %
              </th>
              <th scope="col" class="num">
                SL %
              </th>
              <th scope="col" class="num">
                Allocation
              </th>
              <th scope="col" class="num">
                Copy ratio
              </th>
              <th scope="col" class="num">
                Trades
              </th>
              <th scope="col" class="num">
                Win rate
              </th>
              <th scope="col" class="num">
                Realized PnL
              </th>
              <th scope="col">Watch</th>
              <th scope="col">Copies</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {win.padTop > 0 && (
              // biome-ignore lint/a11y/noAriaHiddenOnFocusable: an empty spacer row of the virtual list; nothing in it can take focus
              <tr aria-hidden="true" class="spacer" style={{ height: `${win.padTop}px` }} />
            )}
            {rows.map((trader: Trader, i) => (
              <TraderRow
                key={trader.id}
                trader={trader}
                rowIndex={win.start + i + 2}
                perf={t.performance.get(trader.id)}
                copies={copies.byTrader.get(trader.id)}
                watch={watch.get(trader.id)}
                now={Date.now()}
                selected={selected.has(trader.id)}
                pending={t.pending.has(trader.id)}
                edit={edit?.id === trader.id ? edit : null}
                onSelect={select}
                onToggle={t.toggle}
                onEdit={(x) => setEdit({ id: x.id, draft: draftOf(x), errors: {} })}
                onDraft={(f, v) => setEdit((e) => e && { ...e, draft: { ...e.draft, [f]: v } })}
                onSave={save}
                onCancel={() => setEdit(null)}
                onShowCopies={(x) => setCopiesOf(x.id)}
                onUnfollow={unfollow}
              />
            ))}
            {win.padBottom > 0 && (
              // biome-ignore lint/a11y/noAriaHiddenOnFocusable: an empty spacer row of the virtual list; nothing in it can take focus
              <tr aria-hidden="true" class="spacer" style={{ height: `${win.padBottom}px` }} />
            )}
          </tbody>
        </table>
      </div>
      <CopyList
        decisions={shownCopies}
        names={names}
        stream={copies.stream}
        error={copies.error}
        traderName={copiesOf === null ? undefined : (names.get(copiesOf) ?? `#${copiesOf}`)}
        onAll={() => setCopiesOf(null)}
      />
    </section>
  );
}
