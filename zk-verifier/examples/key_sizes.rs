//! Print the sizes of the proving key's queries (the multi-exponentiations a proof costs).
fn main() {
	let pk = zk_verifier::prover::dev_proving_key().expect("setup");
	let p = pk.params();
	println!("h {} l {} a {} b_g1 {} b_g2 {}", p.h.len(), p.l.len(), p.a.len(), p.b_g1.len(), p.b_g2.len());
}
