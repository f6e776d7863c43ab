/**
 * What the bot needs from the rest of tradeloop, as narrow ports: the same
 * services the API uses (positions, traders, market data) and the chat links.
 * `Services` satisfies them structurally, so the bot answers from the same
 * code, cache and database as the API.
 */
import type { CopyService } from '../copytrading/copy-service.js';
import type { TraderService } from '../copytrading/trader-service.js';
import type { MarketData } from '../marketdata/market-data.js';
import type { PositionService } from '../positions/position-service.js';
import type { TelegramLinkService } from './link-service.js';

export type { PositionView } from '../positions/position-service.js';

export type PositionsPort = Pick<PositionService, 'get' | 'list' | 'setTpSl' | 'close'>;

export interface BotDeps {
  links: Pick<TelegramLinkService, 'link' | 'userForChat' | 'unlink' | 'setCopiesMuted'>;
  /** Copy decisions for /copies. */
  copies: Pick<CopyService, 'decisions'>;
  positions: PositionsPort;
  traders: Pick<TraderService, 'list' | 'get' | 'update'>;
  marketData: Pick<MarketData, 'markets' | 'prices'>;
  /** Called with errors the bot could only answer with "something went wrong". */
  onError?: (err: unknown) => void;
}
