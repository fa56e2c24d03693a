// A runtime-upgrade rehearsal, on a chain started from an earlier release's spec (the zombienet
// network of scripts/zombienet.sh upgrade runs the spec_version-5 release; the relay chain
// enacts the upgrade as it would on Polkadot):
//   1. On the old runtime: Alice shields 100 ZKS and sends 40 privately to Bob; order A is
//      opened and filled (its fill message not yet delivered); order B is opened.
//   2. Governance authorizes the new runtime's code hash (`sudo(system.authorize_upgrade)`) and
//      Dave applies it (`system.apply_authorized_upgrade`): the parachain schedules the code, the
//      relay chain gives the go-ahead, and the next block runs the new runtime and its migrations.
//   3. On the new runtime: the settlement pallet is at its new storage version (settlement v2 -> v3
//      turned the `Filled` map into `DestinationOrders`) and A's fill, migrated, still excludes a
//      refund; A's fill message, attested by validators and relayed now, settles A; B is filled
//      and settled under the new runtime; Bob spends the note he received before the upgrade and
//      Alice receives it.
// The new code is the current release's (`chain-specs/local.plain.json`, or the plain spec
// $ZKSETTLE_UPGRADE_SPEC names).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ApiPromise } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { hexToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsHex, mnemonicGenerate, xxhashAsU8a } from '@polkadot/util-crypto';
import { chainTime, check, event, free, succeed } from './lib/chain.js';
import { attest, devValidators } from './lib/hyperlane.js';
import { RELAY_TOKEN } from './lib/relay-token.js';
import { scratchWallets } from './lib/wallet.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

const ZKS = 10n ** 12n;
const FAST = 1;

/** A pallet's storage version as the chain keeps it (`:__STORAGE_VERSION__:`, a u16). */
async function storageVersion(api: ApiPromise, pallet: string): Promise<number> {
  const key = u8aConcat(xxhashAsU8a(pallet, 128), xxhashAsU8a(':__STORAGE_VERSION__:', 128));
  const raw = (await api.rpc.state.getStorage(u8aToHex(key))) as Any;
  return raw.isSome ? api.createType('u16', raw.unwrap()).toNumber() : 0;
}

/** The new runtime's code: the `code` of a plain chain spec. */
function newCode(): string {
  const spec = process.env.ZKSETTLE_UPGRADE_SPEC ?? fileURLToPath(new URL('../chain-specs/local.plain.json', import.meta.url));
  const code = JSON.parse(readFileSync(spec, 'utf8')).genesis?.runtimeGenesis?.code as string | undefined;
  check(typeof code === 'string' && code.startsWith('0x'), `${spec} holds no runtime code`);
  return code;
}

export async function upgrade(api: ApiPromise, log: (line: string) => void, endpoint: string): Promise<void> {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const [alice, bob, dave] = ['//Alice', '//Bob', '//Dave'].map((uri) => keyring.addFromUri(uri));
  const call = api.call as Any;
  const oldSpec = api.runtimeVersion.specVersion.toNumber();
  const settlementBefore = await storageVersion(api, 'Settlement');
  const domain = (await api.query.settlement.localDomain() as Any).toNumber() as number;
  const hook = (await call.settlementApi.mailboxAddress()).toU8a() as Uint8Array;
  const settler = (await call.settlementApi.settlerAddress()).toU8a() as Uint8Array;
  const signers = devValidators().slice(0, 2);
  log(`old runtime: spec_version ${oldSpec}, settlement storage version ${settlementBefore}`);

  const { wallet, secret, remove } = scratchWallets(endpoint);
  try {
    // 1. State made by the old runtime.
    await wallet('alice', ['restore'], `${mnemonicGenerate(24)}\n`);
    await wallet('bob', ['restore'], `${mnemonicGenerate(24)}\n`);
    const address = async (name: string): Promise<string> => (JSON.parse(await wallet(name, ['address', '--json'])) as { address: string }).address;
    await wallet('alice', ['shield', '100', '--suri-file', secret('//Alice')]);
    await wallet('alice', ['send', '--yes', '40', await address('bob')]);
    const bobBefore = await wallet('bob', ['balance']);
    check(/shielded 40 ZKS in 1 note\(s\)/.test(bobBefore), `Bob's wallet before the upgrade: ${bobBefore.trim()}`);
    type Balance = { shielded: { value: { amount: string; asset: { id: number | null } } }[] };
    const held = async (name: string): Promise<bigint> => {
      const out = JSON.parse(await wallet(name, ['balance', '--json'])) as Balance;
      return BigInt(out.shielded.find((s) => s.value.asset.id === null)?.value.amount ?? '0');
    };
    const aliceBefore = await held('alice');

    const quote = (await call.settlementApi.quote(FAST, domain)).unwrap().toBigInt() as bigint;
    const recipient = keyring.addFromMnemonic(mnemonicGenerate()).publicKey;
    const deadline = (await chainTime(api)) + 3600;
    const openOrder = () => api.tx.settlement.openOrder(10n * ZKS, domain, settler, 9n * ZKS, recipient, deadline, FAST, quote);
    const opened = await succeed(api, api.tx.utility.batchAll([openOrder(), openOrder()]), alice);
    const [a, b] = opened.records
      .filter(({ event: e }) => `${e.section}.${e.method}` === 'settlement.OrderOpened')
      .map(({ event: e }) => (e.data as Any));
    const filledA = await succeed(api, api.tx.settlement.fillOrder(a.order, bob.publicKey), bob);
    const fillA = await attest(event(filledA, 'settlement.Dispatched').data, domain, hook, signers);
    log(`on spec ${oldSpec}: 100 ZKS shielded, 40 sent to Bob; orders ${a.orderId.toHex()} (filled) and ${b.orderId.toHex()} open`);

    // 2. The upgrade, authorized by governance and applied by anyone.
    const code = newCode();
    await succeed(api, api.tx.sudo.sudo(api.tx.system.authorizeUpgrade(blake2AsHex(hexToU8a(code), 256))), alice);
    const applied = await succeed(api, api.tx.system.applyAuthorizedUpgrade(code), dave);
    log(`code ${blake2AsHex(hexToU8a(code), 256).slice(0, 18)}… authorized and applied in #${applied.blockNumber} (${(code.length - 2) / 2} bytes)`);
    const newSpec = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the new runtime was not enacted within 10 minutes')), 600_000);
      api.rpc.state
        .subscribeRuntimeVersion((version) => {
          const spec = version.specVersion.toNumber();
          if (spec !== oldSpec) {
            clearTimeout(timer);
            resolve(spec);
          }
        })
        .catch(reject);
    });
    check(newSpec > oldSpec, `spec_version went from ${oldSpec} to ${newSpec}`);
    // @polkadot/api reloads the metadata on the version change; wait for a block of the new runtime.
    await new Promise((r) => setTimeout(r, 12_000));

    // 3. The new runtime, on the old state. The storage walks run as multi-block migrations
    //    (`MultiBlockMigrations`): wait until their cursor is gone.
    for (let waited = 0; ; waited += 6) {
      const cursor = (await api.query.multiBlockMigrations.cursor()) as Any;
      if (cursor.isNone) break;
      check(waited < 120 && !cursor.unwrap().isStuck, `multi-block migrations still running or stuck after ${waited} s: ${cursor}`);
      await new Promise((r) => setTimeout(r, 6_000));
    }
    const settlementAfter = await storageVersion(api, 'Settlement');
    check(settlementAfter > settlementBefore, `settlement storage version ${settlementBefore} -> ${settlementAfter}`);
    const migrated = (await api.query.settlement.destinationOrders(a.orderId)) as Any;
    check(migrated.isSome && migrated.unwrap().isFilled, `order A on the destination after the migration: ${migrated}`);
    log(`enacted: spec_version ${newSpec}, settlement storage ${settlementBefore} -> ${settlementAfter}, order A's fill migrated`);
    // The runtime-level migration of spec_version 8: the relay token's foreign asset, guarded by
    // the pool and registered with it (a chain from before had neither).
    const asset = (await api.query.foreignAssets.asset(RELAY_TOKEN)) as Any;
    // The pool's account: PalletId `zks/pool` as `into_account_truncating` writes it.
    const pool = u8aToHex(u8aConcat(new TextEncoder().encode('modlzks/pool'), new Uint8Array(20)));
    check(asset.isSome, 'no foreign asset for the relay token after the upgrade');
    const details = asset.unwrap();
    check(details.owner.eq(details.issuer) && details.owner.eq(details.admin) && details.owner.eq(details.freezer), 'the relay token\'s roles are not all one account');
    check(u8aToHex(details.owner.toU8a()) === pool, `the relay token is owned by ${details.owner}, not the pool`);
    const index = (await api.query.shieldedPool.foreignAssetIndex(RELAY_TOKEN)) as Any;
    check(index.isSome, 'the relay token is not registered with the pool after the upgrade');
    log(`the relay token's foreign asset exists and is the pool's foreign asset ${index.unwrap().toNumber()}`);

    const settledA = await succeed(api, api.tx.settlement.process(u8aToHex(fillA.metadata), u8aToHex(fillA.message)), dave);
    check((event(settledA, 'settlement.OrderSettled').data as Any).orderId.toHex() === a.orderId.toHex(), 'order A settled');
    const filledB = await succeed(api, api.tx.settlement.fillOrder(b.order, bob.publicKey), bob);
    const fillB = await attest(event(filledB, 'settlement.Dispatched').data, domain, hook, signers);
    const settledB = await succeed(api, api.tx.settlement.process(u8aToHex(fillB.metadata), u8aToHex(fillB.message)), dave);
    check((event(settledB, 'settlement.OrderSettled').data as Any).orderId.toHex() === b.orderId.toHex(), 'order B settled');
    for (const order of [a, b]) {
      const outcome = await call.settlementApi.orderOutcome(order.orderId);
      check(outcome.isSome && outcome.unwrap().isSettled, `order ${order.orderId.toHex()}: ${outcome}`);
    }

    await wallet('bob', ['send', '--yes', '15', await address('alice')]);
    const aliceAfter = await held('alice');
    check(aliceAfter - aliceBefore === 15n * ZKS, `Alice's shielded balance moved by ${aliceAfter - aliceBefore}`);
    log(`on spec ${newSpec}: the fill made before the upgrade and one made after settled; Bob spent his pre-upgrade note (15 ZKS to Alice)`);
    check((await free(api, keyring.encodeAddress(recipient))) === 18n * ZKS, 'the orders paid their outputs');
  } finally {
    remove();
  }
}
