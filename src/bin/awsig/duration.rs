//! Expiry durations: `3600` (seconds), `90s`, `15m`, `12h`, `7d`.

use std::time::Duration;

use awsig::MAX_EXPIRES_SECS;

/// Parses a duration: whole seconds, or a whole number followed by `s`, `m`,
/// `h` or `d`.
pub fn parse(text: &str) -> Result<Duration, String> {
    let bad = || {
        format!("invalid duration {text:?}: expected seconds or a number with s, m, h or d (3600, 15m, 12h, 7d)")
    };
    let (digits, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let scale: u64 = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(bad()),
    };
    if digits.is_empty() {
        return Err(bad());
    }
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("duration {text:?} is too large"))?;
    let secs = n
        .checked_mul(scale)
        .ok_or_else(|| format!("duration {text:?} is too large"))?;
    Ok(Duration::from_secs(secs))
}

/// Parses the expiry of a presigned URL: 1 second to 7 days.
pub fn expiry(text: &str) -> Result<Duration, String> {
    let d = parse(text)?;
    match d.as_secs() {
        0 => Err(format!(
            "expiry {text:?} is zero: a presigned URL must be valid for at least 1 second"
        )),
        s if s > MAX_EXPIRES_SECS => Err(format!(
            "expiry {text:?} ({s} s) is over the maximum of 7d ({MAX_EXPIRES_SECS} s)"
        )),
        _ => Ok(d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(parse("3600").unwrap().as_secs(), 3600);
        assert_eq!(parse("90s").unwrap().as_secs(), 90);
        assert_eq!(parse("15m").unwrap().as_secs(), 900);
        assert_eq!(parse("12h").unwrap().as_secs(), 43_200);
        assert_eq!(parse("7d").unwrap().as_secs(), 604_800);
    }

    #[test]
    fn bad() {
        for t in ["", "m", "1.5h", "-1", "10x", "1h30m", " 10", "10 ", "1H"] {
            assert!(parse(t).is_err(), "{t:?}");
        }
        assert!(parse("99999999999999999999").is_err());
        assert!(parse("999999999999999999d").is_err());
        assert!(expiry("0").is_err());
        assert!(expiry("8d").is_err());
        assert!(expiry("604801").is_err());
        assert_eq!(expiry("604800").unwrap().as_secs(), 604_800);
    }
}
