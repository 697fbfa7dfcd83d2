//! The canonical URI: S3 encodes the object key once and keeps every
//! segment; generic services normalize the path and encode it again.

use super::encode::{encode, is_well_formed_percent, reencode};
use crate::settings::{SigningSettings, UriEncoding};
use crate::sink::Sink;
use crate::Error;

/// An S3 object key as text, exactly as stored: `a b/c+d.txt`, `a/../b`.
///
/// The signer encodes it (once, `/` kept) to build the URL path; nothing is
/// normalized, so `a/../b.txt` and `b.txt` stay different objects.
///
/// ```
/// use awsig::ObjectKey;
/// let key = ObjectKey::new("photos/2024/cat picture.jpg");
/// assert_eq!(key.as_str(), "photos/2024/cat picture.jpg");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ObjectKey<'a>(&'a str);

impl<'a> ObjectKey<'a> {
    /// Wraps a key. Every string is a key, the empty one included (bucket
    /// level requests).
    ///
    /// ```
    /// let key = awsig::ObjectKey::new("résumé 2024.pdf");
    /// assert_eq!(key.as_str(), "résumé 2024.pdf");
    /// ```
    pub fn new(key: &'a str) -> Self {
        ObjectKey(key)
    }

    /// The key text.
    ///
    /// ```
    /// assert_eq!(awsig::ObjectKey::new("k").as_str(), "k");
    /// ```
    pub fn as_str(&self) -> &'a str {
        self.0
    }
}

/// A URL path exactly as it goes on the wire, already percent-encoded:
/// `/photos/cat%20picture.jpg`.
///
/// It is sent as given. For S3 it is decoded and strictly re-encoded to form
/// the canonical URI; for generic services it is (optionally) normalized and
/// encoded again.
///
/// ```
/// use awsig::EncodedPath;
/// let path = EncodedPath::new("/photos/cat%20picture.jpg")?;
/// assert_eq!(path.as_str(), "/photos/cat%20picture.jpg");
/// assert!(EncodedPath::new("no-leading-slash").is_err());
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EncodedPath<'a>(&'a str);

impl<'a> EncodedPath<'a> {
    /// Checks that `path` starts with `/`, has no control bytes, no `?` or
    /// `#`, and that every `%` starts a `%XX` escape.
    ///
    /// ```
    /// use awsig::EncodedPath;
    /// assert!(EncodedPath::new("/a%20b").is_ok());
    /// assert!(EncodedPath::new("/a%2").is_err());
    /// assert!(EncodedPath::new("/a\r\nb").is_err());
    /// ```
    pub fn new(path: &'a str) -> Result<Self, Error> {
        let b = path.as_bytes();
        if b.first() != Some(&b'/') {
            return Err(Error::InvalidPath("must start with '/'"));
        }
        if b.iter().any(|c| c.is_ascii_control()) {
            return Err(Error::InvalidPath("contains a control byte"));
        }
        if b.iter().any(|&c| c == b'?' || c == b'#') {
            return Err(Error::InvalidPath("contains '?' or '#'"));
        }
        if !is_well_formed_percent(b) {
            return Err(Error::InvalidPath("'%' not followed by two hex digits"));
        }
        Ok(EncodedPath(path))
    }

    /// The path text.
    ///
    /// ```
    /// assert_eq!(awsig::EncodedPath::new("/")?.as_str(), "/");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn as_str(&self) -> &'a str {
        self.0
    }
}

/// Where the path of a request comes from. `bucket` is set for path-style
/// addressing: the path is then `/{bucket}` followed by the rest.
#[derive(Clone, Copy, Debug)]
pub(crate) enum PathSpec<'a> {
    /// `[/{bucket}]{path}`, the path already encoded.
    Encoded {
        bucket: Option<&'a str>,
        path: &'a str,
    },
    /// `/{bucket}/{key}` or `/{key}`; just `/{bucket}` for an empty key.
    Object {
        bucket: Option<&'a str>,
        key: &'a str,
    },
}

/// Writes the path as it goes in the URL.
pub(crate) fn write_wire<S: Sink + ?Sized>(sink: &mut S, spec: &PathSpec<'_>) {
    match *spec {
        PathSpec::Encoded { bucket, path } => {
            if let Some(bucket) = bucket {
                sink.put(b"/");
                encode(sink, bucket.as_bytes(), false);
            }
            sink.put_str(path);
        }
        PathSpec::Object { bucket, key } => {
            sink.put(b"/");
            if let Some(bucket) = bucket {
                encode(sink, bucket.as_bytes(), false);
                if key.is_empty() {
                    return;
                }
                sink.put(b"/");
            }
            encode(sink, key.as_bytes(), true);
        }
    }
}

/// Whether the wire path of `spec` is its canonical URI as well.
pub(crate) fn wire_is_canonical(spec: &PathSpec<'_>, settings: &SigningSettings) -> bool {
    // The wire form of a key is already the single encoding.
    matches!(spec, PathSpec::Object { .. })
        && !settings.normalize_path
        && settings.uri_encoding == UriEncoding::Single
}

/// Writes the canonical URI of `spec` under `settings`.
pub(crate) fn write_canonical<S: Sink + ?Sized>(
    sink: &mut S,
    spec: &PathSpec<'_>,
    settings: &SigningSettings,
) {
    let single = settings.uri_encoding == UriEncoding::Single;
    if wire_is_canonical(spec, settings) {
        return write_wire(sink, spec);
    }
    if !settings.normalize_path {
        match *spec {
            PathSpec::Encoded { bucket, path } if single => {
                if let Some(bucket) = bucket {
                    sink.put(b"/");
                    encode(sink, bucket.as_bytes(), false);
                }
                reencode(sink, path.as_bytes(), true);
            }
            PathSpec::Encoded { bucket: None, path } => encode(sink, path.as_bytes(), true),
            _ => {
                let mut wire = Vec::new();
                write_wire(&mut wire, spec);
                encode(sink, &wire, true);
            }
        }
        return;
    }
    let mut wire = Vec::new();
    write_wire(&mut wire, spec);
    let normalized = normalize(&wire);
    if single {
        reencode(sink, &normalized, true);
    } else {
        encode(sink, &normalized, true);
    }
}

/// Removes `.` and `..` segments and empty segments (`//`), keeping a
/// trailing `/`; the result always starts with `/`.
pub(crate) fn normalize(path: &[u8]) -> Vec<u8> {
    let mut segments: Vec<&[u8]> = Vec::new();
    let mut trailing = false;
    for seg in path.split(|&b| b == b'/') {
        trailing = matches!(seg, b"" | b"." | b"..");
        match seg {
            b"" | b"." => {}
            b".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut out = Vec::with_capacity(path.len() + 1);
    for s in &segments {
        out.push(b'/');
        out.extend_from_slice(s);
    }
    if out.is_empty() || trailing {
        out.push(b'/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(spec: PathSpec<'_>, settings: &SigningSettings) -> String {
        let mut v = Vec::new();
        write_canonical(&mut v, &spec, settings);
        String::from_utf8(v).unwrap()
    }

    fn norm(p: &str) -> String {
        String::from_utf8(normalize(p.as_bytes())).unwrap()
    }

    #[test]
    fn normalization_rules() {
        assert_eq!(norm("/"), "/");
        assert_eq!(norm("/example/.."), "/");
        assert_eq!(norm("/example1/example2/../.."), "/");
        assert_eq!(norm("/./"), "/");
        assert_eq!(norm("/./example"), "/example");
        assert_eq!(norm("//example//"), "/example/");
        assert_eq!(norm("/a/b/../c/./d/"), "/a/c/d/");
        assert_eq!(norm("/../../a"), "/a");
        assert_eq!(norm("/a/."), "/a/");
        assert_eq!(norm("/a/b/.."), "/a/");
        assert_eq!(norm(""), "/");
    }

    #[test]
    fn s3_encodes_keys_once_and_never_normalizes() {
        let s3 = SigningSettings::s3();
        let obj = |key| PathSpec::Object { bucket: None, key };
        assert_eq!(canon(obj("test$file.text"), &s3), "/test%24file.text");
        assert_eq!(canon(obj("a/../b.txt"), &s3), "/a/../b.txt");
        assert_eq!(canon(obj("//double//slash"), &s3), "///double//slash");
        assert_eq!(canon(obj("a/./b"), &s3), "/a/./b");
        assert_eq!(
            canon(obj("cat picture+1.jpg"), &s3),
            "/cat%20picture%2B1.jpg"
        );
        assert_eq!(canon(obj("literal%20"), &s3), "/literal%2520");
        assert_eq!(canon(obj(""), &s3), "/");
        let path_style = PathSpec::Object {
            bucket: Some("my.bucket"),
            key: "k y",
        };
        assert_eq!(canon(path_style, &s3), "/my.bucket/k%20y");
        let bucket_only = PathSpec::Object {
            bucket: Some("b"),
            key: "",
        };
        assert_eq!(canon(bucket_only, &s3), "/b");
        // An encoded path is decoded and re-encoded once.
        assert_eq!(
            canon(
                PathSpec::Encoded {
                    bucket: None,
                    path: "/a%20b/%7e+!"
                },
                &s3
            ),
            "/a%20b/~%2B%21"
        );
        assert_eq!(
            canon(
                PathSpec::Encoded {
                    bucket: None,
                    path: "/a b"
                },
                &s3
            ),
            "/a%20b"
        );
        let in_bucket = PathSpec::Encoded {
            bucket: Some("b.1"),
            path: "/a%20b",
        };
        assert_eq!(canon(in_bucket, &s3), "/b.1/a%20b");
        assert_eq!(
            canon(in_bucket, &SigningSettings::generic()),
            "/b.1/a%2520b"
        );
    }

    #[test]
    fn generic_normalizes_and_encodes_twice() {
        let g = SigningSettings::generic();
        assert_eq!(
            canon(
                PathSpec::Encoded {
                    bucket: None,
                    path: "/a%20b"
                },
                &g
            ),
            "/a%2520b"
        );
        assert_eq!(
            canon(
                PathSpec::Encoded {
                    bucket: None,
                    path: "/example space/"
                },
                &g
            ),
            "/example%20space/"
        );
        assert_eq!(
            canon(
                PathSpec::Encoded {
                    bucket: None,
                    path: "//a/./b/../c"
                },
                &g
            ),
            "/a/c"
        );
        assert_eq!(
            canon(
                PathSpec::Encoded {
                    bucket: None,
                    path: "/ሴ"
                },
                &g
            ),
            "/%E1%88%B4"
        );
        let key = PathSpec::Object {
            bucket: None,
            key: "a b/../c",
        };
        assert_eq!(canon(key, &g), "/c");
        let key = PathSpec::Object {
            bucket: None,
            key: "a b",
        };
        assert_eq!(canon(key, &g), "/a%2520b");
        let mut unnormalized = SigningSettings::generic();
        unnormalized.normalize_path = false;
        assert_eq!(
            canon(
                PathSpec::Encoded {
                    bucket: None,
                    path: "//a/./b/../c"
                },
                &unnormalized
            ),
            "//a/./b/../c"
        );
        assert_eq!(canon(key, &unnormalized), "/a%2520b");
    }
}
