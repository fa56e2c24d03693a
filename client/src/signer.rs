//! sr25519 accounts from secret URIs (`//Alice`, a mnemonic with derivation paths), as
//! Polkadot.js and `subkey` derive them.

use crate::ClientError;

/// The sr25519 keypair of the secret URI `uri`.
pub fn sr25519(uri: &str) -> Result<subxt_signer::sr25519::Keypair, ClientError> {
	let uri: subxt_signer::SecretUri = uri.parse().map_err(|_| ClientError::BadEncoding("not a secret URI"))?;
	subxt_signer::sr25519::Keypair::from_uri(&uri).map_err(|_| ClientError::BadEncoding("not a secret URI"))
}

#[cfg(test)]
mod tests {
	/// //Alice, as every Substrate tool derives her.
	#[test]
	fn alice_is_alice() {
		let alice = super::sr25519("//Alice").unwrap();
		assert_eq!(alice.public_key().to_account_id().to_string(), "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
		assert!(super::sr25519("not a uri at all //").is_err());
	}
}
