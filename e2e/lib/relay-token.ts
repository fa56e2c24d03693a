// The relay token on zkSettle: the foreign asset `(1, Here)` (pallet-assets instance
// `foreignAssets`, keyed by XCM location), as the foreign and xcm suites read it.
import type { ApiPromise } from '@polkadot/api';
import { bnToU8a, stringToU8a, u8aConcat } from '@polkadot/util';
import { check } from './chain.js';

/** One ROC in plancks (12 decimals, as on rococo-local). */
export const ROC = 10n ** 12n;

/** The relay token's location, as zkSettle names it. */
export const RELAY_TOKEN = { parents: 1, interior: 'Here' };

interface Optional<T> {
  isSome: boolean;
  unwrap(): T;
}

/** `address`'s relay-token balance on zkSettle (0 without an account). */
export async function rocOf(api: ApiPromise, address: string): Promise<bigint> {
  const account = (await api.query.foreignAssets.account(RELAY_TOKEN, address)) as unknown as Optional<{ balance: { toString(): string } }>;
  return account.isSome ? BigInt(account.unwrap().balance.toString()) : 0n;
}

/** The relay token's foreign asset details: its owner (the pool's account) and supply on zkSettle. */
export async function relayTokenAsset(api: ApiPromise): Promise<{ owner: string; supply: bigint }> {
  const details = (await api.query.foreignAssets.asset(RELAY_TOKEN)) as unknown as Optional<{
    owner: { toString(): string };
    supply: { toString(): string };
  }>;
  check(details.isSome, 'the relay token has no foreign asset on zkSettle');
  const d = details.unwrap();
  return { owner: d.owner.toString(), supply: BigInt(d.supply.toString()) };
}

/** The relay token's total issuance on zkSettle. */
export async function rocIssuance(api: ApiPromise): Promise<bigint> {
  return (await relayTokenAsset(api)).supply;
}

/** A parachain's sovereign account on its relay chain: "para" ‖ id (LE) ‖ zeros. */
export function paraSovereign(para: number): Uint8Array {
  return u8aConcat(stringToU8a('para'), bnToU8a(para, { bitLength: 32 }), new Uint8Array(24));
}
