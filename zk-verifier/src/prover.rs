//! Key generation with the `groth16` crate, proving with its computation and a faster
//! multi-exponentiation ([`prove`], on `blst`), and the bridge to this crate's verifier: keys and
//! proofs cross between the two only as bytes, in the `groth16` encodings, which is exactly what
//! the runtime receives.
//!
//! # Setup
//!
//! [`ProvingKey::generate`] runs the Groth16 setup from a 32-byte seed (ChaCha20). Anyone who
//! knows the seed knows the trapdoor `(τ, α, β, γ, δ)` and can forge proofs, so a seeded setup
//! is **for development networks only** ([`DEV_SETUP_SEED`] is public). A production network
//! needs keys from a multi-party ceremony (Powers of Tau plus a circuit-specific phase, as Zcash
//! Sapling did), installed through the pallet's governed key registry.

mod assignment;
mod msm;
mod prove;

use alloc::{sync::Arc, vec::Vec};
use bellman::{gadgets::test::TestConstraintSystem, Circuit, SynthesisError};
use bls12_381::{Bls12, Scalar};
use rand_chacha::{
	rand_core::{CryptoRng, Rng, SeedableRng},
	ChaCha20Rng,
};

use crate::{
	circuit::{TransferCircuit, TransferWitness},
	merkle::{root_from_path, CAPACITY},
	public_inputs::AMOUNT_BITS,
	Error, Proof, VerifyingKey,
};
use msm::MsmError;

/// The public seed of the development networks' setup. Never use keys from it with real value.
pub const DEV_SETUP_SEED: [u8; 32] = *b"zkSettle dev setup: INSECURE v2!";

/// Why a witness cannot make a valid proof. Checked natively before proving, so that a wallet
/// gets a precise reason instead of a proof the chain rejects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WitnessError {
	/// Input `input`'s leaf index is not below `2^32`.
	IndexOutOfRange {
		/// Which input.
		input: usize,
	},
	/// Input `input` has a non-zero value but its path does not lead to the root (a stale root or
	/// a wrong path).
	NotInTree {
		/// Which input.
		input: usize,
	},
	/// Input `input`'s note is not addressed to the owner key of its spending key.
	NotOwner {
		/// Which input.
		input: usize,
	},
	/// Inputs plus the public amount do not equal the outputs.
	ValueNotConserved,
	/// The public amount is outside `[-2^64, 2^64)`.
	PublicAmountOutOfRange,
	/// A note with a non-zero value is not in the transaction's asset.
	AssetMismatch,
	/// Both inputs have the same nullifier.
	DuplicateNullifier,
	/// The public nullifiers or commitments are not those of the notes.
	PublicInputsMismatch,
}

/// Errors of the prover.
#[derive(Debug)]
pub enum ProverError {
	/// The witness does not satisfy the statement.
	Witness(WitnessError),
	/// `bellman` failed to synthesise or prove.
	Synthesis(SynthesisError),
	/// Bytes produced by `groth16` were rejected by this crate's decoder (a bug if it happens).
	Encoding(Error),
	/// Reading or writing key bytes failed.
	Io(std::io::Error),
	/// The operating system's randomness is unavailable.
	Randomness,
	/// The development setup failed (it is deterministic, so it fails every time it is tried).
	DevSetup,
	/// The proving key is not the transfer circuit's (its queries have other sizes).
	KeyMismatch,
	/// A multi-exponentiation could not run (a bug if it happens: the key's points were checked).
	Msm(MsmError),
}

impl core::fmt::Display for ProverError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			ProverError::Witness(e) => write!(f, "invalid transaction: {e:?}"),
			ProverError::Synthesis(e) => write!(f, "proving failed: {e}"),
			ProverError::Encoding(e) => write!(f, "encoding failed: {e}"),
			ProverError::Io(e) => write!(f, "key i/o failed: {e}"),
			ProverError::Randomness => write!(f, "no operating-system randomness"),
			ProverError::DevSetup => write!(f, "the development setup failed"),
			ProverError::KeyMismatch => write!(f, "the proving key is not the transfer circuit's"),
			ProverError::Msm(e) => write!(f, "multi-exponentiation failed: {e}"),
		}
	}
}

impl std::error::Error for ProverError {}

impl From<SynthesisError> for ProverError {
	fn from(e: SynthesisError) -> Self {
		ProverError::Synthesis(e)
	}
}

impl From<MsmError> for ProverError {
	fn from(e: MsmError) -> Self {
		ProverError::Msm(e)
	}
}

impl From<WitnessError> for ProverError {
	fn from(e: WitnessError) -> Self {
		ProverError::Witness(e)
	}
}

/// The Groth16 parameters of the transfer circuit, and their queries in the form the fast
/// multi-exponentiation reads (converted once, here).
#[derive(Clone)]
pub struct ProvingKey {
	params: groth16::Parameters<Bls12>,
	bases: Arc<prove::Bases>,
}

impl ProvingKey {
	/// Run the setup from a seed (deterministic; see the module docs on why this is for
	/// development only).
	pub fn generate(seed: [u8; 32]) -> Result<Self, ProverError> {
		let mut rng = ChaCha20Rng::from_seed(seed);
		Self::generate_with_rng(&mut rng)
	}

	/// Run the setup with the given randomness.
	pub fn generate_with_rng<R: Rng + CryptoRng>(rng: &mut R) -> Result<Self, ProverError> {
		let params = groth16::generate_random_parameters::<Bls12, _, _>(TransferCircuit::default(), rng)?;
		Self::from_params(params)
	}

	/// Wrap `groth16` parameters.
	pub fn from_params(params: groth16::Parameters<Bls12>) -> Result<Self, ProverError> {
		let bases = Arc::new(prove::Bases::new(&params)?);
		Ok(ProvingKey { params, bases })
	}

	/// Serialise (the `groth16::Parameters::write` format).
	pub fn write<W: std::io::Write>(&self, writer: W) -> Result<(), ProverError> {
		self.params.write(writer).map_err(ProverError::Io)
	}

	/// Deserialise, checking every point.
	pub fn read<R: std::io::Read>(reader: R) -> Result<Self, ProverError> {
		let params = groth16::Parameters::read(reader, true).map_err(ProverError::Io)?;
		Self::from_params(params)
	}

	/// The `groth16` parameters.
	pub fn params(&self) -> &groth16::Parameters<Bls12> {
		&self.params
	}

	/// The verifying key in the `groth16::VerifyingKey::write` encoding: what governance installs
	/// on-chain.
	pub fn verifying_key_bytes(&self) -> Vec<u8> {
		let mut out = Vec::new();
		// Writing into a `Vec` cannot fail.
		let _ = self.params.vk.write(&mut out);
		out
	}

	/// The verifying key, decoded by this crate's (runtime) decoder.
	pub fn verifying_key(&self) -> Result<VerifyingKey, ProverError> {
		VerifyingKey::from_bytes(&self.verifying_key_bytes()).map_err(ProverError::Encoding)
	}

	/// Prove a transfer, with fresh randomness from the operating system (proofs must be
	/// randomised to be zero-knowledge).
	pub fn prove(&self, witness: &TransferWitness) -> Result<Proof, ProverError> {
		let mut rng =
			ChaCha20Rng::try_from_rng(&mut rand::rngs::SysRng).map_err(|_| ProverError::Randomness)?;
		self.prove_with_rng(witness, &mut rng)
	}

	/// Prove a transfer with the given randomness, after checking the witness natively.
	pub fn prove_with_rng<R: Rng + CryptoRng>(&self, witness: &TransferWitness, rng: &mut R) -> Result<Proof, ProverError> {
		check_witness(witness)?;
		let (r, s) = prove::randomisers(rng);
		let circuit = TransferCircuit { witness: Some(witness.clone()) };
		Self::encode(&prove::create_proof(circuit, &self.params, &self.bases, r, s)?)
	}

	/// [`ProvingKey::prove_with_rng`] by the `groth16` crate's prover alone (`bellman`'s
	/// multi-exponentiation): the reference the fast prover is checked and measured against.
	/// The same randomness gives the same proof.
	pub fn prove_reference_with_rng<R: Rng + CryptoRng>(
		&self,
		witness: &TransferWitness,
		rng: &mut R,
	) -> Result<Proof, ProverError> {
		check_witness(witness)?;
		let proof = groth16::create_random_proof(TransferCircuit { witness: Some(witness.clone()) }, &self.params, rng)?;
		Self::encode(&proof)
	}

	/// A `groth16` proof in its encoding, decoded by this crate's (runtime) decoder.
	fn encode(proof: &groth16::Proof<Bls12>) -> Result<Proof, ProverError> {
		let mut bytes = Vec::with_capacity(crate::PROOF_SIZE);
		proof.write(&mut bytes).map_err(ProverError::Io)?;
		Proof::from_bytes(&bytes).map_err(ProverError::Encoding)
	}
}

/// Check natively everything the circuit enforces.
pub fn check_witness(w: &TransferWitness) -> Result<(), WitnessError> {
	let mut value_in: i128 = 0;
	for (i, input) in w.inputs.iter().enumerate() {
		if input.index >= CAPACITY {
			return Err(WitnessError::IndexOutOfRange { input: i });
		}
		if input.note.owner != input.spending_key.owner() {
			return Err(WitnessError::NotOwner { input: i });
		}
		if input.note.value != 0 {
			if root_from_path(&input.note.commitment(), input.index, &input.path) != w.public.root {
				return Err(WitnessError::NotInTree { input: i });
			}
			if Scalar::from(input.note.asset) != w.public.asset {
				return Err(WitnessError::AssetMismatch);
			}
		}
		value_in += i128::from(input.note.value);
	}
	let mut value_out: i128 = 0;
	for output in &w.outputs {
		if output.value != 0 && Scalar::from(output.asset) != w.public.asset {
			return Err(WitnessError::AssetMismatch);
		}
		value_out += i128::from(output.value);
	}
	// The public amount as a signed integer: it must be v or r - v for v < 2^64.
	let bound = Scalar::from_raw([0, 1, 0, 0]);
	let shifted = w.public.public_amount + bound;
	// `shifted < 2^65`: it fits the low 16 bytes, and as an integer it is below 2^65.
	let bytes = shifted.to_bytes();
	let (low, high) = bytes.split_at(16);
	let shifted = u128::from_le_bytes(low.try_into().unwrap_or([0xff; 16]));
	if high.iter().any(|b| *b != 0) || shifted >> (AMOUNT_BITS + 1) != 0 {
		return Err(WitnessError::PublicAmountOutOfRange);
	}
	let public_amount = shifted as i128 - (1i128 << AMOUNT_BITS);
	if value_in + public_amount != value_out {
		return Err(WitnessError::ValueNotConserved);
	}
	let [first, second] = &w.inputs;
	let nullifiers = [first.nullifier(), second.nullifier()];
	if nullifiers[0] == nullifiers[1] {
		return Err(WitnessError::DuplicateNullifier);
	}
	if nullifiers != w.public.nullifiers || w.outputs.map(|note| note.commitment()) != w.public.commitments {
		return Err(WitnessError::PublicInputsMismatch);
	}
	Ok(())
}

/// Synthesise the circuit on a witness and report whether every constraint holds. Slow (it
/// records every constraint by name); for tests and diagnostics.
pub fn is_satisfied(witness: &TransferWitness) -> Result<bool, SynthesisError> {
	let mut cs = TestConstraintSystem::<Scalar>::new();
	TransferCircuit { witness: Some(witness.clone()) }.synthesize(&mut cs)?;
	Ok(cs.is_satisfied())
}

/// Number of constraints of the transfer circuit, counted by synthesising its shape (no
/// witness needed).
pub fn constraint_count() -> Result<usize, SynthesisError> {
	let mut counter = ShapeCounter::default();
	TransferCircuit::default().synthesize(&mut counter)?;
	Ok(counter.constraints)
}

/// A constraint system that only counts, and never asks for values.
#[derive(Default)]
struct ShapeCounter {
	inputs: usize,
	aux: usize,
	constraints: usize,
}

impl bellman::ConstraintSystem<Scalar> for ShapeCounter {
	type Root = Self;

	fn alloc<F, A, AR>(&mut self, _: A, _: F) -> Result<bellman::Variable, SynthesisError>
	where
		F: FnOnce() -> Result<Scalar, SynthesisError>,
		A: FnOnce() -> AR,
		AR: Into<alloc::string::String>,
	{
		self.aux += 1;
		Ok(bellman::Variable::new_unchecked(bellman::Index::Aux(self.aux - 1)))
	}

	fn alloc_input<F, A, AR>(&mut self, _: A, _: F) -> Result<bellman::Variable, SynthesisError>
	where
		F: FnOnce() -> Result<Scalar, SynthesisError>,
		A: FnOnce() -> AR,
		AR: Into<alloc::string::String>,
	{
		self.inputs += 1;
		Ok(bellman::Variable::new_unchecked(bellman::Index::Input(self.inputs)))
	}

	fn enforce<A, AR, LA, LB, LC>(&mut self, _: A, _: LA, _: LB, _: LC)
	where
		A: FnOnce() -> AR,
		AR: Into<alloc::string::String>,
		LA: FnOnce(bellman::LinearCombination<Scalar>) -> bellman::LinearCombination<Scalar>,
		LB: FnOnce(bellman::LinearCombination<Scalar>) -> bellman::LinearCombination<Scalar>,
		LC: FnOnce(bellman::LinearCombination<Scalar>) -> bellman::LinearCombination<Scalar>,
	{
		self.constraints += 1;
	}

	fn push_namespace<NR, N>(&mut self, _: N)
	where
		NR: Into<alloc::string::String>,
		N: FnOnce() -> NR,
	{
	}

	fn pop_namespace(&mut self) {}

	fn get_root(&mut self) -> &mut Self::Root {
		self
	}
}

/// A note the prover can spend: the note, its spending key and its leaf index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpendableNote {
	/// The note.
	pub note: crate::note::Note,
	/// The spending key behind `note.owner`.
	pub spending_key: crate::keys::SpendingKey,
	/// Its leaf index in the note tree.
	pub index: u64,
}

/// Assemble the witness of a transaction spending up to two notes of `tree` (the rest padded
/// with fresh zero-value dummies) into two outputs, with public amount `ext_amount - fee` and the
/// given external-data hash. The tree must be the chain's tree at the root the proof will use.
#[allow(clippy::too_many_arguments)]
pub fn build_witness<R: Rng + CryptoRng>(
	tree: &crate::merkle::MerkleTree,
	spends: &[SpendableNote],
	outputs: [crate::note::Note; 2],
	asset: u64,
	ext_amount: i128,
	fee: u128,
	ext_data_hash: Scalar,
	rng: &mut R,
) -> Result<TransferWitness, ProverError> {
	let mut with_paths = Vec::with_capacity(spends.len());
	for (i, spend) in spends.iter().enumerate() {
		with_paths.push((*spend, tree.path(spend.index).ok_or(WitnessError::NotInTree { input: i })?));
	}
	build_witness_with_paths(tree.root(), &with_paths, outputs, asset, ext_amount, fee, ext_data_hash, rng)
}

/// [`build_witness`] for a wallet that holds no tree: each spent note comes with its
/// authentication path to `root` (as the chain's `merkle_path` runtime API serves them).
#[allow(clippy::too_many_arguments)]
pub fn build_witness_with_paths<R: Rng + CryptoRng>(
	root: Scalar,
	spends: &[(SpendableNote, crate::merkle::Path)],
	outputs: [crate::note::Note; 2],
	asset: u64,
	ext_amount: i128,
	fee: u128,
	ext_data_hash: Scalar,
	rng: &mut R,
) -> Result<TransferWitness, ProverError> {
	use crate::{
		circuit::InputNote,
		merkle::{DEPTH, SIBLINGS},
		note::Note,
	};
	use ff::Field;

	if spends.len() > 2 {
		return Err(ProverError::Witness(WitnessError::ValueNotConserved));
	}
	let mut inputs: Vec<InputNote> = spends
		.iter()
		.map(|(spend, path)| InputNote { note: spend.note, spending_key: spend.spending_key, index: spend.index, path: *path })
		.collect();
	while inputs.len() < 2 {
		let spending_key = crate::keys::SpendingKey::random(&mut *rng);
		let note = Note { value: 0, asset, owner: spending_key.owner(), blinding: Scalar::random(&mut *rng) };
		inputs.push(InputNote { note, spending_key, index: 0, path: [[Scalar::zero(); SIBLINGS]; DEPTH] });
	}
	let public_amount =
		crate::public_inputs::public_amount(ext_amount, fee).ok_or(WitnessError::PublicAmountOutOfRange)?;
	let [first, second]: [InputNote; 2] =
		inputs.try_into().map_err(|_| ProverError::Witness(WitnessError::ValueNotConserved))?;
	let witness = TransferWitness::new([first, second], outputs, root, public_amount, ext_data_hash, asset);
	check_witness(&witness)?;
	Ok(witness)
}

/// The development proving key ([`DEV_SETUP_SEED`]), generated on first use and kept for the
/// life of the process (tests and development wallets share it).
/// Concurrent first callers wait for one generation instead of each running the setup.
pub fn dev_proving_key() -> Result<&'static ProvingKey, ProverError> {
	static KEY: std::sync::OnceLock<Option<ProvingKey>> = std::sync::OnceLock::new();
	KEY.get_or_init(|| ProvingKey::generate(DEV_SETUP_SEED).ok()).as_ref().ok_or(ProverError::DevSetup)
}
