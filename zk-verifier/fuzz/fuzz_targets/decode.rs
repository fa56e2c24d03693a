//! Hostile G1/G2 encodings, compressed and uncompressed, against bls12_381's checked decoders.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zk_verifier::differential::decode(data));
