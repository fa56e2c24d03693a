// Smoke test of a running dev node, as a Polkadot.js apps user meets it:
//   1. blocks are produced (the head advances);
//   2. the chain presents itself as zkSettle (token ZKS, 12 decimals, ss58 42) and its metadata
//      has our pallets (so every extrinsic is readable in apps);
//   3. Alice signs a balance transfer to a fresh account (with the CheckMetadataHash extension
//      present, as apps sign), it is included, the fee is paid, and the recipient's balance is
//      exactly the amount sent.
//
// Usage: npx tsx smoke-dev.ts [ws://127.0.0.1:9944]
import '@polkadot/api-augment';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';

const endpoint = process.argv[2] ?? 'ws://127.0.0.1:9944';

function fail(message: string): never {
  throw new Error(`smoke test failed: ${message}`);
}

async function nextBlocks(api: ApiPromise, count: number, timeoutMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const seen: number[] = [];
    const timer = setTimeout(() => reject(new Error(`no ${count} new blocks within ${timeoutMs} ms (saw ${seen.length})`)), timeoutMs);
    api.rpc.chain
      .subscribeNewHeads((header) => {
        seen.push(header.number.toNumber());
        if (seen.length > count) {
          clearTimeout(timer);
          resolve(seen);
        }
      })
      .then((unsubscribe) => setTimeout(unsubscribe, timeoutMs + 1000))
      .catch(reject);
  });
}

async function main(): Promise<void> {
  await cryptoWaitReady();
  const api = await ApiPromise.create({ provider: new WsProvider(endpoint), noInitWarn: true });
  const started = Date.now();

  const [chain, properties] = await Promise.all([api.rpc.system.chain(), api.rpc.system.properties()]);
  console.log(`connected to ${chain.toString()} at ${endpoint}`);
  const symbol = properties.tokenSymbol.unwrap()[0].toString();
  const decimals = properties.tokenDecimals.unwrap()[0].toNumber();
  if (symbol !== 'ZKS' || decimals !== 12) fail(`token is ${symbol}/${decimals}, expected ZKS/12`);
  for (const pallet of ['balances', 'shieldedPool', 'settlement']) {
    if (!(pallet in api.tx)) fail(`metadata has no ${pallet} calls`);
  }
  if (!api.registry.signedExtensions.includes('CheckMetadataHash')) fail('CheckMetadataHash is not a transaction extension');

  const blocks = await nextBlocks(api, 2, 60_000);
  if (!blocks.every((n, i) => i === 0 || n > blocks[i - 1])) fail(`head did not advance: ${blocks}`);
  console.log(`blocks produced: #${blocks.join(', #')}`);

  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const alice = keyring.addFromUri('//Alice');
  const fresh = keyring.addFromMnemonic(mnemonicGenerate());
  const amount = 5n * 10n ** 12n; // 5 ZKS
  const before = (await api.query.system.account(alice.address)).data.free.toBigInt();

  // Submit, then find the extrinsic in new blocks and read its events there. (The status
  // subscription of author_submitAndWatchExtrinsic does not report InBlock under the dev node's
  // manual seal, so the test looks at the blocks themselves, as an explorer does.)
  const txHash = (await api.tx.balances.transferKeepAlive(fresh.address, amount).signAndSend(alice)).toHex();
  const result = await new Promise<{ blockHash: string; events: string[]; fee: bigint }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`transfer ${txHash} not included within 60 s`)), 60_000);
    api.rpc.chain
      .subscribeNewHeads(async (header) => {
        const blockHash = header.hash.toHex();
        const block = await api.rpc.chain.getBlock(blockHash);
        const index = block.block.extrinsics.findIndex((xt) => xt.hash.toHex() === txHash);
        if (index < 0) return;
        clearTimeout(timer);
        const records = await (await api.at(blockHash)).query.system.events();
        const mine = records.filter(({ phase }) => phase.isApplyExtrinsic && phase.asApplyExtrinsic.toNumber() === index);
        const events = mine.map(({ event }) => `${event.section}.${event.method}`);
        const feeEvent = mine.find(({ event }) => event.section === 'transactionPayment' && event.method === 'TransactionFeePaid');
        const fee = feeEvent ? BigInt(feeEvent.event.data[1].toString()) : 0n;
        resolve({ blockHash, events, fee });
      })
      .catch(reject);
  });
  console.log(`transfer included in ${result.blockHash}: ${result.events.join(' ')}`);
  for (const expected of ['balances.Transfer', 'transactionPayment.TransactionFeePaid', 'system.ExtrinsicSuccess']) {
    if (!result.events.includes(expected)) fail(`no ${expected} event`);
  }
  if (result.fee <= 0n) fail('no fee was paid');

  const received = (await api.query.system.account.at(result.blockHash, fresh.address)).data.free.toBigInt();
  if (received !== amount) fail(`recipient has ${received}, expected ${amount}`);
  const after = (await api.query.system.account.at(result.blockHash, alice.address)).data.free.toBigInt();
  if (before - after !== amount + result.fee) fail(`sender paid ${before - after}, expected ${amount + result.fee}`);

  console.log(`ok: recipient received ${amount} (fee ${result.fee}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await api.disconnect();
  process.exit(0);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
