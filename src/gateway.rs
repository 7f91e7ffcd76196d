//! [`GatewayEndpoints`]: whether requests a gateway endpoint carries stay on their default host,
//! and the one rule that decides it (the `privatelink` command uses it too).

use privatelink_core::Policy;

/// Whether same-region requests a gateway endpoint carries stay on their default host; see
/// [`PrivateLinkBuilder::gateway_endpoints`](crate::PrivateLinkBuilder::gateway_endpoints).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum GatewayEndpoints {
    /// Decide by where the process runs: inside the VPC (its location came from instance or
    /// task metadata), S3 and DynamoDB requests in the VPC's region stay on their default host
    /// when the VPC has an available gateway endpoint for them; outside it (Client VPN,
    /// on-premises, a VPC id configured without metadata) they go to the interface endpoint.
    /// Under [`Policy::Strict`], always the interface endpoint: strict mode does not trust a
    /// route it cannot see (use [`GatewayEndpoints::Use`] to name the gateway as a private path).
    /// The default.
    #[default]
    Auto,
    /// Use gateway endpoints wherever the snapshot has one, under every policy: the operator
    /// names the gateway as a private path (this process's route tables reach it).
    Use,
    /// Never: requests go to interface endpoints.
    Ignore,
}

impl GatewayEndpoints {
    /// Whether gateway endpoints are used under `policy`, for a process inside the VPC or not
    /// (the one rule; the `privatelink` command uses it too).
    pub fn applies(self, policy: Policy, inside_vpc: bool) -> bool {
        match self {
            GatewayEndpoints::Auto => inside_vpc && policy != Policy::Strict,
            GatewayEndpoints::Use => true,
            GatewayEndpoints::Ignore => false,
        }
    }
}
