/**
 * Where the leader sources beyond the venue's own read their leaders' trades:
 * a Solana JSON-RPC node (HTTP, and its PubSub WebSocket when it has one) and
 * the Hyperliquid info API.
 */
import { setting } from './setting.js';

const httpUrl = (raw: string) => (/^https?:\/\/[^\s]+$/.test(raw) ? raw.replace(/\/+$/, '') : undefined);

export const leaderSourceSettings = {
  solanaRpcUrl: setting({
    env: 'SOLANA_RPC_URL',
    form: 'an http(s) URL',
    default: 'https://api.mainnet-beta.solana.com',
    parse: httpUrl,
    doc: 'Solana JSON-RPC endpoint where followed Solana wallets’ swaps are read (getSignaturesForAddress, getTransaction).',
  }),
  solanaWsUrl: setting({
    env: 'SOLANA_WS_URL',
    form: 'a ws(s) URL, or off',
    default: 'off' as string,
    parse: (raw: string) => (raw === 'off' || /^wss?:\/\/[^\s]+$/.test(raw) ? raw : undefined),
    doc: 'Solana PubSub WebSocket for logsSubscribe (new swaps pushed as they land); off = poll SOLANA_RPC_URL only.',
  }),
  hyperliquidApiUrl: setting({
    env: 'HYPERLIQUID_API_URL',
    form: 'an http(s) URL',
    default: 'https://api.hyperliquid.xyz',
    parse: httpUrl,
    doc: 'Hyperliquid API origin whose POST /info (userFillsByTime) gives followed addresses’ fills.',
  }),
};
