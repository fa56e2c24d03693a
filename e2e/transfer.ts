// A balance transfer as a Polkadot.js apps user makes it:
//   1. blocks are produced (the head advances);
//   2. the chain presents itself as zkSettle (token ZKS, 12 decimals) and its metadata has our
//      pallets (so every extrinsic is readable in apps) and the CheckMetadataHash extension;
//   3. Alice signs a transfer to a fresh account, it is included, the fee is paid, and the
//      recipient's balance is exactly the amount sent; Alice paid the amount plus the fee.
import type { ApiPromise } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { mnemonicGenerate } from '@polkadot/util-crypto';
import { check, event, free, nextBlocks, succeed } from './lib/chain.js';

export async function transfer(api: ApiPromise, log: (line: string) => void): Promise<void> {
  const properties = await api.rpc.system.properties();
  const symbol = properties.tokenSymbol.unwrap()[0].toString();
  const decimals = properties.tokenDecimals.unwrap()[0].toNumber();
  check(symbol === 'ZKS' && decimals === 12, `token is ${symbol}/${decimals}, expected ZKS/12`);
  for (const pallet of ['balances', 'shieldedPool', 'settlement']) check(pallet in api.tx, `metadata has no ${pallet} calls`);
  check(api.registry.signedExtensions.includes('CheckMetadataHash'), 'CheckMetadataHash is not a transaction extension');

  const blocks = await nextBlocks(api, 2, 60_000);
  check(blocks.every((n, i) => i === 0 || n > blocks[i - 1]), `head did not advance: ${blocks}`);
  log(`blocks produced: #${blocks.join(', #')}`);

  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const alice = keyring.addFromUri('//Alice');
  const fresh = keyring.addFromMnemonic(mnemonicGenerate());
  const amount = 5n * 10n ** 12n; // 5 ZKS
  const before = await free(api, alice.address);
  const included = await succeed(api, api.tx.balances.transferKeepAlive(fresh.address, amount), alice);
  event(included, 'balances.Transfer');
  event(included, 'transactionPayment.TransactionFeePaid');
  check(included.fee > 0n, 'no fee was paid');
  check((await free(api, fresh.address, included.blockHash)) === amount, 'the recipient did not receive exactly the amount');
  const paid = before - (await free(api, alice.address, included.blockHash));
  check(paid === amount + included.fee, `sender paid ${paid}, expected ${amount + included.fee}`);
  log(`transfer in #${included.blockNumber}: recipient received ${amount}, fee ${included.fee}`);
}
