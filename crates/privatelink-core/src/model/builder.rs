//! [`VpcEndpointBuilder`]: how discovery code (and tests) build a [`VpcEndpoint`], naming a missing
//! field ([`MissingFieldError`]).

use std::error::Error;
use std::fmt;

use super::{DnsEntry, DnsOptions, EndpointState, EndpointType, IpAddressType, VpcEndpoint};

impl VpcEndpoint {
    /// Starts a builder; `id`, `endpoint_type` and `state` are required, and `service_name` for
    /// `Interface` and `Gateway` endpoints.
    pub fn builder() -> VpcEndpointBuilder {
        VpcEndpointBuilder::default()
    }
}

/// Builder for [`VpcEndpoint`].
#[derive(Clone, Debug, Default)]
pub struct VpcEndpointBuilder {
    id: Option<String>,
    endpoint_type: Option<EndpointType>,
    vpc_id: Option<String>,
    service_name: Option<String>,
    service_region: Option<String>,
    state: Option<EndpointState>,
    private_dns_enabled: bool,
    dns_entries: Vec<DnsEntry>,
    subnet_ids: Vec<String>,
    ip_address_type: Option<IpAddressType>,
    dns_options: DnsOptions,
}

impl VpcEndpointBuilder {
    /// Sets the endpoint id (`vpce-…`). Required.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Sets the endpoint type. Required.
    pub fn endpoint_type(mut self, endpoint_type: EndpointType) -> Self {
        self.endpoint_type = Some(endpoint_type);
        self
    }

    /// Sets the VPC id. Optional.
    pub fn vpc_id(mut self, vpc_id: impl Into<String>) -> Self {
        self.vpc_id = Some(vpc_id.into());
        self
    }

    /// Sets the endpoint service name. Required.
    pub fn service_name(mut self, service_name: impl Into<String>) -> Self {
        self.service_name = Some(service_name.into());
        self
    }

    /// Sets the service region. Optional.
    pub fn service_region(mut self, service_region: impl Into<String>) -> Self {
        self.service_region = Some(service_region.into());
        self
    }

    /// Sets the state. Required.
    pub fn state(mut self, state: EndpointState) -> Self {
        self.state = Some(state);
        self
    }

    /// Sets whether private DNS is enabled. Defaults to `false`.
    pub fn private_dns_enabled(mut self, enabled: bool) -> Self {
        self.private_dns_enabled = enabled;
        self
    }

    /// Appends a DNS entry. Defaults to none.
    pub fn dns_entry(mut self, entry: DnsEntry) -> Self {
        self.dns_entries.push(entry);
        self
    }

    /// Appends a subnet id. Defaults to none.
    pub fn subnet_id(mut self, subnet_id: impl Into<String>) -> Self {
        self.subnet_ids.push(subnet_id.into());
        self
    }

    /// Sets the `IpAddressType`. Defaults to none.
    pub fn ip_address_type(mut self, ip_address_type: IpAddressType) -> Self {
        self.ip_address_type = Some(ip_address_type);
        self
    }

    /// Sets the `DnsOptions`. Defaults to [`DnsOptions::default`].
    pub fn dns_options(mut self, dns_options: DnsOptions) -> Self {
        self.dns_options = dns_options;
        self
    }

    /// Sets or clears the `IpAddressType`.
    pub fn set_ip_address_type(&mut self, ip_address_type: Option<IpAddressType>) -> &mut Self {
        self.ip_address_type = ip_address_type;
        self
    }

    /// Sets the `DnsOptions`.
    pub fn set_dns_options(&mut self, dns_options: DnsOptions) -> &mut Self {
        self.dns_options = dns_options;
        self
    }

    /// Sets or clears the endpoint id.
    pub fn set_id(&mut self, id: Option<String>) -> &mut Self {
        self.id = id;
        self
    }

    /// Sets or clears the endpoint type.
    pub fn set_endpoint_type(&mut self, endpoint_type: Option<EndpointType>) -> &mut Self {
        self.endpoint_type = endpoint_type;
        self
    }

    /// Sets or clears the VPC id.
    pub fn set_vpc_id(&mut self, vpc_id: Option<String>) -> &mut Self {
        self.vpc_id = vpc_id;
        self
    }

    /// Sets or clears the endpoint service name.
    pub fn set_service_name(&mut self, service_name: Option<String>) -> &mut Self {
        self.service_name = service_name;
        self
    }

    /// Sets or clears the service region.
    pub fn set_service_region(&mut self, service_region: Option<String>) -> &mut Self {
        self.service_region = service_region;
        self
    }

    /// Sets or clears the state.
    pub fn set_state(&mut self, state: Option<EndpointState>) -> &mut Self {
        self.state = state;
        self
    }

    /// Sets whether private DNS is enabled; `None` is `false`.
    pub fn set_private_dns_enabled(&mut self, enabled: Option<bool>) -> &mut Self {
        self.private_dns_enabled = enabled.unwrap_or(false);
        self
    }

    /// Replaces the DNS entries.
    pub fn set_dns_entries(&mut self, entries: Vec<DnsEntry>) -> &mut Self {
        self.dns_entries = entries;
        self
    }

    /// Replaces the subnet ids.
    pub fn set_subnet_ids(&mut self, subnet_ids: Vec<String>) -> &mut Self {
        self.subnet_ids = subnet_ids;
        self
    }

    /// Builds the endpoint, or names the first required field that is missing or empty.
    pub fn build(self) -> Result<VpcEndpoint, MissingFieldError> {
        fn required<T>(value: Option<T>, field: &'static str) -> Result<T, MissingFieldError> {
            value.ok_or(MissingFieldError { field })
        }
        fn non_empty(
            value: Option<String>,
            field: &'static str,
        ) -> Result<String, MissingFieldError> {
            required(value.filter(|v| !v.trim().is_empty()), field)
        }
        let id = non_empty(self.id, "VpcEndpointId")?;
        let endpoint_type = required(self.endpoint_type, "VpcEndpointType")?;
        let service_name = match endpoint_type {
            EndpointType::Interface | EndpointType::Gateway => {
                Some(non_empty(self.service_name, "ServiceName")?)
            }
            _ => self.service_name.filter(|v| !v.trim().is_empty()),
        };
        Ok(VpcEndpoint {
            id,
            endpoint_type,
            vpc_id: self.vpc_id,
            service_name,
            service_region: self.service_region,
            state: required(self.state, "State")?,
            private_dns_enabled: self.private_dns_enabled,
            dns_entries: self.dns_entries,
            subnet_ids: self.subnet_ids,
            ip_address_type: self.ip_address_type,
            dns_options: self.dns_options,
        })
    }
}

/// A required field of a [`VpcEndpoint`] was not given (or was empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingFieldError {
    field: &'static str,
}

impl MissingFieldError {
    /// The field's name as `DescribeVpcEndpoints` spells it, e.g. `State`.
    pub fn field(&self) -> &'static str {
        self.field
    }
}

impl fmt::Display for MissingFieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "missing required field `{}`", self.field)
    }
}

impl Error for MissingFieldError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_names_the_missing_field() {
        let full = || {
            VpcEndpoint::builder()
                .id("vpce-1")
                .endpoint_type(EndpointType::Interface)
                .service_name("com.amazonaws.us-east-1.ec2")
                .state(EndpointState::Available)
        };
        assert!(full().build().unwrap().is_usable());
        let mut no_id = full();
        no_id.id = Some("  ".into());
        assert_eq!(no_id.build().unwrap_err().field(), "VpcEndpointId");
        let mut no_state = full();
        no_state.state = None;
        assert_eq!(no_state.build().unwrap_err().field(), "State");
        let gateway = full().endpoint_type(EndpointType::Gateway).build().unwrap();
        assert!(!gateway.is_usable());
    }
}
