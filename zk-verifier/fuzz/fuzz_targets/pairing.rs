//! Scalar multiplication and the multi-pairing, against bls12_381.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zk_verifier::differential::pairing(data));
