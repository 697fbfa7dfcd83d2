//! Signing: the [`Signer`](signer::Signer) and its two outputs, the
//! `Authorization` header ([`header`]) and the presigned URL ([`presign`]).
//! Both go through the same canonical request, string to sign and key.

pub(crate) mod header;
pub(crate) mod presign;
pub(crate) mod signer;
