//! The shielded-transfer circuit: two notes in, two notes out.
//!
//! # Statement
//!
//! Public: `root`, `public_amount`, `ext_data_hash`, `asset`, nullifiers `nf_0, nf_1`, output
//! commitments `cm_0, cm_1` (in this order, see [`crate::public_inputs`]). The prover knows, for
//! each input `i`, a note `(v_i, a_i, owner_i, ρ_i)`, a spending key `(ask_i, nk_i)`, a leaf index `k_i`
//! and a path `π_i`; for each output `j` a note `(v'_j, a'_j, owner'_j, ρ'_j)`; such that
//!
//! 1. `owner_i = owner_key(ask_i, nk_i)` — the prover may spend the note;
//! 2. `cm_i = commit(v_i, a_i, owner_i, ρ_i)` and, **if `v_i ≠ 0`**, `π_i` authenticates `cm_i`
//!    at index `k_i < 2^32` under `root` in the 4-ary tree (a zero-value input is a dummy and needs no membership,
//!    so a transaction can spend one real note, or none when shielding);
//! 3. `nf_i = nullifier(nk_i, cm_i, k_i)`, and `nf_0 ≠ nf_1` (no note spent twice in one proof);
//! 4. `cm_j = commit(v'_j, a'_j, owner'_j, ρ'_j)` for the outputs;
//! 5. every value is below `2^64`, and `public_amount + 2^64` is below `2^65`, i.e.
//!    `public_amount ∈ [-2^64, 2^64)`: with at most four 64-bit values the balance equation
//!    below cannot wrap around the 255-bit field;
//! 6. `v_0 + v_1 + public_amount = v'_0 + v'_1` — value is conserved, the public amount entering
//!    (shield, `> 0`) or leaving (unshield, `< 0`; it includes the relayer fee);
//! 7. every note with a non-zero value is in `asset` (`(a - asset)·v = 0`);
//! 8. `ext_data_hash` is constrained (`ext_data_hash² = s`), so the proof commits to the
//!    recipient, relayer, fee and encrypted notes it hashes; a front-runner cannot swap them.
//!
//! About 12 400 constraints, almost all of them Poseidon (under 2^14, the prover's domain): see [`CONSTRAINTS`] and the test that
//! pins it.

mod gadgets;

use alloc::vec::Vec;
use bellman::{Circuit, ConstraintSystem, SynthesisError};
use bls12_381::Scalar;

use crate::{
	keys::SpendingKey,
	merkle::{self, Path, DEPTH, INDEX_BITS},
	note::Note,
	poseidon::gadget::{self as poseidon, Elt},
	public_inputs::{TransferPublicInputs, AMOUNT_BITS},
};
use gadgets::{alloc_bits, alloc_scalar, enforce_equal, enforce_zero_product};

pub use gadgets::merkle_root;

/// Number of constraints of [`TransferCircuit`] (checked by a test).
pub const CONSTRAINTS: usize = 12_381;

/// A note being spent, with what the prover needs to spend it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputNote {
	/// The note.
	pub note: Note,
	/// The spending key behind `note.owner`.
	pub spending_key: SpendingKey,
	/// Its leaf index (below `2^32`).
	pub index: u64,
	/// Its authentication path (siblings from the leaf up); ignored for a zero-value note.
	pub path: Path,
}

impl InputNote {
	/// The nullifier this input reveals.
	pub fn nullifier(&self) -> Scalar {
		self.note.nullifier(&self.spending_key.nk, self.index)
	}
}

/// Everything a transfer proof is made from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransferWitness {
	/// The two notes spent.
	pub inputs: [InputNote; 2],
	/// The two notes created.
	pub outputs: [Note; 2],
	/// The public statement.
	pub public: TransferPublicInputs,
}

impl TransferWitness {
	/// Assemble a witness, deriving nullifiers and commitments from the notes.
	pub fn new(
		inputs: [InputNote; 2],
		outputs: [Note; 2],
		root: Scalar,
		public_amount: Scalar,
		ext_data_hash: Scalar,
		asset: u64,
	) -> Self {
		let public = TransferPublicInputs {
			root,
			public_amount,
			ext_data_hash,
			asset: Scalar::from(asset),
			nullifiers: [inputs[0].nullifier(), inputs[1].nullifier()],
			commitments: [outputs[0].commitment(), outputs[1].commitment()],
		};
		TransferWitness { inputs, outputs, public }
	}
}

/// The transfer circuit. Without a witness it only shapes the constraint system (key generation).
#[derive(Clone, Debug, Default)]
pub struct TransferCircuit {
	/// The witness, when proving.
	pub witness: Option<TransferWitness>,
}

impl Circuit<Scalar> for TransferCircuit {
	fn synthesize<CS: ConstraintSystem<Scalar>>(self, cs: &mut CS) -> Result<(), SynthesisError> {
		let w = self.witness.as_ref();
		let public = w.map(|w| w.public);

		// Public inputs, in the order of `TransferPublicInputs::to_scalars`.
		let input = |cs: &mut CS, name: &'static str, f: fn(&TransferPublicInputs) -> Scalar| {
			let value = public.as_ref().map(f);
			let var = cs.alloc_input(|| name, || value.ok_or(SynthesisError::AssignmentMissing))?;
			Ok::<_, SynthesisError>(Elt::variable(var, value))
		};
		let root = input(cs, "root", |p| p.root)?;
		let public_amount = input(cs, "public amount", |p| p.public_amount)?;
		let ext_data_hash = input(cs, "ext data hash", |p| p.ext_data_hash)?;
		let asset = input(cs, "asset", |p| p.asset)?;
		let nullifiers = [input(cs, "nullifier 0", |p| p.nullifiers[0])?, input(cs, "nullifier 1", |p| p.nullifiers[1])?];
		let commitments =
			[input(cs, "commitment 0", |p| p.commitments[0])?, input(cs, "commitment 1", |p| p.commitments[1])?];
		let [nullifier_0, nullifier_1] = &nullifiers;

		// (8) Bind the external data: one constraint that involves the input.
		let square = alloc_scalar(cs, "ext data hash squared", ext_data_hash.value().map(|v| v.square()))?;
		cs.enforce(|| "ext data hash square", |_| ext_data_hash.lc(), |_| ext_data_hash.lc(), |_| square.lc());

		// (5) public_amount + 2^64 < 2^65.
		let offset = Scalar::from_raw([0, 1, 0, 0]);
		let shifted = public.map(|p| p.public_amount + offset);
		let (_, shifted_sum) = alloc_bits(&mut cs.namespace(|| "public amount range"), shifted, AMOUNT_BITS as usize + 1)?;
		enforce_equal(cs, "public amount range sum", &shifted_sum, &public_amount.add(&Elt::constant(offset)));

		let mut value_in = Elt::zero();
		for (i, nullifier_input) in nullifiers.iter().enumerate() {
			let mut cs = cs.namespace(|| alloc::format!("input {i}"));
			let spend = w.and_then(|w| w.inputs.get(i));
			let value = spend.map(|s| Scalar::from(s.note.value));
			let (_, value) = alloc_bits(&mut cs.namespace(|| "value"), value, AMOUNT_BITS as usize)?;
			let note_asset = alloc_scalar(&mut cs, "asset", spend.map(|s| Scalar::from(s.note.asset)))?;
			let blinding = alloc_scalar(&mut cs, "blinding", spend.map(|s| s.note.blinding))?;
			let ask = alloc_scalar(&mut cs, "spend authorizing key", spend.map(|s| s.spending_key.ask))?;
			let nk = alloc_scalar(&mut cs, "nullifier key", spend.map(|s| s.spending_key.nk))?;

			// (1), (2): the owner key comes from the spending key, inside the commitment.
			let owner = poseidon::owner_key(&mut cs.namespace(|| "owner key"), &ask, &nk)?;
			let commitment =
				poseidon::note_commitment(&mut cs.namespace(|| "commitment"), &value, &note_asset, &owner, &blinding)?;

			// (3) The nullifier, bound to the leaf index (whose bits also steer the path).
			let (index_bits, index) =
				alloc_bits(&mut cs.namespace(|| "index"), spend.map(|s| Scalar::from(s.index)), INDEX_BITS)?;
			let nullifier = poseidon::nullifier(&mut cs.namespace(|| "nullifier"), &nk, &commitment, &index)?;
			enforce_equal(&mut cs, "nullifier is public", &nullifier, nullifier_input);

			// (2) Membership, required only for a non-zero value.
			let path: Vec<Option<[Scalar; merkle::SIBLINGS]>> =
				(0..DEPTH).map(|level| spend.and_then(|s| s.path.get(level).copied())).collect();
			let computed_root = gadgets::merkle_root(&mut cs.namespace(|| "path"), &commitment, &index_bits, &path)?;
			enforce_zero_product(&mut cs, "root unless dummy", &computed_root.sub(&root), &value);

			// (7) Same asset as the transaction.
			enforce_zero_product(&mut cs, "asset unless dummy", &note_asset.sub(&asset), &value);
			value_in = value_in.add(&value);
		}

		// (3) Two different nullifiers: nf_0 - nf_1 has an inverse.
		{
			let difference = nullifier_0.sub(nullifier_1);
			let inverse = difference.value().map(|d| d.invert().unwrap_or(Scalar::zero()));
			let inverse = alloc_scalar(cs, "nullifier difference inverse", inverse)?;
			cs.enforce(|| "nullifiers differ", |_| difference.lc(), |_| inverse.lc(), |lc| lc + CS::one());
		}

		let mut value_out = Elt::zero();
		for (j, commitment_input) in commitments.iter().enumerate() {
			let mut cs = cs.namespace(|| alloc::format!("output {j}"));
			let note = w.and_then(|w| w.outputs.get(j));
			let (_, value) =
				alloc_bits(&mut cs.namespace(|| "value"), note.map(|n| Scalar::from(n.value)), AMOUNT_BITS as usize)?;
			let note_asset = alloc_scalar(&mut cs, "asset", note.map(|n| Scalar::from(n.asset)))?;
			let owner = alloc_scalar(&mut cs, "owner", note.map(|n| n.owner))?;
			let blinding = alloc_scalar(&mut cs, "blinding", note.map(|n| n.blinding))?;
			// (4)
			let commitment =
				poseidon::note_commitment(&mut cs.namespace(|| "commitment"), &value, &note_asset, &owner, &blinding)?;
			enforce_equal(&mut cs, "commitment is public", &commitment, commitment_input);
			// (7)
			enforce_zero_product(&mut cs, "asset unless zero", &note_asset.sub(&asset), &value);
			value_out = value_out.add(&value);
		}

		// (6) Conservation.
		enforce_equal(cs, "value is conserved", &value_in.add(&public_amount), &value_out);
		Ok(())
	}
}

#[cfg(test)]
mod tests;
