/**
 * Server error paths in words: `body.followOptions.stopLossPct` is "Stop
 * loss %", so a message reads "Stop loss % must be at most 100", never a
 * field path. Unknown paths keep their last part, spaced.
 */
const WORDS: Record<string, string> = {
  name: 'Name',
  source: 'Source',
  address: 'Address',
  allocation: 'Allocation',
  enabled: 'On/off',
  copyMode: 'Sizing mode',
  copyRatio: 'Copy ratio',
  fixedAmount: 'Fixed amount',
  takeProfitPct: 'Take profit %',
  stopLossPct: 'Stop loss %',
  trailingStopPct: 'Trailing stop %',
  maxPositionSize: 'Max position size',
  minTradeSize: 'Min trade size',
  allowMarkets: 'Only these markets',
  denyMarkets: 'Never these markets',
  takeProfit: 'Take profit',
  stopLoss: 'Stop loss',
  marketId: 'Market',
  side: 'Side',
  outcome: 'Outcome',
  size: 'Size',
  days: 'Days',
};

/** The words for a field path (`body.followOptions.stopLossPct` -> "Stop loss %"). */
export function fieldWords(path: string): string {
  const last =
    path
      .replace(/\[\d+\]$/, '')
      .split('.')
      .pop() ?? path;
  return WORDS[last] ?? last.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}

/** A message with every `body.x.y` / `query.x` path in it replaced by its words. */
export function inWords(message: string): string {
  return message.replace(/\b(?:body|query|querystring|params)(?:\.[A-Za-z]+(?:\[\d+\])?)+/g, (p) =>
    fieldWords(p),
  );
}

/** "Stop loss % must be at most 100"; a message that is its own sentence gets a colon. */
export function withLabel(label: string, message: string): string {
  return /^(must|is|are|already|cannot|has|not)\b/.test(message)
    ? `${label} ${message}`
    : `${label}: ${message}`;
}
