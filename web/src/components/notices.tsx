/**
 * Messages for the user: a list shown in an aria-live region (errors as
 * alerts), each dismissible, the oldest dropped past five. Confirmations
 * (`info`) go away by themselves after a few seconds; errors stay until dismissed.
 */
import { useCallback, useState } from 'preact/hooks';

const INFO_MS = 6000;

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

let nextId = 1;

export function useNotices() {
  const [notices, setNotices] = useState<Notice[]>([]);
  const push = useCallback((kind: Notice['kind'], text: string) => {
    const id = nextId++;
    setNotices((list) => [...list.slice(-4), { id, kind, text }]);
    if (kind === 'info') setTimeout(() => setNotices((list) => list.filter((n) => n.id !== id)), INFO_MS);
  }, []);
  const dismiss = useCallback((id: number) => setNotices((list) => list.filter((n) => n.id !== id)), []);
  return { notices, push, dismiss };
}

export function NoticeList({ notices, dismiss }: { notices: Notice[]; dismiss(id: number): void }) {
  return (
    <div class="notices" aria-live="polite">
      {notices.map((n) => (
        <p key={n.id} class={`notice ${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'}>
          <span>{n.text}</span>
          <button
            type="button"
            class="link-button"
            aria-label="Dismiss message"
            onClick={() => dismiss(n.id)}
          >
            ×
          </button>
        </p>
      ))}
    </div>
  );
}
