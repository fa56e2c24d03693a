//! The base field on representatives at its range bounds, against num-bigint.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zk_verifier::differential::fp(data));
