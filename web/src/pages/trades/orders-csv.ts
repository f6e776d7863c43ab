/** The user's orders as CSV (RFC 4180: fields with commas, quotes or line breaks quoted, quotes doubled). */
import type { Order } from '../../api/types';

export const CSV_COLUMNS: (keyof Order)[] = [
  'id',
  'createdAt',
  'pair',
  'side',
  'type',
  'status',
  'price',
  'quantity',
  'filledQuantity',
  'averagePrice',
  'fee',
  'traderId',
  'clientOrderId',
  'updatedAt',
];

function field(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function ordersCsv(rows: readonly Order[], traderNames: ReadonlyMap<number, string>): string {
  const header = [...CSV_COLUMNS, 'traderName'].join(',');
  const lines = rows.map((r) =>
    [
      ...CSV_COLUMNS.map((c) => field(r[c])),
      field(r.traderId === null ? '' : traderNames.get(r.traderId)),
    ].join(','),
  );
  return `${[header, ...lines].join('\r\n')}\r\n`;
}

/** Hands `text` to the browser as a file download. */
export function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
