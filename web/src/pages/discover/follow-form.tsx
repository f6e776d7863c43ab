/**
 * Following a leader: name (prefilled), allocation, copy mode with its fixed
 * amount or ratio, TP/SL/trailing %; POST /traders. A refusal shows each of
 * the server's messages (error.details[].path/message) beside its field.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { CopyMode, Leader, Trader } from '../../api/types';
import { formErrors, NO_ERRORS } from '../research/field-errors';
import { describedBy, FormField } from '../research/form-field';

interface Draft {
  name: string;
  allocation: string;
  copyMode: CopyMode;
  fixedAmount: string;
  copyRatio: string;
  takeProfitPct: string;
  stopLossPct: string;
  trailingStopPct: string;
}

type Field = keyof Draft;

/** Where each field's value goes in the request body (and so which error path names it). */
const PATHS: Record<Field, string> = {
  name: 'name',
  allocation: 'allocation',
  copyMode: 'followOptions.copyMode',
  fixedAmount: 'followOptions.fixedAmount',
  copyRatio: 'followOptions.copyRatio',
  takeProfitPct: 'followOptions.takeProfitPct',
  stopLossPct: 'followOptions.stopLossPct',
  trailingStopPct: 'followOptions.trailingStopPct',
};

const LABELS: Record<Field, string> = {
  name: 'Name',
  allocation: 'Allocation',
  copyMode: 'Copy mode',
  fixedAmount: 'Fixed amount',
  copyRatio: 'Copy ratio',
  takeProfitPct: 'Take profit %',
  stopLossPct: 'Stop loss %',
  trailingStopPct: 'Trailing stop %',
};

const HINTS: Partial<Record<Field, string>> = {
  allocation: 'capital for this follow',
  fixedAmount: 'quote amount per copy',
  copyRatio: 'copy size = leader size × ratio',
  takeProfitPct: 'empty: none',
  stopLossPct: 'empty: none',
  trailingStopPct: 'empty: none',
};

function bodyOf(leader: Leader, d: Draft) {
  const opt = (v: string) => (v.trim() === '' ? undefined : v.trim());
  const followOptions: Record<string, string | null | undefined> = {
    copyMode: d.copyMode,
    takeProfitPct: opt(d.takeProfitPct),
    stopLossPct: opt(d.stopLossPct),
    trailingStopPct: opt(d.trailingStopPct),
  };
  if (d.copyMode === 'fixed') followOptions['fixedAmount'] = opt(d.fixedAmount) ?? null;
  if (d.copyMode === 'ratio') followOptions['copyRatio'] = opt(d.copyRatio);
  return {
    name: d.name.trim(),
    source: leader.source,
    address: leader.address,
    allocation: opt(d.allocation),
    enabled: true,
    followOptions,
  };
}

export function FollowForm({
  leader,
  onFollowed,
  onCancel,
}: {
  leader: Leader;
  onFollowed(t: Trader): void;
  onCancel(): void;
}) {
  const [d, setD] = useState<Draft>({
    name: leader.name ?? leader.address,
    allocation: '1000',
    copyMode: 'fixed',
    fixedAmount: '100',
    copyRatio: '0.1',
    takeProfitPct: '',
    stopLossPct: '',
    trailingStopPct: '',
  });
  const [errors, setErrors] = useState(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const idp = `follow-${leader.address}`;
  const set = (f: Field, v: string) => setD((x) => ({ ...x, [f]: v }));

  const submit = async (ev: Event) => {
    ev.preventDefault();
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      onFollowed(await api<Trader>('/traders', { method: 'POST', body: bodyOf(leader, d) }));
    } catch (err) {
      setErrors(formErrors(err));
    } finally {
      setBusy(false);
    }
  };

  const shown: Field[] = [
    'name',
    'allocation',
    ...(d.copyMode === 'fixed'
      ? (['fixedAmount'] as const)
      : d.copyMode === 'ratio'
        ? (['copyRatio'] as const)
        : []),
    'takeProfitPct',
    'stopLossPct',
    'trailingStopPct',
  ];
  const known = new Set(Object.values(PATHS));
  const other = Object.entries(errors.fields).filter(
    ([p]) => !known.has(p) || !shown.some((f) => PATHS[f] === p),
  );
  const input = (f: Field) => {
    const id = `${idp}-${f}`;
    const error = errors.fields[PATHS[f]];
    return (
      <FormField key={f} id={id} label={LABELS[f]} hint={HINTS[f]} error={error}>
        <input
          id={id}
          name={f}
          inputMode={f === 'name' ? undefined : 'decimal'}
          value={d[f]}
          onInput={(e) => set(f, e.currentTarget.value)}
          {...describedBy(id, HINTS[f], error)}
        />
      </FormField>
    );
  };

  return (
    <form class="follow-form" onSubmit={submit} aria-label={`Follow ${leader.name ?? leader.address}`}>
      <div class="form-grid">
        {input('name')}
        {input('allocation')}
        <FormField id={`${idp}-copyMode`} label="Copy mode" error={errors.fields[PATHS.copyMode]}>
          <select
            id={`${idp}-copyMode`}
            value={d.copyMode}
            onChange={(e) => set('copyMode', e.currentTarget.value)}
          >
            <option value="fixed">fixed amount</option>
            <option value="ratio">ratio of the leader's size</option>
            <option value="proportional">proportional to allocation</option>
          </select>
        </FormField>
        {shown.slice(2).map(input)}
        <div class="form-actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Following…' : 'Start following'}
          </button>
          <button type="button" class="secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
      {errors.general && (
        <div class="error" role="alert">
          <p>
            Not followed:{' '}
            {other.length === 0 && Object.keys(errors.fields).length > 0
              ? 'correct the fields marked above.'
              : errors.general}
          </p>
          {other.length > 0 && (
            <ul>
              {other.map(([p, m]) => (
                <li key={p}>
                  {p}: {m}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}
