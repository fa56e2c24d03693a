// The shielded flow as wallet users run it, with real proofs made by our wallet CLI (`zksettle`,
// the workspace's wallet crate): the chain is observed independently through @polkadot/api.
//   1. Alice's wallet shields 100 ZKS paid by the dev account //Alice;
//   2. it sends 40 ZKS privately to Bob's shielded address (unsigned: no account linked);
//   3. Bob's wallet finds the note by trial decryption of the chain's events; a watch-only
//      wallet made from Bob's viewing key sees the same balance;
//   4. Bob unshields 30 ZKS to a brand-new account that never held anything;
//   5. totals are conserved: what the pool holds for the asset moved by exactly what went in,
//      out and to fees, and equals the wallets' shielded balances;
//   6. a double spend of Bob's unshield is refused and pays nothing: the same call with its proof
//      re-randomized (lib/groth16.ts) and a fresh work stamp (lib/stamp.ts), a different
//      transaction whose proof the runtime accepts on the state before the spend, so only the
//      pool's nullifier check stops a second payout.
// The wallet binary: see lib/wallet.ts.
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiPromise } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { hexToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { mnemonicGenerate } from '@polkadot/util-crypto';
import { check, finalizedAtBest, free, nextBlocks } from './lib/chain.js';
import { PROOF_SIZE, rerandomize } from './lib/groth16.js';
import { mint, seed } from './lib/stamp.js';
import { PARAMS, scratchWallets } from './lib/wallet.js';

const UNIT = 10n ** 12n;

async function totalShielded(api: ApiPromise): Promise<bigint> {
  return BigInt((await api.query.shieldedPool.totalShielded({ Native: null })).toString());
}

export async function shielded(api: ApiPromise, log: (line: string) => void, endpoint: string): Promise<void> {
  const { base, wallet, watch, secret, remove } = scratchWallets(endpoint);
  try {
    await wallet('alice', ['restore'], `${mnemonicGenerate(24)}\n`);
    await wallet('bob', ['restore'], `${mnemonicGenerate(24)}\n`);
    const bobAddress = (JSON.parse(await wallet('bob', ['address', '--json'])) as { address?: string }).address;
    check(bobAddress !== undefined, 'no shielded address for Bob');
    const fee = BigInt((api.consts.shieldedPool.minUnsignedFee as unknown as { toString(): string }).toString());
    const totalBefore = await totalShielded(api);

    // 1. Shield (the first proof also derives the dev proving parameters, cached for the rest).
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    const alicePublic = keyring.addFromUri('//Alice');
    const aliceBefore = await free(api, alicePublic.address);
    let started = Date.now();
    log((await wallet('alice', ['shield', '100', '--suri-file', secret('//Alice')])).trim());
    log(`  (${((Date.now() - started) / 1000).toFixed(1)} s, proving parameters included)`);
    copyFileSync(join(base, 'alice', PARAMS), join(base, 'bob', PARAMS));
    const aliceSpent = aliceBefore - (await free(api, alicePublic.address));
    check(aliceSpent > 100n * UNIT, `//Alice paid ${aliceSpent}, expected 100 ZKS plus a fee`);
    check((await totalShielded(api)) - totalBefore === 100n * UNIT, 'the pool did not take exactly 100 ZKS');

    // 2. Private transfer, which Bob's `zksettle watch` reports as it happens: pending as soon as
    // a best block holds it, then final. (On a development node the omni node's dev seal
    // finalizes each block as it makes it, so there the note is final at once.)
    const bobWatch = watch('bob');
    try {
      started = Date.now();
      log((await wallet('alice', ['send', '--yes', '40', bobAddress])).trim());
      log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      const isForty = (e: { direction: string; amount: string }) => e.direction === 'received' && BigInt(e.amount) === 40n * UNIT;
      const final = await bobWatch.until((e) => e.status === 'final' && isForty(e), 120_000);
      const pending = bobWatch.events.find((e) => e.status === 'pending' && isForty(e));
      const relayNetwork = !(await api.rpc.system.chainType()).isDevelopment;
      if (relayNetwork) {
        check(pending !== undefined, `Bob's watch reported the 40 ZKS only when final: ${JSON.stringify(bobWatch.events)}`);
      }
      check(pending === undefined || (pending.at <= final.at && pending.block === final.block), 'pending after final, or in another block');
      log(
        `  Bob's watch: ${pending ? `pending in #${pending.block} ${((pending.at - started) / 1000).toFixed(1)} s after the send began, ` : ''}` +
          `final ${((final.at - started) / 1000).toFixed(1)} s`,
      );
    } finally {
      bobWatch.stop();
    }

    // 3. Bob discovers the note; a watch-only wallet sees the same.
    const bobBalance = await wallet('bob', ['balance']);
    check(/shielded 40 ZKS in 1 note\(s\)/.test(bobBalance), `Bob's wallet shows: ${bobBalance.trim()}`);
    log(`Bob found his note: ${bobBalance.trim().split('\n').pop()}`);
    const viewingKey = (await wallet('bob', ['export-viewing-key'])).trim();
    await wallet('watch', ['import-viewing-key', viewingKey]);
    const watched = await wallet('watch', ['balance']);
    check(/shielded 40 ZKS in 1 note\(s\)/.test(watched), `the watch-only wallet shows: ${watched.trim()}`);

    // 4. Unshield to a fresh account.
    const fresh = keyring.addFromMnemonic(mnemonicGenerate());
    check((await free(api, fresh.address)) === 0n, 'the fresh account is not empty');
    const callFile = join(base, 'unshield.call');
    // The state before the spend, kept for step 6: a finalized block (a best block may be an
    // abandoned fork, whose state a collator discards).
    const beforeSpend = api.createType('BlockHash', await finalizedAtBest(api, 120_000));
    started = Date.now();
    log((await wallet('bob', ['unshield', '--yes', '30', fresh.address, '--save-call', callFile])).trim());
    log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    check((await free(api, fresh.address)) === 30n * UNIT, 'the fresh account did not receive exactly 30 ZKS');

    // 5. Conservation: the pool's total moved by 100 in, 30 out and two unsigned fees, and that
    //    is exactly what the two wallets hold.
    const moved = (await totalShielded(api)) - totalBefore;
    check(moved === 70n * UNIT - 2n * fee, `the pool's total moved by ${moved}`);
    type Balance = { shielded: { value: { amount: string; asset: { id: number | null } } }[] };
    const held = async (name: string): Promise<bigint> => {
      const out = JSON.parse(await wallet(name, ['balance', '--json'])) as Balance;
      return BigInt(out.shielded.find((s) => s.value.asset.id === null)?.value.amount ?? '0');
    };
    const [aliceHeld, bobHeld] = [await held('alice'), await held('bob')];
    check(aliceHeld === 60n * UNIT - fee && bobHeld === 10n * UNIT - fee, `wallets hold ${aliceHeld} and ${bobHeld}`);
    check(aliceHeld + bobHeld === moved, 'the wallets do not hold what the pool holds');
    check((await held('watch')) === bobHeld, 'the watch-only wallet did not follow the spend');
    log(`conserved: pool +${moved} = Alice ${aliceHeld} + Bob ${bobHeld}`);

    // 6. Double spend: the same unshield with a malleated (still valid) proof.
    const call = api.createType('Call', readFileSync(callFile, 'utf8').trim());
    check(call.section === 'shieldedPool' && call.method === 'transactUnsigned', `saved call is ${call.section}.${call.method}`);
    const tx = call.args[0].toJSON() as Record<string, unknown>;
    const malleated = { ...tx, proof: u8aToHex(rerandomize(hexToU8a(tx.proof as string))) };
    // New bytes need a new work stamp (it covers the whole transaction): minted here, as any
    // sender of an unsigned transaction can.
    const bits = (api.consts.shieldedPool.unsignedStampBits as unknown as { toNumber(): number }).toNumber();
    const encoded = api.createType(call.meta.args[0].type.toString(), malleated).toU8a();
    const stamp = mint(seed(encoded), bits);
    const doubleSpend = api.tx.shieldedPool.transactUnsigned(malleated, stamp);
    // The call is [pallet, call] ‖ proof (384 bytes, the transaction's first field) ‖ the rest ‖
    // stamp (u64): only the proof and the stamp differ.
    const [original, rebuilt] = [call.toU8a(), doubleSpend.method.toU8a()];
    const proofEnd = 2 + PROOF_SIZE;
    const stampAt = original.length - 8;
    check(u8aToHex(original.subarray(2, proofEnd)) === tx.proof, 'the proof is not where the call layout puts it');
    check(
      original.length === rebuilt.length &&
        original.every((b, i) => (i >= 2 && i < proofEnd) || i >= stampAt || b === rebuilt[i]),
      'the double spend differs from the unshield beyond its proof and stamp',
    );
    check(u8aToHex(rebuilt.subarray(2, proofEnd)) !== tx.proof, 'the re-randomized proof did not change');
    // On the state before the unshield the runtime accepts it, proof verification included: a
    // valid transaction, not just different bytes.
    // (A raw state_call: TransactionSource::External = 2, the extrinsic with its length prefix,
    // the block hash; the decorated runtime call would wrap the extrinsic in a second prefix.)
    const args = u8aConcat(Uint8Array.of(2), doubleSpend.toU8a(), beforeSpend.toU8a());
    const raw = await api.rpc.state.call('TaggedTransactionQueue_validate_transaction', u8aToHex(args), beforeSpend);
    const validity = api.createType('TransactionValidity', raw);
    check(validity.isOk, `before the spend, the re-randomized unshield is not valid: ${validity.toString()}`);
    log(`the re-randomized unshield is valid on the state before the spend (${beforeSpend.toHex().slice(0, 10)}…)`);
    let refused = '';
    try {
      await doubleSpend.send();
      await nextBlocks(api, 2, 60_000);
    } catch (error) {
      refused = error instanceof Error ? error.message : String(error);
    }
    // Pool code 2 is `NullifierAlreadySpent` (the pallet's `invalid` mapping).
    check(/Custom error: 2/.test(refused), `the double spend was not refused as spent: ${refused || 'accepted'}`);
    check((await free(api, fresh.address)) === 30n * UNIT, 'the double spend paid out again');
    check((await totalShielded(api)) - totalBefore === moved, 'the double spend changed the pool');
    log(`double spend with a re-randomized proof refused: ${refused}`);

    const history = await wallet('bob', ['history']);
    for (const kind of ['received', 'spent', 'unshield']) check(history.includes(kind), `Bob's history lacks ${kind}`);
  } finally {
    remove();
  }
}
