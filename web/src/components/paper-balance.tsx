/** The paper account's balance (GET /paper-account), re-read every few seconds; hidden where the server has no paper account. */

import type { PaperAccount } from '../api/types';
import { useEndpoint } from '../api/use-endpoint';
import { fmtNum, signClass } from './format';

export function PaperBalance({ refreshMs = 5000 }: { refreshMs?: number }) {
  const { data, error, missing } = useEndpoint<PaperAccount>('/paper-account', refreshMs);
  if (missing) return null;
  if (error && !data) return <p class="paper-balance error">Paper balance unavailable: {error}</p>;
  if (!data) return <p class="paper-balance hint">Paper balance…</p>;
  const change = Number(data.balance) - Number(data.initialBalance);
  return (
    <p
      class="paper-balance"
      aria-live="polite"
      title={`Paper account on ${data.venue}, reset ${data.resetAt}`}
    >
      <span class="hint">Paper balance</span>{' '}
      <strong data-testid="paper-balance">{fmtNum(data.balance)}</strong>{' '}
      <span class={signClass(change)}>
        ({change >= 0 ? '+' : ''}
        {fmtNum(change)})
      </span>
    </p>
  );
}
