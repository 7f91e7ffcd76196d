//! Text from peers, made safe to log: an error chain on one line with every run that could be a
//! secret replaced. A service may echo what it was sent — S3's `SignatureDoesNotMatch` carries
//! the canonical request (with `x-amz-security-token`) and the signature it was given — and such
//! text reaches privatelink's errors and logs through the SDK's error messages.

use std::borrow::Cow;
use std::error::Error;
use std::fmt;

/// The shortest run of base64 characters (`A–Z a–z 0–9 + /`, with any `=` padding after it) that
/// [`redact`] replaces: 40, the
/// length of a secret access key. Session tokens are longer, SigV4 signatures are 64 hex digits;
/// access key ids (20) and resource ids are shorter and are kept.
pub const REDACTED_RUN: usize = 40;

/// What a redacted run is replaced with.
pub const REDACTED: &str = "[redacted]";

/// `text` with every run of [`REDACTED_RUN`] or more base64 characters replaced by [`REDACTED`].
/// Borrowed when there is none.
pub fn redact(text: &str) -> Cow<'_, str> {
    let secretish = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/');
    let bytes = text.as_bytes();
    let mut out = String::new();
    let (mut copied, mut run_start) = (0, None);
    // One past the end, so that a run at the end is closed too.
    for i in 0..=bytes.len() {
        match (bytes.get(i).is_some_and(|&b| secretish(b)), run_start) {
            (true, None) => run_start = Some(i),
            (false, Some(start)) => {
                if i - start >= REDACTED_RUN {
                    let padding = bytes[i..].iter().take_while(|&&b| b == b'=').count();
                    out.push_str(&text[copied..start]);
                    out.push_str(REDACTED);
                    copied = i + padding;
                }
                run_start = None;
            }
            _ => {}
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// An error and its sources on one line, `: `-separated, [`redact`]ed: how privatelink's logs and
/// the CLI show an error. Unlike `aws_smithy_types`' `DisplayErrorContext`, it adds no `Debug`
/// form (an SDK error's holds the raw HTTP response).
pub struct ErrorChain<'a>(pub &'a (dyn Error + 'static));

impl fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut next: Option<&(dyn Error + 'static)> = Some(self.0);
        let mut first = true;
        // A chain that loops would never end: 64 links at most.
        for _ in 0..64 {
            let Some(error) = next else { break };
            if !first {
                f.write_str(": ")?;
            }
            let text = error.to_string();
            let one_line = text.lines().map(str::trim).collect::<Vec<_>>().join(" ");
            f.write_str(&redact(&one_line))?;
            first = false;
            next = error.source();
        }
        Ok(())
    }
}

impl fmt::Debug for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_that_could_be_secrets_are_replaced_and_the_rest_kept() {
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"; // 40
        let signature = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";
        let token = "IQoJb3JpZ2luX2VjEHAaCXVzLWVhc3QtMSJHMEUCIQD+token+that+is+long==";
        for (text, expected) in [
            (
                format!("The request signature we calculated does not match. Signature={signature}"),
                "The request signature we calculated does not match. Signature=[redacted]".to_owned(),
            ),
            (
                format!("x-amz-security-token:{token}\nsecret {secret}."),
                "x-amz-security-token:[redacted]\nsecret [redacted].".to_owned(),
            ),
            (
                // 39 characters, an access key id, ids and ARNs are kept.
                "AKIAIOSFODNN7EXAMPLE vpce-0123456789abcdef0 arn:aws:iam::123456789012:role/x aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".to_owned(),
                "AKIAIOSFODNN7EXAMPLE vpce-0123456789abcdef0 arn:aws:iam::123456789012:role/x aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".to_owned(),
            ),
            (secret.to_owned(), REDACTED.to_owned()),
            (String::new(), String::new()),
            ("é".repeat(50), "é".repeat(50)),
        ] {
            assert_eq!(redact(&text), expected, "{text}");
        }
        assert!(matches!(redact("nothing here"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_chain_is_one_redacted_line() {
        #[derive(Debug)]
        struct Outer(std::io::Error);
        impl fmt::Display for Outer {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("loading endpoints failed")
            }
        }
        impl Error for Outer {
            fn source(&self) -> Option<&(dyn Error + 'static)> {
                Some(&self.0)
            }
        }
        let inner = std::io::Error::other(format!(
            "SignatureDoesNotMatch:\n  <SignatureProvided>{}</SignatureProvided>",
            "ab".repeat(32)
        ));
        assert_eq!(
            ErrorChain(&Outer(inner)).to_string(),
            "loading endpoints failed: SignatureDoesNotMatch: <SignatureProvided>[redacted]</SignatureProvided>"
        );
    }
}
