/**
 * Builds what live copies need from the configuration: the users' sealed
 * exchange keys (SECRETS_KEY or the key file in DATA_DIR) with the venue-side
 * check of new keys. ccxt is loaded only when a key is first checked.
 */
import type { Config } from './config/schema.js';
import type { Clock } from './domain/clock.js';
import { CredentialRepository } from './store/credential-repository.js';
import type { Database } from './store/database.js';
import { CredentialService, type KeyVerifier } from './users/credential-service.js';
import { openSecretBox } from './users/secret-box.js';
import type { CcxtKeyVerifier } from './venues/ccxt/credential-verifier.js';

/** The ccxt verifier, imported on first use (ccxt is large). */
function lazyCcxtVerifier(origins: Readonly<Record<string, string>>): KeyVerifier {
  let loaded: Promise<CcxtKeyVerifier> | undefined;
  const load = () => {
    loaded ??= import('./venues/ccxt/credential-verifier.js').then((m) => new m.CcxtKeyVerifier(origins));
    return loaded;
  };
  return {
    checkVenue: async (venue) => (await load()).checkVenue(venue),
    verify: async (venue, keys) => (await load()).verify(venue, keys),
  };
}

export function createCredentials(config: Config, db: Database, clock: Clock): CredentialService {
  return new CredentialService({
    repo: new CredentialRepository(db),
    box: openSecretBox(config.secretsKey, config.dataDir),
    verifier: lazyCcxtVerifier(config.liveVenueOrigins),
    clock,
    allowWithdraw: config.allowWithdrawKeys === 'on',
  });
}
