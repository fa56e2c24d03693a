// Settlement end to end, as a user, a solver, Hyperlane validators and a relayer meet it:
//   1. Alice opens an order under security level 1 (message-id multisig, 2 of 3 dev validators),
//      paying the quoted fee; her input is held.
//   2. Bob, a solver, fills it (the order is to this same chain, so one chain plays origin and
//      destination): the output reaches a fresh recipient and a fill message is dispatched.
//   3. Two dev validators sign the checkpoint of that message exactly as Hyperlane validators do
//      (EIP-191 over the checkpoint digest, with ethers, independently of the pallet's code);
//      Dave relays it with `process`. The order settles: Bob receives the held input.
//   4. A replay of the same message fails with `AlreadyDelivered`.
//   5. A second order, never filled, cannot be refunded early; after its deadline anyone refunds it
//      on its destination (no fill can follow), and the refund message, signed and relayed like
//      a fill, returns Alice's input. `force_refund` is governance's alone.
//   6. A validator (a fresh ethers key) announces where its checkpoints are, signed with ethers
//      as Hyperlane validators sign `announcement.json`; Dave submits it and the runtime API lists
//      it. The same announcement again, and one signed by another key, are refused.
import type { ApiPromise } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { mnemonicGenerate } from '@polkadot/util-crypto';
import { Signature, Wallet, getBytes } from 'ethers';
import { chainTime, check, event, free, reserved, submit, succeed, waitForChainTime } from './lib/chain.js';
import { VERSION, announcementDigest, attest, decodeFill, decodeMessage, devValidators, messageId } from './lib/hyperlane.js';

const ZKS = 10n ** 12n;
/** Security level 1 of the presets: message-id multisig, 2 of the first 3 dev validators. */
const FAST = 1;

// Fields of events and runtime-API results, as @polkadot/api decodes them from metadata.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

export async function settlement(api: ApiPromise, log: (line: string) => void): Promise<void> {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const [alice, bob, dave] = ['//Alice', '//Bob', '//Dave'].map((uri) => keyring.addFromUri(uri));
  const recipient = keyring.addFromMnemonic(mnemonicGenerate());
  const call = api.call as Any;

  const domain = (await api.query.settlement.localDomain() as Any).toNumber() as number;
  const hook = (await call.settlementApi.mailboxAddress()).toU8a() as Uint8Array;
  const settler = (await call.settlementApi.settlerAddress()).toU8a() as Uint8Array;
  log(`domain ${domain}, merkle tree hook ${u8aToHex(hook)}, settler ${u8aToHex(settler)}`);

  // The validators of level 1 are the Anvil accounts our keys belong to, in this order.
  const validators = devValidators();
  const ism = ((await api.query.settlement.isms(FAST)) as Any).unwrap();
  check(ism.isMessageIdMultisig, `ISM ${FAST} is ${ism.type}, expected MessageIdMultisig`);
  const set = ism.asMessageIdMultisig;
  const onChain = set.validators.map((v: Any) => v.toHex().toLowerCase());
  check(
    JSON.stringify(onChain) === JSON.stringify(validators.map((w) => w.address.toLowerCase())),
    `ISM ${FAST} validators ${onChain} are not the dev validators`,
  );
  const threshold = set.threshold.toNumber() as number;
  check(threshold === 2, `ISM ${FAST} threshold ${threshold}, expected 2`);

  // 1. Open.
  const quote = (await call.settlementApi.quote(FAST, domain)).unwrap().toBigInt() as bigint;
  const input = 10n * ZKS;
  const output = 9n * ZKS;
  const deadline = (await chainTime(api)) + 600;
  const heldBefore = await reserved(api, alice.address);
  const opened = await succeed(
    api,
    api.tx.settlement.openOrder(input, domain, settler, output, recipient.publicKey, deadline, FAST, quote),
    alice,
  );
  const openedEvent = event(opened, 'settlement.OrderOpened').data as Any;
  const orderId = openedEvent.orderId.toHex() as string;
  check(openedEvent.fee.toBigInt() === quote, `fee ${openedEvent.fee} differs from the quote ${quote}`);
  check((await reserved(api, alice.address, opened.blockHash)) - heldBefore === input, 'the input is not held');
  log(`order ${orderId} opened in #${opened.blockNumber}, fee ${quote}, input ${input} held`);

  // 2. Fill.
  const filled = await succeed(api, api.tx.settlement.fillOrder(openedEvent.order, bob.publicKey), bob);
  check((await free(api, recipient.address, filled.blockHash)) === output, 'the recipient did not receive the output');
  const dispatched = event(filled, 'settlement.Dispatched').data as Any;
  const { message, metadata, checkpoint } = await attest(dispatched, domain, hook, validators.slice(0, threshold));
  const id = dispatched.id.toHex() as string;
  check(messageId(message) === id, `keccak(message) ${messageId(message)} is not the event's id ${id}`);
  const decoded = decodeMessage(message);
  check(decoded.version === VERSION && decoded.origin === domain && decoded.destination === domain, 'message header');
  check(u8aToHex(decoded.recipient) === u8aToHex(settler), 'the fill message is not for the settler');
  check(decodeFill(decoded.body).orderId === orderId, 'the fill message names another order');
  log(`filled in #${filled.blockNumber}: output ${output} delivered, fill message ${id} at leaf ${dispatched.leafIndex}`);

  // 3. Validators sign the checkpoint at the message's leaf (above); a relayer delivers it.
  const latest = (await call.settlementApi.latestCheckpoint()).unwrap();
  check(u8aToHex(latest[0].toU8a()) === dispatched.root.toHex() && latest[1].toNumber() === checkpoint.index, 'latest_checkpoint');
  const bobBefore = await free(api, bob.address);
  const processed = await succeed(api, api.tx.settlement.process(u8aToHex(metadata), u8aToHex(message)), dave);
  event(processed, 'settlement.Processed');
  const settled = event(processed, 'settlement.OrderSettled').data as Any;
  check(settled.orderId.toHex() === orderId && settled.amount.toBigInt() === input, 'OrderSettled');
  check((await free(api, bob.address, processed.blockHash)) - bobBefore === input, 'the solver did not receive the input');
  check((await reserved(api, alice.address, processed.blockHash)) === heldBefore, 'the input is still held');
  const outcome = await call.settlementApi.orderOutcome(orderId);
  check(outcome.isSome && outcome.unwrap().isSettled, `order outcome ${outcome}`);
  log(`processed in #${processed.blockNumber} with ${threshold} validator signatures: settled, solver paid ${input}`);

  // 4. Replay.
  const replay = await submit(api, api.tx.settlement.process(u8aToHex(metadata), u8aToHex(message)), dave);
  check(replay.error === 'settlement.AlreadyDelivered', `replay gave ${replay.error ?? 'success'}`);
  log(`replay rejected: ${replay.error}`);

  // 5. An order nobody fills is refunded on its destination after its deadline: the refund
  //    message, signed and relayed like a fill, returns the input on the origin.
  //    The deadline leaves room for inclusion: on the relay-chain network a parachain block can
  //    take over 12 s when the machine is busy (a run failed with DeadlineInPast at +12 s).
  const shortDeadline = (await chainTime(api)) + 36;
  const second = await succeed(
    api,
    api.tx.settlement.openOrder(input, domain, settler, output, recipient.publicKey, shortDeadline, FAST, quote),
    alice,
  );
  const secondOrder = (event(second, 'settlement.OrderOpened').data as Any).order;
  const secondId = (event(second, 'settlement.OrderOpened').data as Any).orderId.toHex() as string;
  const early = await submit(api, api.tx.settlement.refundOrder(secondOrder), dave);
  check(early.error === 'settlement.RefundTooEarly', `early refund gave ${early.error ?? 'success'}`);
  const forced = await submit(api, api.tx.settlement.forceRefund(secondId), dave);
  check(forced.error === 'BadOrigin', `force_refund by a user gave ${forced.error ?? 'success'}`);
  await waitForChainTime(api, shortDeadline + 1);
  const refundedHere = await succeed(api, api.tx.settlement.refundOrder(secondOrder), dave);
  event(refundedHere, 'settlement.OrderRefundDispatched');
  const lateFill = await submit(api, api.tx.settlement.fillOrder(secondOrder, bob.publicKey), bob);
  check(lateFill.error === 'settlement.AlreadyRefunded', `a fill after the refund gave ${lateFill.error ?? 'success'}`);
  const refund = await attest(event(refundedHere, 'settlement.Dispatched').data, domain, hook, validators.slice(0, threshold));
  const refundBody = decodeMessage(refund.message).body;
  check(refundBody.length === 33 && refundBody[0] === 2 && u8aToHex(refundBody.slice(1)) === secondId, 'refund message body');
  const refunded = await succeed(api, api.tx.settlement.process(u8aToHex(refund.metadata), u8aToHex(refund.message)), dave);
  const refundEvent = event(refunded, 'settlement.OrderRefunded').data as Any;
  check(refundEvent.amount.toBigInt() === input, 'refunded amount');
  check((await reserved(api, alice.address, refunded.blockHash)) === heldBefore, 'the refunded input is still held');
  const secondOutcome = await call.settlementApi.orderOutcome(secondId);
  check(secondOutcome.isSome && secondOutcome.unwrap().isRefundAttested, `order outcome ${secondOutcome}`);
  log(
    `order ${secondId} refunded on the destination in #${refundedHere.blockNumber} (deadline ${shortDeadline}), ` +
      `attested refund processed in #${refunded.blockNumber}`,
  );

  // 6. A validator announces its storage location on-chain (Hyperlane's ValidatorAnnounce).
  const freshKey = (): Wallet => new Wallet(Wallet.createRandom().privateKey);
  const validator = freshKey();
  const location = `s3://zksettle-e2e/eu-west-1/${validator.address.toLowerCase()}`;
  const announcement = async (signer: Wallet): Promise<string> =>
    Signature.from(await signer.signMessage(getBytes(announcementDigest(domain, hook, location)))).serialized;
  const announced = await succeed(
    api,
    api.tx.settlement.announce(validator.address, location, await announcement(validator)),
    dave,
  );
  const announcedEvent = event(announced, 'settlement.ValidatorAnnounced').data as Any;
  check(announcedEvent.validator.toHex() === validator.address.toLowerCase(), 'ValidatorAnnounced names another validator');
  const listed = (await call.settlementApi.announcedStorageLocations([validator.address])) as Any;
  const lastLocation = listed[0][listed[0].length - 1];
  check(listed.length === 1 && new TextDecoder().decode(lastLocation.toU8a(true)) === location, `announced locations ${listed}`);
  const again = await submit(api, api.tx.settlement.announce(validator.address, location, await announcement(validator)), dave);
  check(again.error === 'settlement.AlreadyAnnounced', `a replayed announcement gave ${again.error ?? 'success'}`);
  const forged = await submit(
    api,
    api.tx.settlement.announce(validator.address, `${location}/forged`, await announcement(freshKey())),
    dave,
  );
  check(forged.error === 'settlement.NotSignedByValidator', `a forged announcement gave ${forged.error ?? 'success'}`);
  log(`validator ${validator.address} announced ${location} in #${announced.blockNumber}; replay and forgery refused`);
}
