//! Input limits shared by the filter and PATCH path parsers.

/// Bounds applied while parsing a filter or a PATCH path.
///
/// Both parsers read input sent by identity providers, so every input is bounded in length, in
/// nesting depth and in the number of attribute expressions it may hold. Exceeding a limit is a
/// parse error, never a stack overflow. The depth and term limits also bound the depth of the
/// parsed tree (at most `max_depth + max_terms` levels), so code that walks a [`Filter`] recursively
/// is safe too.
///
/// Values above [`Limits::DEPTH_CEILING`] and [`Limits::TERMS_CEILING`] are treated as those
/// ceilings: the parser recurses once per nesting level, and the ceilings keep that recursion far
/// from the stack size of any thread.
///
/// ```
/// use bulwark_scim_protocol::{Filter, Limits};
///
/// let strict = Limits::default().with_max_length(64).with_max_depth(2);
/// assert!(Filter::parse_with("((((userName pr))))", &strict).is_err());
/// ```
///
/// [`Filter`]: crate::Filter
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Longest accepted input, in bytes (default 4096).
    pub max_length: usize,
    /// Deepest nesting of `( )`, `not ( )` and `[ ]` groups (default 32).
    pub max_depth: usize,
    /// Most attribute expressions (comparisons and `pr`) in one input (default 128).
    pub max_terms: usize,
}

impl Limits {
    /// The defaults: 4096 bytes, 32 levels of nesting, 128 attribute expressions.
    pub const DEFAULT: Self = Self {
        max_length: 4096,
        max_depth: 32,
        max_terms: 128,
    };

    /// The largest nesting depth honoured, whatever `max_depth` says.
    pub const DEPTH_CEILING: usize = 256;

    /// The largest number of attribute expressions honoured, whatever `max_terms` says.
    pub const TERMS_CEILING: usize = 1024;

    /// These limits with another maximum input length in bytes.
    #[must_use]
    pub const fn with_max_length(mut self, max_length: usize) -> Self {
        self.max_length = max_length;
        self
    }

    /// These limits with another maximum nesting depth.
    #[must_use]
    pub const fn with_max_depth(mut self, max_depth: usize) -> Self {
        self.max_depth = max_depth;
        self
    }

    /// These limits with another maximum number of attribute expressions.
    #[must_use]
    pub const fn with_max_terms(mut self, max_terms: usize) -> Self {
        self.max_terms = max_terms;
        self
    }

    /// The nesting depth the parser enforces (`max_depth`, capped by the ceiling).
    pub(crate) fn effective_depth(&self) -> usize {
        self.max_depth.min(Self::DEPTH_CEILING)
    }

    /// The term count the parser enforces (`max_terms`, capped by the ceiling).
    pub(crate) fn effective_terms(&self) -> usize {
        self.max_terms.min(Self::TERMS_CEILING)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}
