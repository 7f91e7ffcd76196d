//! The hourly price of an interface endpoint in one zone, read from AWS's published price: the
//! AWS Price List offer file of the `AmazonVPC` service (its `products` and `terms.OnDemand`).

use std::fmt;

use serde_json::Value;

/// The most bytes of an offer file read: a region's AmazonVPC file is a few MB.
pub(crate) const MAX_OFFER_BYTES: u64 = 256 * 1024 * 1024;

/// An interface endpoint's price per zone and hour in a region.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ZoneHourPrice {
    /// The price, as the file writes it (`0.0100000000`).
    pub(crate) amount: String,
    /// Its value.
    pub(crate) value: f64,
    /// The currency (`USD`, `CNY`).
    pub(crate) currency: String,
    /// The product's usage type (`USE1-VpcEndpoint-Hours`).
    pub(crate) usage_type: String,
    /// The offer file's `publicationDate`.
    pub(crate) published: Option<String>,
}

/// What is wrong with an offer file.
#[derive(Debug, PartialEq)]
pub(crate) enum PriceError {
    /// Not JSON, or not an offer file (no `products` object).
    NotAnOffer(String),
    /// An offer file of another service than `AmazonVPC`.
    OtherService(String),
    /// No interface endpoint hours are priced for the region.
    NoPrice { region: String },
    /// The file prices interface endpoint hours in the region more than one way.
    Ambiguous { region: String, prices: Vec<String> },
}

impl fmt::Display for PriceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PriceError::NotAnOffer(why) => write!(
                f,
                "not an AWS Price List offer file ({why}); expected the AmazonVPC file of the region"
            ),
            PriceError::OtherService(code) => write!(
                f,
                "an offer file of `{code}`, not `AmazonVPC`: interface endpoint hours are priced in AmazonVPC's"
            ),
            PriceError::NoPrice { region } => write!(
                f,
                "the offer file prices no interface endpoint hours (product family `VpcEndpoint`, usage type `…-VpcEndpoint-Hours`, unit `Hrs`) in {region}: is it the file of {region}?"
            ),
            PriceError::Ambiguous { region, prices } => write!(
                f,
                "the offer file prices interface endpoint hours in {region} in several ways ({}); pass the file of one region",
                prices.join(", ")
            ),
        }
    }
}

impl std::error::Error for PriceError {}

/// The price per zone and hour of an interface endpoint in `region`: the on-demand price, per
/// `Hrs`, of the `VpcEndpoint` products whose usage type ends in `-VpcEndpoint-Hours` (the
/// interface endpoint's hour; not the Gateway Load Balancer endpoint's nor a data charge) and
/// whose `regionCode` is `region` (a product without one counts: a region's file holds that
/// region only). One price, or an error naming them all.
pub(crate) fn zone_hour_price(offer: &str, region: &str) -> Result<ZoneHourPrice, PriceError> {
    let offer: Value =
        serde_json::from_str(offer).map_err(|e| PriceError::NotAnOffer(e.to_string()))?;
    let products = offer
        .get("products")
        .and_then(Value::as_object)
        .ok_or_else(|| PriceError::NotAnOffer("no `products` object".into()))?;
    if let Some(code) = offer.get("offerCode").and_then(Value::as_str)
        && code != "AmazonVPC"
    {
        return Err(PriceError::OtherService(code.to_owned()));
    }
    let on_demand = offer.pointer("/terms/OnDemand").and_then(Value::as_object);
    let mut found: Vec<ZoneHourPrice> = Vec::new();
    for (sku, product) in products {
        let attribute = |name: &str| product.pointer(&format!("/attributes/{name}"))?.as_str();
        let usage_type = attribute("usagetype").unwrap_or_default();
        let interface_hours = product.get("productFamily").and_then(Value::as_str)
            == Some("VpcEndpoint")
            && usage_type.ends_with("-VpcEndpoint-Hours")
            && attribute("regionCode").is_none_or(|code| code == region);
        if !interface_hours {
            continue;
        }
        let terms = on_demand
            .and_then(|terms| terms.get(sku))
            .and_then(Value::as_object);
        let dimensions = terms
            .into_iter()
            .flat_map(|terms| terms.values())
            .filter_map(|term| term.get("priceDimensions")?.as_object())
            .flat_map(|dimensions| dimensions.values());
        for dimension in dimensions {
            if dimension.get("unit").and_then(Value::as_str) != Some("Hrs") {
                continue;
            }
            let Some(prices) = dimension.get("pricePerUnit").and_then(Value::as_object) else {
                continue;
            };
            for (currency, amount) in prices {
                let Some(amount) = amount.as_str() else {
                    continue;
                };
                let Ok(value) = amount.parse::<f64>() else {
                    return Err(PriceError::NotAnOffer(format!(
                        "price `{amount}` of {sku} is not a number"
                    )));
                };
                found.push(ZoneHourPrice {
                    amount: amount.to_owned(),
                    value,
                    currency: currency.clone(),
                    usage_type: usage_type.to_owned(),
                    published: offer
                        .get("publicationDate")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                });
            }
        }
    }
    found.sort_by(|a, b| (&a.currency, &a.amount).cmp(&(&b.currency, &b.amount)));
    found.dedup_by(|a, b| a.currency == b.currency && a.value == b.value);
    match found.len() {
        0 => Err(PriceError::NoPrice {
            region: region.to_owned(),
        }),
        1 => Ok(found.remove(0)),
        _ => Err(PriceError::Ambiguous {
            region: region.to_owned(),
            prices: found
                .iter()
                .map(|p| format!("{} {} ({})", p.amount, p.currency, p.usage_type))
                .collect(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An offer file in the shape AWS documents ("Reading the service price list file"), with
    /// the products an AmazonVPC file of one region holds beside the interface endpoint hour.
    fn offer(products: &[(&str, &str, &str, &str, &str)]) -> String {
        let mut product_map = serde_json::Map::new();
        let mut terms = serde_json::Map::new();
        for (sku, family, usage_type, unit, price) in products {
            product_map.insert(
                (*sku).into(),
                serde_json::json!({"sku": sku, "productFamily": family,
                    "attributes": {"usagetype": usage_type, "regionCode": "us-east-1",
                        "location": "US East (N. Virginia)"}}),
            );
            terms.insert(
                (*sku).into(),
                serde_json::json!({format!("{sku}.JRTCKXETXF"): {"offerTermCode": "JRTCKXETXF",
                    "sku": sku, "priceDimensions": {format!("{sku}.JRTCKXETXF.6YS6EN2CT7"): {
                        "unit": unit, "pricePerUnit": {"USD": price}}}}}),
            );
        }
        serde_json::json!({"formatVersion": "v1.0", "offerCode": "AmazonVPC",
            "publicationDate": "2026-11-20T18:00:00Z", "products": product_map,
            "terms": {"OnDemand": terms}})
        .to_string()
    }

    #[test]
    fn the_interface_endpoint_hour_is_found_among_the_files_products() {
        let file = offer(&[
            (
                "A1",
                "VpcEndpoint",
                "USE1-VpcEndpoint-Hours",
                "Hrs",
                "0.0100000000",
            ),
            (
                "A2",
                "VpcEndpoint",
                "USE1-VpcEndpoint-Bytes",
                "GB",
                "0.0100000000",
            ),
            (
                "A3",
                "VpcEndpoint",
                "USE1-VpcEndpoint-GWLBE-Hours",
                "Hrs",
                "0.0035000000",
            ),
            (
                "A4",
                "NAT Gateway",
                "USE1-NatGateway-Hours",
                "Hrs",
                "0.0450000000",
            ),
        ]);
        let price = zone_hour_price(&file, "us-east-1").unwrap();
        assert_eq!(price.amount, "0.0100000000");
        assert_eq!(price.value, 0.01);
        assert_eq!(price.currency, "USD");
        assert_eq!(price.usage_type, "USE1-VpcEndpoint-Hours");
        assert_eq!(price.published.as_deref(), Some("2026-11-20T18:00:00Z"));
    }

    #[test]
    fn a_file_that_cannot_give_one_price_is_named() {
        let hour = ("A1", "VpcEndpoint", "USE1-VpcEndpoint-Hours", "Hrs", "0.01");
        assert_eq!(
            zone_hour_price(&offer(&[hour]), "eu-west-1"),
            Err(PriceError::NoPrice {
                region: "eu-west-1".into()
            })
        );
        let other = ("B1", "VpcEndpoint", "USE1-VpcEndpoint-Hours", "Hrs", "0.02");
        assert!(matches!(
            zone_hour_price(&offer(&[hour, other]), "us-east-1"),
            Err(PriceError::Ambiguous { prices, .. }) if prices.len() == 2
        ));
        // The same price twice is one price.
        let twin = (
            "C1",
            "VpcEndpoint",
            "USE1-VpcEndpoint-Hours",
            "Hrs",
            "0.0100",
        );
        assert!(zone_hour_price(&offer(&[hour, twin]), "us-east-1").is_ok());
        let bad = ("A1", "VpcEndpoint", "USE1-VpcEndpoint-Hours", "Hrs", "ten");
        assert!(matches!(
            zone_hour_price(&offer(&[bad]), "us-east-1"),
            Err(PriceError::NotAnOffer(why)) if why.contains("`ten`")
        ));
        assert!(matches!(
            zone_hour_price("{}", "us-east-1"),
            Err(PriceError::NotAnOffer(_))
        ));
        let ec2 = offer(&[hour]).replace("\"AmazonVPC\"", "\"AmazonEC2\"");
        assert_eq!(
            zone_hour_price(&ec2, "us-east-1"),
            Err(PriceError::OtherService("AmazonEC2".into()))
        );
    }
}
