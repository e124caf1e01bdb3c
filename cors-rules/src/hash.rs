//! The hash of the exact-origin table. The macro builds the table at compile time and the runtime
//! probes it, so both must use this one function.

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// Hashes an origin's bytes with `seed`. Stable across platforms and versions of this crate's
/// `0.1` line, because tables built by the macro are probed by the runtime.
#[inline]
pub fn origin_hash(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = seed ^ (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = (h ^ u64::from_le_bytes(word))
            .wrapping_mul(K)
            .rotate_left(31);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        // The remainder as a little-endian word padded with zeros. Origins are longer than eight
        // bytes: their last eight, shifted right, give that word with no copy of variable length
        // (which is a call to `memcpy`).
        let word = if bytes.len() >= 8 {
            let mut last = [0u8; 8];
            last.copy_from_slice(&bytes[bytes.len() - 8..]);
            u64::from_le_bytes(last) >> (8 * (8 - rest.len()))
        } else {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(word)
        };
        h = (h ^ word).wrapping_mul(K).rotate_left(31);
    }
    // murmur3's finalizer, so that the low bits used as the slot index depend on every input bit.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

#[cfg(feature = "alloc")]
pub use table::{build_table, OriginTableData};

#[cfg(feature = "alloc")]
mod table {
    use super::origin_hash;
    use alloc::vec;
    use alloc::vec::Vec;

    /// An open-addressing table over a list of distinct origins, ready to be emitted as statics.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct OriginTableData {
        /// The seed passed to [`origin_hash`].
        pub seed: u64,
        /// A power-of-two number of slots, or none for no origins; `0` is empty, `i + 1` holds the
        /// origin at index `i`.
        pub slots: Vec<u32>,
        /// The most slots any lookup needs to visit: the cost bound that does not grow with the list.
        pub max_probes: u32,
    }

    /// Builds the table for `origins` (distinct), at most half full, trying a few seeds and keeping
    /// the one with the shortest longest probe sequence.
    pub fn build_table(origins: &[&str]) -> OriginTableData {
        // No slots at all, rather than a zeroed table: a lookup then stops before hashing, which
        // is every request's lookup for a policy of patterns only.
        if origins.is_empty() {
            return OriginTableData {
                seed: 0,
                slots: Vec::new(),
                max_probes: 0,
            };
        }
        let size = (origins.len() * 2).max(4).next_power_of_two();
        let mut best: Option<OriginTableData> = None;
        for seed in 0..32u64 {
            let seed = seed.wrapping_mul(0x2545_F491_4F6C_DD1D);
            let candidate = fill(seed, size, origins);
            if best
                .as_ref()
                .is_none_or(|b| candidate.max_probes < b.max_probes)
            {
                let good_enough = candidate.max_probes <= 3;
                best = Some(candidate);
                if good_enough {
                    break;
                }
            }
        }
        best.expect("at least one seed is tried")
    }

    fn fill(seed: u64, size: usize, origins: &[&str]) -> OriginTableData {
        let mask = size - 1;
        let mut slots = vec![0u32; size];
        let mut max_probes = 1;
        for (index, origin) in origins.iter().enumerate() {
            let mut slot = origin_hash(seed, origin.as_bytes()) as usize & mask;
            let mut probes = 1;
            while slots[slot] != 0 {
                slot = (slot + 1) & mask;
                probes += 1;
            }
            slots[slot] = index as u32 + 1;
            max_probes = max_probes.max(probes);
        }
        OriginTableData {
            seed,
            slots,
            max_probes,
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use alloc::format;
        use alloc::string::String;

        #[test]
        fn every_origin_is_found_within_the_bound() {
            let owned: Vec<String> = (0..10_000)
                .map(|i| format!("https://host{i}.example.com"))
                .collect();
            let origins: Vec<&str> = owned.iter().map(String::as_str).collect();
            let table = build_table(&origins);
            assert!(table.slots.len().is_power_of_two());
            assert!(table.max_probes <= 8, "max probes {}", table.max_probes);
            let mask = table.slots.len() - 1;
            for (index, origin) in origins.iter().enumerate() {
                let mut slot = origin_hash(table.seed, origin.as_bytes()) as usize & mask;
                let found = (0..table.max_probes).any(|_| {
                    let hit = table.slots[slot] == index as u32 + 1;
                    slot = (slot + 1) & mask;
                    hit
                });
                assert!(found, "{origin}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::origin_hash;

    #[test]
    fn depends_on_seed_length_and_every_byte() {
        let base = origin_hash(0, b"https://example.com");
        assert_eq!(base, origin_hash(0, b"https://example.com"));
        assert_ne!(base, origin_hash(1, b"https://example.com"));
        assert_ne!(base, origin_hash(0, b"https://example.con"));
        assert_ne!(base, origin_hash(0, b"https://example.com\0"));
        assert_ne!(origin_hash(0, b""), origin_hash(0, b"\0"));
    }

    /// The hash as first written, padding the remainder by a copy: tables built by the macro
    /// of an earlier `0.1` release must still be probed at the same slots.
    fn padded(seed: u64, bytes: &[u8]) -> u64 {
        const K: u64 = super::K;
        let mut h = seed ^ (bytes.len() as u64).wrapping_mul(K);
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            h = (h ^ u64::from_le_bytes(word))
                .wrapping_mul(K)
                .rotate_left(31);
        }
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }

    #[test]
    fn the_remainder_hashes_as_a_padded_word() {
        let bytes: [u8; 48] = core::array::from_fn(|i| (i as u8).wrapping_mul(151).wrapping_add(7));
        for len in 0..=bytes.len() {
            for seed in [0, 0x2545_F491_4F6C_DD1D, u64::MAX] {
                assert_eq!(
                    origin_hash(seed, &bytes[..len]),
                    padded(seed, &bytes[..len]),
                    "{len}"
                );
            }
        }
        assert_eq!(
            origin_hash(7, b"https://app.example.com"),
            padded(7, b"https://app.example.com")
        );
    }
}
