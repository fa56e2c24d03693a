//! What the wallet's dev-node tests share: the dev mnemonics and a started node with a proving
//! key and a directory for wallets.
#![allow(dead_code)]

use zk_verifier::prover::ProvingKey;
use zksettle_wallet::{
	chain::Chain,
	devnode::{self, DevNode},
	keys::Keys,
	wallet::{proving_key, Wallet},
};

/// The mnemonic of the dev wallets' Alice.
pub const ALICE_WORDS: &str = "bottom drive obey lake curtain smoke basket hold race lonely fit walk";
/// The mnemonic of the dev wallets' Bob.
pub const BOB_WORDS: &str = "legal winner thank year wave sausage worth useful legal winner thank yellow";

/// A development node (the binary [`devnode::require`] finds), a directory for wallets and the
/// proving key.
pub struct Setup {
	pub node: DevNode,
	pub chain: Chain,
	pub dir: tempfile::TempDir,
	pub params: ProvingKey,
}

impl Setup {
	pub async fn start() -> Setup {
		let binary = devnode::require();
		let (node, chain) = DevNode::start(&binary).await.unwrap();
		let dir = tempfile::tempdir().unwrap();
		let params = proving_key(None, &dir.path().join("params")).unwrap();
		Setup { node, chain: chain.into(), dir, params }
	}

	/// A new wallet `name` from `words`, scanning from `birthday`.
	pub fn wallet(&self, name: &str, words: &str, birthday: u64) -> Wallet {
		Wallet::create(&self.dir.path().join(name), Keys::from_phrase(words).unwrap(), "pw", 10, birthday, Some(zksettle_wallet::keys::Network::Dev)).unwrap()
	}
}
