/** The order body the API suites record when any valid order will do: an open limit buy of 0.01 BTC. */
export function limitBuy(traderId: number) {
  return {
    traderId,
    pair: 'BTC/USDT',
    side: 'buy',
    type: 'limit',
    price: '64000.5',
    quantity: '0.01',
    status: 'open',
  } as const;
}
