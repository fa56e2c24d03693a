//! Aggregation ISM metadata (`AggregationIsmMetadata.sol`).
//!
//! For each of the `n` sub-ISMs, in the aggregation's order, 8 bytes at `[8i, 8i + 8)`:
//! `start u32 ‖ end u32` (big-endian). Sub-metadata `i` is `metadata[start..end]`, offsets
//! counted from byte 0 of the whole metadata. `start == 0` means "no metadata for ISM `i`": it is
//! not tried. Every sub-ISM with metadata must verify, and their number must equal the threshold
//! exactly (`AbstractAggregationIsm.verify`: more underflows, fewer fails `!threshold`).

#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used))]

/// Why aggregation metadata was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggregationError {
	/// The offset table does not cover every sub-ISM.
	TableTooShort,
	/// A range ends before it starts or beyond the metadata.
	RangeOutOfBounds,
}

/// The metadata of sub-ISM `index`, `None` if the relayer left it out.
pub fn metadata_at(metadata: &[u8], index: usize) -> Result<Option<&[u8]>, AggregationError> {
	let at = index.checked_mul(8).ok_or(AggregationError::TableTooShort)?;
	let entry = metadata.get(at..at.saturating_add(8)).ok_or(AggregationError::TableTooShort)?;
	let (start, end) = entry.split_at(4);
	let word = |bytes: &[u8]| -> Result<usize, AggregationError> {
		let bytes: [u8; 4] = bytes.try_into().map_err(|_| AggregationError::TableTooShort)?;
		usize::try_from(u32::from_be_bytes(bytes)).map_err(|_| AggregationError::RangeOutOfBounds)
	};
	let (start, end) = (word(start)?, word(end)?);
	if start == 0 {
		return Ok(None);
	}
	metadata.get(start..end).map(Some).ok_or(AggregationError::RangeOutOfBounds)
}

/// Build aggregation metadata from per-ISM parts (`None`: not provided), as a relayer does.
pub fn encode(parts: &[Option<&[u8]>]) -> alloc::vec::Vec<u8> {
	let mut table = alloc::vec::Vec::with_capacity(parts.len().saturating_mul(8));
	let mut body = alloc::vec::Vec::new();
	let header = parts.len().saturating_mul(8);
	for part in parts {
		match part {
			Some(bytes) => {
				let start = header.saturating_add(body.len());
				body.extend_from_slice(bytes);
				let end = header.saturating_add(body.len());
				table.extend_from_slice(&u32::try_from(start).unwrap_or(u32::MAX).to_be_bytes());
				table.extend_from_slice(&u32::try_from(end).unwrap_or(u32::MAX).to_be_bytes());
			},
			None => table.extend_from_slice(&[0u8; 8]),
		}
	}
	table.extend_from_slice(&body);
	table
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::test_vectors::hex;

	/// Sub-metadata of the relayer's aggregation tests (`rust/main/agents/relayer/src/msg/
	/// metadata/aggregation.rs`).
	const M0: &str = "290decd9548b62a8d60345a988386fc84ba6bc95484008f6362f93160ef3e563";
	const M1: &str = "510e4e770828ddbf7f7b00ab00a9f6adaf81c0dc9cc85f1f8249c256942d61d9";
	const M2: &str = "356e5a2cc1eba076e650ac7473fccc37952b46bc2e419a200cec0c451dce2336";
	const M4: &str = "f2e59013a0a379837166b59f871b20a8a0d101d1c355ea85d35329360e69c000";

	#[test]
	fn relayer_vectors() {
		let (m0, m1, m2, m4) = (hex(M0), hex(M1), hex(M2), hex(M4));
		let three = encode(&[Some(&m0), Some(&m1), Some(&m2)]);
		assert_eq!(three, hex(&(alloc::format!("000000180000003800000038000000580000005800000078{M0}{M1}{M2}"))));
		let five = encode(&[Some(&m0), Some(&m1), Some(&m2), None, Some(&m4)]);
		assert_eq!(
			five,
			hex(&alloc::format!(
				"000000280000004800000048000000680000006800000088000000000000000000000088000000a8{M0}{M1}{M2}{M4}"
			))
		);
		assert_eq!(metadata_at(&five, 0), Ok(Some(&m0[..])));
		assert_eq!(metadata_at(&five, 3), Ok(None));
		assert_eq!(metadata_at(&five, 4), Ok(Some(&m4[..])));
		// The table has no length of its own: entry 5 would read payload bytes as offsets; past
		// the end of the metadata it is missing.
		assert_eq!(metadata_at(&five, 5), Err(AggregationError::RangeOutOfBounds));
		assert_eq!(metadata_at(&five, 100), Err(AggregationError::TableTooShort));
	}

	#[test]
	fn malformed_ranges() {
		// end before start, end beyond the metadata, a table cut short.
		let mut bad = encode(&[Some(&[1, 2, 3])]);
		bad[4..8].copy_from_slice(&7u32.to_be_bytes());
		assert_eq!(metadata_at(&bad, 0), Err(AggregationError::RangeOutOfBounds));
		bad[4..8].copy_from_slice(&12u32.to_be_bytes());
		assert_eq!(metadata_at(&bad, 0), Err(AggregationError::RangeOutOfBounds));
		assert_eq!(metadata_at(&bad[..6], 0), Err(AggregationError::TableTooShort));
		// Present but empty metadata is `start == end > 0`.
		assert_eq!(metadata_at(&encode(&[Some(&[])]), 0), Ok(Some(&[][..])));
	}
}
