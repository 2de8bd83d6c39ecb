//! Errors of decoding catalogue data.

use miette::Diagnostic;

/// The catalogue data could not be decoded.
///
/// The embedded data is checked by this crate's tests, so this appears only with data passed to
/// [`Catalog::decode`](crate::Catalog::decode) or
/// [`ManagedPolicies::decode`](crate::ManagedPolicies::decode).
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum CatalogError {
    /// The bytes are not valid Brotli.
    #[error("cannot decompress the {} data", .0.file)]
    #[diagnostic(
        code(catalog::decompress),
        help("the file must be Brotli-compressed, as scripts/update-catalog writes it")
    )]
    Decompress(#[source] DecompressError),
    /// The decompressed bytes are not the expected postcard layout.
    #[error("cannot parse the {} data", .0.file)]
    #[diagnostic(
        code(catalog::parse),
        help("regenerate the data with scripts/update-catalog")
    )]
    Parse(#[source] ParseError),
    /// The JSON parses but breaks a rule of the layout (a bad index, an unknown level).
    #[error("invalid {} data: {}", .0.file, .0.detail)]
    #[diagnostic(
        code(catalog::invalid),
        help("regenerate the data with scripts/update-catalog")
    )]
    Invalid(InvalidError),
}

/// Details of [`CatalogError::Decompress`]: what the decompressor said.
#[derive(Debug, thiserror::Error)]
#[error("{error}")]
pub struct DecompressError {
    file: &'static str,
    error: std::io::Error,
}

/// Details of [`CatalogError::Parse`]: what the postcard decoder said.
#[derive(Debug, thiserror::Error)]
#[error("{error}")]
pub struct ParseError {
    file: &'static str,
    error: postcard::Error,
}

/// Details of [`CatalogError::Invalid`].
#[derive(Debug, thiserror::Error)]
#[error("{detail}")]
pub struct InvalidError {
    file: &'static str,
    detail: String,
}

impl CatalogError {
    pub(crate) fn decompress(file: &'static str, error: std::io::Error) -> Self {
        CatalogError::Decompress(DecompressError { file, error })
    }

    pub(crate) fn parse(file: &'static str, error: postcard::Error) -> Self {
        CatalogError::Parse(ParseError { file, error })
    }

    pub(crate) fn invalid(file: &'static str, detail: impl Into<String>) -> Self {
        CatalogError::Invalid(InvalidError {
            file,
            detail: detail.into(),
        })
    }
}
