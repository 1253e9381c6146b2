//! `AdapterError`: storage failures with a portable kind, so callers never parse backend messages.

use std::error::Error as StdError;
use std::fmt;

/// What went wrong in storage, independent of the backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AdapterErrorKind {
    /// A unique constraint or primary key rejected the write.
    UniqueViolation,
    /// A foreign key rejected the write.
    ForeignKeyViolation,
    /// A `NOT NULL` or check constraint rejected the write.
    ConstraintViolation,
    /// The transaction lost a serialization conflict or a deadlock; retrying may succeed.
    SerializationFailure,
    /// The database is unreachable, the pool is exhausted or timed out, or the database is busy.
    Unavailable,
    /// A stored value could not be decoded into the schema's type.
    Decode,
    /// The query uses something this adapter or schema does not support (an unknown model or field, an
    /// operator on the wrong type).
    Unsupported,
    /// Anything else.
    Other,
}

impl fmt::Display for AdapterErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::UniqueViolation => "unique constraint violated",
            Self::ForeignKeyViolation => "foreign key constraint violated",
            Self::ConstraintViolation => "constraint violated",
            Self::SerializationFailure => "serialization failure",
            Self::Unavailable => "database unavailable",
            Self::Decode => "could not decode stored value",
            Self::Unsupported => "unsupported query",
            Self::Other => "database error",
        })
    }
}

/// A storage error: a portable [`AdapterErrorKind`], a message without values or SQL, and the backend's
/// error as its source.
#[derive(Debug)]
pub struct AdapterError {
    kind: AdapterErrorKind,
    message: String,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

impl AdapterError {
    /// An error of `kind` with a message. The message must not contain stored values or SQL text.
    pub fn new(kind: AdapterErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// Attaches the backend error that caused this one.
    #[must_use]
    pub fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// An [`AdapterErrorKind::Unsupported`] error.
    pub fn unsupported(message: impl Into<String>) -> Self {
        Self::new(AdapterErrorKind::Unsupported, message)
    }

    /// An [`AdapterErrorKind::Decode`] error.
    pub fn decode(message: impl Into<String>) -> Self {
        Self::new(AdapterErrorKind::Decode, message)
    }

    /// The portable kind.
    pub fn kind(&self) -> AdapterErrorKind {
        self.kind
    }

    /// Whether this is a unique-constraint violation.
    pub fn is_unique_violation(&self) -> bool {
        self.kind == AdapterErrorKind::UniqueViolation
    }

    /// The message, without the kind.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for AdapterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            write!(f, "{}", self.kind)
        } else {
            write!(f, "{}: {}", self.kind, self.message)
        }
    }
}

impl StdError for AdapterError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}
