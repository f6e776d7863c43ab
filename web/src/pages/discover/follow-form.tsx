/**
 * Following a trader: from Discover (source and address fixed by the leader
 * chosen) or by hand on Traders (source and address typed). Every follow
 * option: allocation, sizing mode with its fixed amount or ratio, TP / SL /
 * trailing stop %, max position size, min trade size, market lists. Each
 * field is checked as it is left and before sending, the problem shown
 * beside it in words; the server's refusals land beside the same fields.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, api, describeError } from '../../api/client';
import { fieldWords, withLabel } from '../../api/field-words';
import type { CopyMode, Trader } from '../../api/types';
import { describedBy, FormField } from '../research/form-field';
import {
  bodyOf,
  checkDraft,
  type FollowDraft,
  type FollowField,
  HINTS,
  LABELS,
  PATHS,
} from './follow-fields';

type Errors = Partial<Record<FollowField, string>>;

/** The server's refusal by field (its details in words), and what names no shown field. */
function serverErrors(err: unknown, shown: readonly FollowField[]): { fields: Errors; other: string[] } {
  if (!(err instanceof ApiError) || err.details.length === 0)
    return { fields: {}, other: [describeError(err)] };
  const fields: Errors = {};
  const other: string[] = [];
  for (const d of err.details) {
    const path = d.path.replace(/^body\./, '').replace(/\[\d+\]$/, '');
    const f = shown.find((x) => PATHS[x] === path);
    const text = withLabel(f ? LABELS[f].replace(/ %$/, '') : fieldWords(d.path), d.message);
    if (f) fields[f] = text;
    else other.push(text);
  }
  return { fields, other };
}

export function FollowForm({
  initial,
  fixedTarget,
  title,
  onFollowed,
  onCancel,
}: {
  initial: FollowDraft;
  /** Source and address come from a chosen leader and are not edited. */
  fixedTarget: boolean;
  title: string;
  onFollowed(t: Trader): void;
  onCancel(): void;
}) {
  const [d, setD] = useState<FollowDraft>(initial);
  const [errors, setErrors] = useState<Errors>({});
  const [other, setOther] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const idp = `follow-${(fixedTarget ? initial.address : 'new').replace(/[^A-Za-z0-9_-]/g, '')}`;

  const shown: FollowField[] = [
    'name',
    ...(fixedTarget ? [] : (['source', 'address'] as const)),
    'allocation',
    'copyMode',
    ...(d.copyMode === 'fixed'
      ? (['fixedAmount'] as const)
      : d.copyMode === 'ratio'
        ? (['copyRatio'] as const)
        : []),
    'takeProfitPct',
    'stopLossPct',
    'trailingStopPct',
    'maxPositionSize',
    'minTradeSize',
    'allowMarkets',
    'denyMarkets',
  ];
  /** Typing into a field with a problem checks it again at once, so the problem goes as it is fixed. */
  const set = (f: FollowField, v: string) => {
    const next = { ...d, [f]: v };
    setD(next);
    if (errors[f]) setErrors((e) => ({ ...e, [f]: checkDraft(next, shown)[f] }));
  };
  /** Leaving a field checks it. */
  const recheck = (f: FollowField) => {
    const problem = checkDraft(d, shown)[f];
    if (problem !== errors[f]) setErrors((e) => ({ ...e, [f]: problem }));
  };

  const submit = async (ev: Event) => {
    ev.preventDefault();
    const problems = checkDraft(d, shown);
    setErrors(problems);
    setOther([]);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    try {
      onFollowed(await api<Trader>('/traders', { method: 'POST', body: bodyOf(d) }));
    } catch (err) {
      const s = serverErrors(err, shown);
      setErrors(s.fields);
      setOther(s.other);
    } finally {
      setBusy(false);
    }
  };

  const field = (f: FollowField) => {
    const id = `${idp}-${f}`;
    const error = errors[f];
    const common = {
      id,
      name: f,
      onBlur: () => recheck(f),
      ...describedBy(id, HINTS[f], error),
    };
    let control: ComponentChildren;
    if (f === 'copyMode')
      control = (
        <select
          {...common}
          value={d.copyMode}
          onChange={(e) => set('copyMode', e.currentTarget.value as CopyMode)}
        >
          <option value="fixed">fixed amount per copy</option>
          <option value="ratio">ratio of the leader's size</option>
          <option value="proportional">proportional to allocation</option>
        </select>
      );
    else if (f === 'source')
      control = (
        <select {...common} value={d.source} onChange={(e) => set('source', e.currentTarget.value)}>
          <option value="simulated">simulated leaders</option>
          <option value="polymarket">Polymarket wallet</option>
          <option value="manual">manual (orders posted by you)</option>
        </select>
      );
    else
      control = (
        <input
          {...common}
          inputMode={['name', 'address', 'allowMarkets', 'denyMarkets'].includes(f) ? undefined : 'decimal'}
          value={d[f]}
          onInput={(e) => set(f, e.currentTarget.value)}
        />
      );
    return (
      <FormField key={f} id={id} label={LABELS[f]} hint={HINTS[f]} error={error}>
        {control}
      </FormField>
    );
  };

  const problems = Object.keys(errors).filter((f) => errors[f as FollowField]).length;
  return (
    <form class="follow-form" onSubmit={submit} aria-label={title} noValidate>
      <div class="form-grid">
        {shown.map(field)}
        <div class="form-actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Following…' : 'Start following'}
          </button>
          <button type="button" class="secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
      {(problems > 0 || other.length > 0) && (
        <div class="error" role="alert">
          <p>Not followed: {problems > 0 ? 'correct the fields marked above.' : ''}</p>
          {other.length > 0 && (
            <ul>
              {other.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}
