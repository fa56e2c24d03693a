// The relay token's round trip through privacy, on the zombienet network (a rococo-local relay
// chain and zkSettle as para 2042):
//   1. the relay chain reserve-transfers 10 ROC from its //Alice to //Ferdie on zkSettle, who
//      receives them as the foreign asset `(1, Here)` less the incoming XCM's fee (paid in ROC);
//   2. a wallet shields 5 ROC paid by //Ferdie (`--asset ROC`: the symbol resolves to the
//      foreign asset the pool registered);
//   3. it sends 2 ROC privately to a second wallet, relayed by //Charlie for a fee in ROC;
//   4. the second wallet unshields 1.5 ROC straight to //Dave's account on the relay chain
//      (`--to-reserve`), which receives them less the relay's execution fee;
//   5. conservation: the relay token's total issuance on the relay chain did not move (its fees
//      go to block authors and the treasury, never burned), and zkSettle's ROC issuance moved by
//      exactly what our sovereign account on the relay chain did: every ROC here is backed.
// Needs the relay chain's endpoint (`--relay`, which zombienet/e2e.js passes).
import type { ApiPromise } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { encodeAddress, mnemonicGenerate } from '@polkadot/util-crypto';
import { check, connect, free, succeed, until } from './lib/chain.js';
import { ROC, paraSovereign, rocIssuance as paraIssuance, rocOf as paraRoc } from './lib/relay-token.js';
import { scratchWallets } from './lib/wallet.js';

const PARA_ID = 2042;

async function relayIssuance(relay: ApiPromise): Promise<bigint> {
  return BigInt((await relay.query.balances.totalIssuance()).toString());
}

export async function xcm(api: ApiPromise, log: (line: string) => void, endpoint: string, relayEndpoint?: string): Promise<void> {
  check(relayEndpoint !== undefined, 'the xcm suite needs the relay chain (--relay ws://…)');
  const relay = await connect(relayEndpoint);
  const { wallet, secret, remove } = scratchWallets(endpoint);
  try {
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    const [alice, ferdie, dave] = ['//Alice', '//Ferdie', '//Dave'].map((uri) => keyring.addFromUri(uri));
    // Our sovereign account on the relay chain: "para" ‖ id (LE) ‖ zeros.
    const sovereign = encodeAddress(paraSovereign(PARA_ID), 42);
    const before = {
      relayIssuance: await relayIssuance(relay),
      sovereign: await free(relay, sovereign),
      paraIssuance: await paraIssuance(api),
    };

    // 1. In from the relay chain.
    const ferdieBefore = await paraRoc(api, ferdie.address);
    // The relay is the token's reserve, said explicitly (`LocalReserve`): pallet-xcm refuses to
    // infer the reserve of the network's native token (`transferAssets` fails with
    // InvalidAssetUnknownReserve ahead of the Asset Hub migration), and the relay runtime weighs
    // `limitedReserveTransferAssets` at Weight::MAX.
    const ferdieHere = { parents: 0, interior: { X1: [{ AccountId32: { network: null, id: u8aToHex(ferdie.publicKey) } }] } };
    await succeed(
      relay,
      relay.tx.xcmPallet.transferAssetsUsingTypeAndThen(
        { V5: { parents: 0, interior: { X1: [{ Parachain: PARA_ID }] } } },
        { V5: [{ id: { parents: 0, interior: 'Here' }, fun: { Fungible: 10n * ROC } }] },
        'LocalReserve',
        { V5: { parents: 0, interior: 'Here' } },
        'LocalReserve',
        { V5: [{ DepositAsset: { assets: { Wild: { AllCounted: 1 } }, beneficiary: ferdieHere } }] },
        'Unlimited',
      ),
      alice,
    );
    const received = (await until('Ferdie\'s ROC on zkSettle', () => paraRoc(api, ferdie.address), (v) => v > ferdieBefore)) - ferdieBefore;
    const inFee = 10n * ROC - received;
    check(inFee > 0n && inFee < ROC / 100n, `the incoming transfer's fee is ${inFee}`);
    log(`//Ferdie received ${received} ROC units on zkSettle (the XCM fee: ${inFee}, to the collators' pot)`);

    // 2. Shield, 3. send privately, relayed for a fee in ROC.
    await wallet('one', ['restore'], `${mnemonicGenerate(24)}\n`);
    await wallet('two', ['restore'], `${mnemonicGenerate(24)}\n`);
    const twoAddress = (JSON.parse(await wallet('two', ['address', '--json'])) as { address: string }).address;
    log((await wallet('one', ['shield', '5', '--asset', 'ROC', '--suri-file', secret('//Ferdie')])).trim());
    log((await wallet('one', ['send', '--yes', '2', twoAddress, '--asset', 'ROC', '--fee', '0.01', '--relayer-file', secret('//Charlie')])).trim());
    const balance = await wallet('two', ['balance']);
    check(/shielded 2 ROC in 1 note\(s\)/.test(balance), `the second wallet shows: ${balance.trim()}`);

    // 4. Out to Dave's account on the relay chain.
    const daveBefore = await free(relay, dave.address);
    log(
      (
        await wallet('two', [
          'unshield', '--yes', '1.5', dave.address, '--to-reserve', '--asset', 'ROC', '--fee', '0.01', '--relayer-file', secret('//Charlie'),
        ])
      ).trim(),
    );
    const daveGot = (await until('Dave\'s ROC on the relay chain', () => free(relay, dave.address), (v) => v > daveBefore)) - daveBefore;
    const outFee = (3n * ROC) / 2n - daveGot;
    check(outFee > 0n && outFee < ROC / 100n, `the relay chain's execution fee is ${outFee}`);
    log(`//Dave received ${daveGot} ROC units on the relay chain (its execution fee: ${outFee})`);

    // 5. Conservation.
    const after = {
      relayIssuance: await relayIssuance(relay),
      sovereign: await free(relay, sovereign),
      paraIssuance: await paraIssuance(api),
    };
    check(after.relayIssuance === before.relayIssuance, `the relay token's issuance moved by ${after.relayIssuance - before.relayIssuance}`);
    const backing = after.sovereign - before.sovereign;
    const minted = after.paraIssuance - before.paraIssuance;
    check(backing === minted, `our sovereign account moved by ${backing} but zkSettle's ROC issuance by ${minted}`);
    check(minted === 10n * ROC - (3n * ROC) / 2n, `zkSettle's ROC issuance moved by ${minted}`);
    log(`conserved: relay issuance unchanged; sovereign +${backing} = zkSettle ROC issuance +${minted}`);
  } finally {
    remove();
    await relay.disconnect();
  }
}
