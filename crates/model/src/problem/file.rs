//! Problems with a file as a whole: its size, its encoding, reading or writing it.

#[derive(Debug, Clone, PartialEq)]
pub enum FileProblem {
    /// Larger than programme and referral files may be.
    TooBig {
        megabytes: f64,
        limit_megabytes: usize,
    },
    /// Not UTF-8 text (binary data or another encoding).
    NotUtf8,
    /// A NUL byte: binary data.
    NulByte,
    /// Nothing but blank lines and comments.
    Empty,
    /// The file could not be read (the system's reason).
    CannotRead { reason: String },
    /// A programme file could not be read (a bundled one could be named by its id instead).
    CannotReadProgramme { reason: String },
    /// The file could not be written (the system's reason).
    CannotWrite { reason: String },
    /// A folder given as programmes holds no `.yaml` file.
    NoProgrammesInFolder,
    /// A path that names no file or folder.
    NoSuchPath,
}
