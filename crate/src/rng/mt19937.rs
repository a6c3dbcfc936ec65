//! The Mersenne Twister MT19937 (Matsumoto & Nishimura, 1998), the bit source of both
//! `np.random` and `torch`'s CPU generator.

use rand_core::RngCore;

/// Number of 32-bit words in the state.
const N: usize = 624;
/// Offset of the word mixed into each twisted word.
const M: usize = 397;

/// The 32-bit Mersenne Twister, seeded with the reference `init_genrand(seed)`:
///
/// state₀ = seed, stateᵢ = 1812433253 · (stateᵢ₋₁ ⊕ (stateᵢ₋₁ ≫ 30)) + i  (mod 2³²).
///
/// Every 624 draws the whole state is "twisted"; each draw is one state word passed through
/// the tempering shifts. `next_u64` joins two draws as `(first << 32) | second`, like
/// PyTorch's `random64()`; `fill_bytes` writes successive `next_u32` words little-endian.
#[derive(Clone, Debug)]
pub struct Mt19937 {
    state: [u32; N],
    index: usize,
}

impl Mt19937 {
    /// A generator seeded with `init_genrand(seed)` (what `np.random.seed(seed)` and
    /// `torch.manual_seed(seed)` do).
    pub fn new(seed: u32) -> Self {
        let mut state = [0u32; N];
        state[0] = seed;
        for i in 1..N {
            let prev = state[i - 1];
            state[i] = 1_812_433_253u32.wrapping_mul(prev ^ (prev >> 30)).wrapping_add(i as u32);
        }
        Mt19937 { state, index: N }
    }

    /// Regenerates all 624 words: the top bit of word i and the low 31 bits of word i+1,
    /// shifted right and xored with word i+397 (and with 0x9908B0DF when odd).
    fn twist(&mut self) {
        for i in 0..N {
            let y = (self.state[i] & 0x8000_0000) | (self.state[(i + 1) % N] & 0x7fff_ffff);
            let odd = if y & 1 == 1 { 0x9908_b0df } else { 0 };
            self.state[i] = self.state[(i + M) % N] ^ (y >> 1) ^ odd;
        }
        self.index = 0;
    }
}

impl RngCore for Mt19937 {
    /// `genrand_int32()`: the next state word, tempered.
    fn next_u32(&mut self) -> u32 {
        if self.index >= N {
            self.twist();
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `(first draw << 32) | second draw`, as PyTorch's `random64()` and NumPy's `next_uint64`.
    fn next_u64(&mut self) -> u64 {
        let high = u64::from(self.next_u32());
        (high << 32) | u64::from(self.next_u32())
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(4) {
            let word = self.next_u32().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
    }
}
