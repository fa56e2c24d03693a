//! Interchain security modules: how an inbound message proves it was really dispatched on its
//! origin. The multisig ISMs check that a threshold of an origin's validators signed a
//! checkpoint covering the message, exactly as Hyperlane's `AbstractMultisigIsm` does, so that
//! signatures made by unmodified Hyperlane validators verify here.

pub mod metadata;
pub mod multisig;
