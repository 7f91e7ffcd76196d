//! Memory of a snapshot: the heap an [`EndpointIndex`] of 1,000 interface endpoints holds (each
//! with a regional and three zonal names, as DescribeVpcEndpoints returns them), counted by
//! dhat. Ends with `value: X KiB`.
//!
//! `cargo bench --workspace --bench memory`

use privatelink_core::{DnsEntry, EndpointIndex, EndpointState, EndpointType, VpcEndpoint};

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

const ENDPOINTS: usize = 1_000;

fn endpoints() -> Vec<VpcEndpoint> {
    (0..ENDPOINTS)
        .map(|n| {
            let id = format!("vpce-{n:017x}");
            // 1,000 distinct labels (a VPC cannot have two endpoints for one service).
            let label = format!("service{n}");
            let mut builder = VpcEndpoint::builder()
                .id(&id)
                .endpoint_type(EndpointType::Interface)
                .vpc_id("vpc-0memory000000001")
                .service_name(format!("com.amazonaws.us-east-1.{label}"))
                .state(EndpointState::Available)
                .private_dns_enabled(true)
                .dns_entry(DnsEntry::new(
                    format!("{id}-abcd1234.{label}.us-east-1.vpce.amazonaws.com"),
                    Some("Z7HUB22UULQXV".into()),
                ));
            for zone in ["us-east-1a", "us-east-1b", "us-east-1c"] {
                builder = builder
                    .dns_entry(DnsEntry::new(
                        format!("{id}-abcd1234-{zone}.{label}.us-east-1.vpce.amazonaws.com"),
                        Some("Z7HUB22UULQXV".into()),
                    ))
                    .subnet_id(format!("subnet-{zone}"));
            }
            builder
                .dns_entry(DnsEntry::new(
                    format!("{label}.us-east-1.amazonaws.com"),
                    Some("ZONEPRIVATE".into()),
                ))
                .build()
                .unwrap()
        })
        .collect()
}

fn main() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let input = endpoints();
    let before = dhat::HeapStats::get().curr_bytes;
    let index = EndpointIndex::new(input);
    let after = dhat::HeapStats::get().curr_bytes;
    assert_eq!(index.usable_count(), ENDPOINTS);
    // The index keeps the endpoints it was given (moved in) and adds its lookup tables.
    let model: usize = index
        .endpoints()
        .iter()
        .map(|e| {
            e.dns_entries()
                .iter()
                .map(|d| d.dns_name().len() + d.hosted_zone_id().map_or(0, str::len))
                .sum::<usize>()
        })
        .sum();
    println!(
        "{ENDPOINTS} endpoints: the index adds {:.0} KiB of lookup tables to the endpoints it holds \
         (their DNS names alone are {:.0} KiB)",
        (after - before) as f64 / 1024.0,
        model as f64 / 1024.0
    );
    let total = after as f64 / 1024.0;
    println!(
        "value: {total:.0} KiB (a snapshot of {ENDPOINTS} interface endpoints, endpoints and tables)"
    );
}
