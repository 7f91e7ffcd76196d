//! IP literals as request hosts: which may be AWS's (public), which are not.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::split_last_label;

/// For an IP literal (or another numeric host), whether it is public: `None` for a name.
///
/// A host whose last label is numeric (`2130706433`, `0x7f.1`, `1.2.3.4`) is an address to
/// `getaddrinfo`; only a plain dotted quad is read here, any other numeric form counts as public.
pub(crate) fn address(host: &str) -> Option<bool> {
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return Some(
            v6.parse::<Ipv6Addr>()
                .map_or(true, |ip| is_public_address(ip.into())),
        );
    }
    let last = split_last_label(host).map_or(host, |(_, last)| last);
    let numeric = last.bytes().all(|b| b.is_ascii_digit()) || last.starts_with("0x");
    if !numeric {
        return None;
    }
    Some(
        host.parse::<Ipv4Addr>()
            .map_or(true, |ip| is_public_address(ip.into())),
    )
}

/// Whether `ip` is reachable from the internet: not private, shared (`100.64.0.0/10`),
/// loopback, link-local, unique-local or unspecified.
pub fn is_public_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            let shared = a == 100 && (64..128).contains(&b);
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || shared)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_address(v4.into());
            }
            let first = v6.segments()[0];
            let unique_local = first & 0xfe00 == 0xfc00;
            let link_local = first & 0xffc0 == 0xfe80;
            !(v6.is_loopback() || v6.is_unspecified() || unique_local || link_local)
        }
    }
}
