/** The inline editor's draft of a trader's follow options, and the PATCH body made from what changed. */
import type { Trader } from '../../api/types';
import type { TraderPatch } from './use-traders';

export interface FollowDraft {
  takeProfitPct: string;
  stopLossPct: string;
  allocation: string;
  copyRatio: string;
}

export type DraftField = keyof FollowDraft;

export const DRAFT_LABELS: Record<DraftField, string> = {
  takeProfitPct: 'Take profit %',
  stopLossPct: 'Stop loss %',
  allocation: 'Allocation',
  copyRatio: 'Copy ratio',
};

export function draftOf(t: Trader): FollowDraft {
  return {
    takeProfitPct: t.followOptions.takeProfitPct ?? '',
    stopLossPct: t.followOptions.stopLossPct ?? '',
    allocation: t.allocation,
    copyRatio: t.followOptions.copyRatio,
  };
}

/** Only the changed fields; an emptied TP/SL clears it (null). */
export function patchOf(t: Trader, d: FollowDraft): TraderPatch | null {
  const before = draftOf(t);
  const patch: TraderPatch = {};
  const follow: NonNullable<TraderPatch['followOptions']> = {};
  const tp = d.takeProfitPct.trim();
  const sl = d.stopLossPct.trim();
  if (tp !== before.takeProfitPct) follow.takeProfitPct = tp === '' ? null : tp;
  if (sl !== before.stopLossPct) follow.stopLossPct = sl === '' ? null : sl;
  if (d.copyRatio.trim() !== before.copyRatio) follow.copyRatio = d.copyRatio.trim();
  if (d.allocation.trim() !== before.allocation) patch.allocation = d.allocation.trim();
  if (Object.keys(follow).length > 0) patch.followOptions = follow;
  return Object.keys(patch).length > 0 ? patch : null;
}

/** Which draft field a server error detail path names (`body.followOptions.stopLossPct` -> stopLossPct). */
export function fieldOfPath(path: string): DraftField | undefined {
  const last = path.split('.').pop();
  return last && last in DRAFT_LABELS ? (last as DraftField) : undefined;
}
