// Foreign assets through the wallet CLI, on a dev chain (no relay chain: `xcm.ts` is the same
// path with real reserve transfers, on the zombienet network):
//   1. the relay token is the foreign asset `(1, Here)` of the genesis, owned by the pool and
//      registered with it as foreign index 0, symbol ROC, 12 decimals;
//   2. (dev only) governance mints 10 ROC to //Ferdie and 1 ROC to a wallet's own public account:
//      a dev chain has no relay chain to reserve-transfer from, so for this suite sudo lends
//      itself the issuer role and gives it back to the pool, as `try_state` requires; that
//      wallet's `balance` lists the ROC it holds publicly;
//   3. a wallet shields 5 ROC paid by //Ferdie (`--asset ROC`), sends 2 privately to a second
//      wallet relayed by //Charlie (a foreign asset cannot go unsigned), which sees "2 ROC";
//      without a relayer (`--relayer-file`) the wallet refuses with a usage error (exit 2);
//   4. the second wallet unshields 1 ROC to a fresh public account, relayed;
//   5. it unshields 0.5 ROC `--to-reserve` (to an account on the relay chain): the pool pays the
//      beneficiary's outbox, the same call burns it and queues the upward message
//      (`shieldedPool.SentToReserve`); the outbox is left empty;
//   6. the pool holds exactly what the wallets hold, and ROC's issuance fell by what left.
import type { ApiPromise } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { mnemonicGenerate } from '@polkadot/util-crypto';
import { check, fail, succeed } from './lib/chain.js';
import { RELAY_TOKEN, ROC, relayTokenAsset, rocIssuance as issuance, rocOf as roc } from './lib/relay-token.js';
import { scratchWallets } from './lib/wallet.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

export async function foreign(api: ApiPromise, log: (line: string) => void, endpoint: string): Promise<void> {
  const { wallet, secret, remove } = scratchWallets(endpoint);
  try {
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    const [alice, ferdie] = ['//Alice', '//Ferdie'].map((uri) => keyring.addFromUri(uri));

    // 1. The genesis registration.
    const pool = (await relayTokenAsset(api)).owner;
    const metadata = (await api.query.foreignAssets.metadata(RELAY_TOKEN)) as Any;
    check(metadata.symbol.toUtf8() === 'ROC' && metadata.decimals.toNumber() === 12, `relay token metadata ${metadata}`);
    const index = (await api.query.shieldedPool.foreignAssetIndex(RELAY_TOKEN)) as Any;
    check(index.isSome && index.unwrap().toNumber() === 0, `the relay token's pool index: ${index}`);

    // 2. Dev-only funding: sudo borrows the issuer role, mints, and gives the role back.
    const status = (issuer: string) =>
      api.tx.sudo.sudo(api.tx.foreignAssets.forceAssetStatus(RELAY_TOKEN, pool, issuer, pool, pool, 1_000_000, true, false));
    await succeed(api, status(alice.address), alice);
    await wallet('one', ['restore'], `${mnemonicGenerate(24)}\n`);
    await wallet('two', ['restore'], `${mnemonicGenerate(24)}\n`);
    const addresses = async (name: string) => JSON.parse(await wallet(name, ['address', '--json'])) as { address: string; account: string };
    const [one, two] = [await addresses('one'), (await addresses('two')).address];
    await succeed(api, api.tx.foreignAssets.mint(RELAY_TOKEN, ferdie.address, 10n * ROC), alice);
    // ROC in the first wallet's own public account, as a transfer over XCM leaves it there.
    await succeed(api, api.tx.foreignAssets.mint(RELAY_TOKEN, one.account, ROC), alice);
    await succeed(api, status(pool), alice);
    const issuedBefore = await issuance(api);
    const listed = await wallet('one', ['balance']);
    check(listed.includes(`public   1 ROC (${one.account})`), `a wallet holding ROC publicly shows: ${listed.trim()}`);

    // 3. Shield and send privately.
    log((await wallet('one', ['shield', '5', '--asset', 'ROC', '--suri-file', secret('//Ferdie')])).trim());
    check((await roc(api, ferdie.address)) === 5n * ROC, '//Ferdie did not pay exactly 5 ROC');
    let refused = '';
    try {
      await wallet('one', ['send', '--yes', '2', two, '--asset', 'ROC', '--fee', '0.01']);
    } catch (error) {
      refused = error instanceof Error ? error.message : String(error);
    }
    check(/--relayer/.test(refused), `an unsigned ROC send was not refused by the wallet: ${refused || 'it succeeded'}`);
    log((await wallet('one', ['send', '--yes', '2', two, '--asset', 'ROC', '--fee', '0.01', '--relayer-file', secret('//Charlie')])).trim());
    const shown = await wallet('two', ['balance']);
    check(/shielded 2 ROC in 1 note\(s\)/.test(shown), `the second wallet shows: ${shown.trim()}`);

    // 4. Unshield to a fresh account, relayed.
    const fresh = keyring.addFromMnemonic(mnemonicGenerate());
    log((await wallet('two', ['unshield', '--yes', '1', fresh.address, '--asset', 'ROC', '--fee', '0.01', '--relayer-file', secret('//Charlie')])).trim());
    check((await roc(api, fresh.address)) === ROC, 'the fresh account did not receive exactly 1 ROC');

    // 5. To the reserve.
    const dave = keyring.addFromUri('//Dave');
    const out = JSON.parse(
      await wallet('two', ['unshield', '--yes', '0.5', dave.address, '--to-reserve', '--asset', 'ROC', '--fee', '0.01', '--relayer-file', secret('//Charlie'), '--json']),
    ) as { tx: { block: number; hash: string } };
    const blockHash = await api.rpc.chain.getBlockHash(out.tx.block);
    const events = (await (await api.at(blockHash)).query.system.events()) as Any;
    const sent = events.find((r: Any) => r.event.section === 'shieldedPool' && r.event.method === 'SentToReserve');
    if (!sent) fail(`no shieldedPool.SentToReserve in block #${out.tx.block}`);
    check(BigInt(sent.event.data.amount.toString()) === ROC / 2n, `SentToReserve of ${sent.event.data.amount}`);
    log(`sent to the reserve: ${sent.event.data.toString()}`);

    // 6. Conservation: what left the pool's custody is exactly what went out.
    type Balance = { shielded: { value: { amount: string; asset: { symbol: string } } }[] };
    const held = async (name: string): Promise<bigint> => {
      const b = JSON.parse(await wallet(name, ['balance', '--json'])) as Balance;
      return BigInt(b.shielded.find((s) => s.value.asset.symbol === 'ROC')?.value.amount ?? '0');
    };
    const poolHolds = await roc(api, pool);
    const [oneHeld, twoHeld] = [await held('one'), await held('two')];
    check(poolHolds === oneHeld + twoHeld, `the pool holds ${poolHolds}, the wallets ${oneHeld} + ${twoHeld}`);
    check(issuedBefore - (await issuance(api)) === ROC / 2n, 'ROC issuance did not fall by exactly what left for the reserve');
    log(`conserved: pool ${poolHolds} = wallets ${oneHeld} + ${twoHeld}; issuance -0.5 ROC`);
  } finally {
    remove();
  }
}
