//! Who the client is, by address, for the budgets that slow down guessing (DESIGN §3.10, §7).
//!
//! Behind a reverse proxy every request comes from the proxy, so the proxy's word on the
//! client (`Forwarded`, or `X-Forwarded-For`) is taken, but only from the proxies the operator
//! names in `TRUSTED_PROXIES`: from anyone else those headers are whatever an attacker wrote.

use std::net::{IpAddr, Ipv6Addr};
use std::str::FromStr;

use ipnet::IpNet;

/// The proxies whose `Forwarded` and `X-Forwarded-For` are believed: CIDR blocks, or single
/// addresses, separated by commas.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an address or a CIDR block (10.0.0.0/8, 2001:db8::/32)")]
pub struct BadProxy(String);

impl FromStr for TrustedProxies {
    type Err = BadProxy;
    fn from_str(s: &str) -> Result<Self, BadProxy> {
        s.split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(|part| {
                part.parse::<IpNet>()
                    .or_else(|_| part.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| BadProxy(part.to_owned()))
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

impl TrustedProxies {
    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&canonical(address)))
    }

    /// The client's address: `peer` itself, unless `peer` is a trusted proxy; then the nearest
    /// address in the proxies' chain that is not itself a trusted proxy. `forwarded` is the
    /// `Forwarded` header (preferred), `x_forwarded_for` the older one.
    pub fn client(
        &self,
        peer: IpAddr,
        forwarded: Option<&str>,
        x_forwarded_for: Option<&str>,
    ) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let chain: Vec<Option<IpAddr>> = match (forwarded, x_forwarded_for) {
            (Some(header), _) => forwarded_for(header),
            (None, Some(header)) => header.split(',').map(|a| parse_node(a.trim())).collect(),
            (None, None) => Vec::new(),
        };
        let mut client = peer;
        // From the nearest hop outwards: every trusted proxy passes on its word; the first
        // address that is not one is the client. An entry that does not read as an address
        // (`unknown`, a typo, an obfuscated name) ends the walk at the last proxy.
        for hop in chain.iter().rev() {
            match hop {
                Some(address) => {
                    client = canonical(*address);
                    if !self.trusts(client) {
                        break;
                    }
                }
                None => break,
            }
        }
        client
    }
}

/// The `for=` of each element of a `Forwarded` header (RFC 7239 §4), in order.
fn forwarded_for(header: &str) -> Vec<Option<IpAddr>> {
    header
        .split(',')
        .map(|element| {
            element
                .split(';')
                .filter_map(|pair| pair.split_once('='))
                .find(|(name, _)| name.trim().eq_ignore_ascii_case("for"))
                .and_then(|(_, value)| parse_node(value.trim().trim_matches('"')))
        })
        .collect()
}

/// An address as the headers write it: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`,
/// `[2001:db8::1]` or `[2001:db8::1]:4711`.
fn parse_node(text: &str) -> Option<IpAddr> {
    if let Ok(address) = text.parse::<IpAddr>() {
        return Some(address);
    }
    if let Some(rest) = text.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    let (host, port) = text.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

/// An IPv4 address written as IPv6 (`::ffff:192.0.2.1`) is the IPv4 address.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

/// What a budget keys a client by: its IPv4 address, or the /64 its IPv6 address is in, which
/// a single subscriber is given whole and can change addresses within at will.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientKey(IpAddr);

impl ClientKey {
    pub fn of(address: IpAddr) -> Self {
        match canonical(address) {
            IpAddr::V6(v6) => {
                let network = u128::from(v6) & !((1u128 << 64) - 1);
                Self(IpAddr::V6(Ipv6Addr::from(network)))
            }
            v4 => Self(v4),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn headers_are_believed_only_from_trusted_proxies() {
        let proxies: TrustedProxies = "10.0.0.0/8, 192.0.2.7".parse().unwrap();
        let xff = Some("198.51.100.9, 10.1.2.3");
        // From an untrusted peer the headers are ignored.
        assert_eq!(
            proxies.client(ip("203.0.113.5"), None, xff),
            ip("203.0.113.5")
        );
        // Through two trusted proxies, the client beyond them.
        assert_eq!(
            proxies.client(ip("192.0.2.7"), None, xff),
            ip("198.51.100.9")
        );
        // A client cannot pass itself off as anyone by prepending: only the nearest untrusted
        // hop counts.
        let spoofed = Some("1.2.3.4, 198.51.100.9");
        assert_eq!(
            proxies.client(ip("10.9.9.9"), None, spoofed),
            ip("198.51.100.9")
        );
        // No header, or an unreadable hop: the last proxy is all we know.
        assert_eq!(proxies.client(ip("10.9.9.9"), None, None), ip("10.9.9.9"));
        assert_eq!(
            proxies.client(ip("10.9.9.9"), None, Some("unknown")),
            ip("10.9.9.9")
        );
        // Forwarded wins over X-Forwarded-For, with ports, quotes and brackets.
        let forwarded = Some(r#"for="[2001:db8:cafe::17]:4711";proto=https, for=10.0.0.2"#);
        assert_eq!(
            proxies.client(ip("10.0.0.1"), forwarded, xff),
            ip("2001:db8:cafe::17")
        );
        assert_eq!(
            proxies.client(ip("10.0.0.1"), Some("for=198.51.100.20:8080"), None),
            ip("198.51.100.20")
        );
        assert!("10.0.0.0/33".parse::<TrustedProxies>().is_err());
        assert!("proxy.local".parse::<TrustedProxies>().is_err());
        assert_eq!(
            "".parse::<TrustedProxies>().unwrap(),
            TrustedProxies::default()
        );
    }

    #[test]
    fn ipv6_clients_are_keyed_by_their_64() {
        assert_eq!(
            ClientKey::of(ip("2001:db8:1:2:aaaa::1")),
            ClientKey::of(ip("2001:db8:1:2:ffff:ffff:ffff:ffff"))
        );
        assert_ne!(
            ClientKey::of(ip("2001:db8:1:2::1")),
            ClientKey::of(ip("2001:db8:1:3::1"))
        );
        assert_eq!(
            ClientKey::of(ip("::ffff:192.0.2.1")),
            ClientKey::of(ip("192.0.2.1"))
        );
        assert_ne!(
            ClientKey::of(ip("192.0.2.1")),
            ClientKey::of(ip("192.0.2.2"))
        );
    }
}
