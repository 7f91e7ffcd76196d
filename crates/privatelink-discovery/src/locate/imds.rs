//! EC2 instance metadata (IMDSv2, through `aws_config::imds` on the `SdkConfig`'s HTTP client):
//! the VPC of the primary interface (`mac` → `network/interfaces/macs/<mac>/vpc-id`), the zone
//! (`placement/availability-zone`) and its id (`placement/availability-zone-id`).

use aws_config::imds;
use privatelink_core::ErrorChain;

use super::Locator;
use crate::location::{FoundBy, Location};

/// The location from instance metadata; `zone`, when known, is kept. The error names the path
/// that failed.
pub(super) async fn locate(locator: &Locator, zone: Option<String>) -> Result<Location, String> {
    let mut builder = imds::Client::builder().configure(&locator.provider_config);
    if let Some(endpoint) = &locator.imds_endpoint {
        builder = builder.endpoint(endpoint).map_err(|e| e.to_string())?;
    }
    let client = builder.build();
    let get = |path: String| {
        let client = client.clone();
        async move {
            client
                .get(format!("/latest/meta-data/{path}"))
                .await
                .map(|v| v.as_ref().trim().to_owned())
                .map_err(|e| format!("{path}: {}", ErrorChain(&e)))
        }
    };
    let mac = get("mac".into()).await?;
    let vpc_id = get(format!("network/interfaces/macs/{mac}/vpc-id")).await?;
    let zone = match zone {
        Some(zone) => Some(zone),
        None => Some(get("placement/availability-zone".into()).await?),
    };
    let zone_id = get("placement/availability-zone-id".into()).await.ok();
    Ok(Location {
        vpc_id,
        zone,
        zone_id,
        found_by: FoundBy::InstanceMetadata,
    })
}
