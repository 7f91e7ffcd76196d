//! The `SdkConfig`'s `use_dual_stack` and `use_fips`: the SDK then builds dual-stack or FIPS
//! hosts, which only endpoints serving IPv6, or `-fips` endpoints, keep private. At build the
//! handle says which of the region's endpoints do not (one `warn` line each), so that an operator
//! sees it before strict mode refuses such requests.

use aws_types::SdkConfig;
use privatelink_core::EndpointIndex;

/// What the SDK will ask for that endpoints of `region` in `index` cannot give: one line per
/// service label, sorted.
pub(super) fn unserved(
    index: &EndpointIndex,
    region: &str,
    use_dual_stack: bool,
    use_fips: bool,
) -> Vec<String> {
    let endpoints = index.in_region(region);
    let mut lines = Vec::new();
    for (label, _, endpoint) in &endpoints {
        if !endpoint.is_usable() {
            continue;
        }
        if use_dual_stack && !endpoint.serves_ipv6() {
            lines.push(format!(
                "use_dual_stack is set, and the `{label}` endpoint {} serves IPv4 only: dual-stack requests for it are refused under strict and left on their default host under prefer",
                endpoint.endpoint_id()
            ));
        }
        let fips = label.ends_with("-fips")
            || endpoints
                .iter()
                .any(|(other, _, e)| e.is_usable() && other.strip_suffix("-fips") == Some(*label));
        if use_fips && !fips {
            lines.push(format!(
                "use_fips is set, and `{label}` has no usable FIPS endpoint (`{label}-fips`) in {region}: its FIPS requests are never sent to the non-FIPS endpoint {}",
                endpoint.endpoint_id()
            ));
        }
    }
    lines
}

/// [`unserved`] for the `SdkConfig`'s region and choices, logged at `warn`.
pub(super) fn warn_unserved(sdk_config: Option<&SdkConfig>, index: Option<&EndpointIndex>) {
    let (Some(sdk_config), Some(index)) = (sdk_config, index) else {
        return;
    };
    let Some(region) = sdk_config.region() else {
        return;
    };
    let dual_stack = sdk_config.use_dual_stack() == Some(true);
    let fips = sdk_config.use_fips() == Some(true);
    if !dual_stack && !fips {
        return;
    }
    for line in unserved(index, region.as_ref(), dual_stack, fips) {
        tracing::warn!("privatelink: {line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use privatelink_core::index_from_describe_json;

    const JSON: &str = r#"{"VpcEndpoints":[
        {"VpcEndpointId":"vpce-0ec2","VpcEndpointType":"Interface","ServiceName":"com.amazonaws.us-east-1.ec2",
         "State":"available","IpAddressType":"dualstack",
         "DnsEntries":[{"DnsName":"vpce-0ec2-a1.ec2.us-east-1.vpce.amazonaws.com"}]},
        {"VpcEndpointId":"vpce-0aaa","VpcEndpointType":"Interface","ServiceName":"com.amazonaws.us-east-1.kms",
         "State":"available","IpAddressType":"ipv4",
         "DnsEntries":[{"DnsName":"vpce-0aaa-b2.kms.us-east-1.vpce.amazonaws.com"}]},
        {"VpcEndpointId":"vpce-0bbb","VpcEndpointType":"Interface","ServiceName":"com.amazonaws.us-east-1.kms-fips",
         "State":"available","IpAddressType":"ipv4",
         "DnsEntries":[{"DnsName":"vpce-0bbb-c3.kms-fips.us-east-1.vpce.amazonaws.com"}]}
    ]}"#;

    #[test]
    fn dual_stack_and_fips_choices_name_the_endpoints_that_cannot_serve_them() {
        let index = index_from_describe_json(JSON).unwrap();
        assert!(unserved(&index, "us-east-1", false, false).is_empty());
        let dual = unserved(&index, "us-east-1", true, false);
        assert_eq!(dual.len(), 2, "{dual:#?}");
        assert!(
            dual.iter().all(|l| l.contains("serves IPv4 only")),
            "{dual:#?}"
        );
        assert!(dual[0].contains("`kms` endpoint vpce-0aaa"), "{dual:#?}");
        assert!(
            dual[1].contains("`kms-fips` endpoint vpce-0bbb"),
            "{dual:#?}"
        );
        // KMS has its FIPS endpoint; EC2 has none.
        let fips = unserved(&index, "us-east-1", false, true);
        assert_eq!(fips.len(), 1, "{fips:#?}");
        assert!(
            fips[0].contains("`ec2` has no usable FIPS endpoint (`ec2-fips`)"),
            "{fips:#?}"
        );
        // Another region: nothing of this one is named.
        assert!(unserved(&index, "eu-west-1", true, true).is_empty());
    }
}
