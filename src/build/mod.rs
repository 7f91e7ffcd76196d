//! The build steps, in order: the policy, the source (`choose_source`), where this process runs
//! (`locate`), the mapping settings, the cache and its first load (then what the `SdkConfig`'s
//! dual-stack and FIPS choices need that the endpoints lack: `choices`), then both modes wired to
//! the VPC's cell (`wire_modes`). EC2's source and location are in `ec2` (feature `ec2`).

mod choices;
#[cfg(feature = "ec2")]
mod ec2;
mod parts;
#[cfg(feature = "s3")]
mod s3;

use std::path::PathBuf;
use std::sync::Arc;

use aws_smithy_async::time::{SharedTimeSource, SystemTimeSource};
use aws_types::SdkConfig;
use privatelink_core::ErrorChain;
use privatelink_core::{Policy, PublicHosts, RewriteConfig};
use privatelink_discovery::{
    ENDPOINTS_FILE_ENV, ENDPOINTS_URL_ENV, EndpointCache, Environment, FileSource, Location,
    SharedSource,
};
use privatelink_interceptor::PrivateLinkInterceptor;

use crate::dial::{DialResolver, Pending};
#[cfg(not(feature = "s3"))]
use crate::error::EndpointsUrlError;
use crate::error::{BuildError, EnvironmentError};
use crate::handle::{Inner, PrivateLink};
use crate::settings::{POLICY_ENV, Settings};
use parts::{Located, Source};

/// `settings` (already checked) to a handle; `dial` holds the resolvers `load_config` gave its
/// loader, to be bound now.
pub(crate) async fn build(
    mut settings: Settings,
    dial: Option<Pending>,
) -> Result<PrivateLink, BuildError> {
    let env = settings.env.clone().unwrap_or_else(Environment::process);
    let policy = resolve_policy(&settings, &env)?;
    #[cfg(feature = "dial")]
    resolve_trust(&mut settings, &env)?;
    if settings.start_empty && policy != Policy::Prefer {
        return Err(BuildError::StartEmptyNeedsPrefer);
    }
    let source = choose_source(&mut settings, &env, dial.as_ref()).await?;
    if settings.uses_hub() && !source.is_ec2() {
        return Err(BuildError::HubNeedsEc2);
    }
    let located = locate(&settings, &source, env).await?;
    let rewrite = rewrite_config(&mut settings, policy, &located)?;
    let cache = cache_for(&settings, source.into_shared())?;
    first_load(&settings, &cache, &located.key).await?;
    choices::warn_unserved(
        settings.sdk_config.as_ref(),
        cache.cell(&located.key).current().as_deref(),
    );
    Ok(wire_modes(settings, cache, located, rewrite, dial))
}

/// `load_config`: the loader gets dial mode's HTTPS client over resolvers not bound yet; the
/// configuration it loads discovers the endpoints, then the resolvers are bound.
#[cfg(feature = "dial")]
pub(crate) async fn load_config(
    mut settings: Settings,
    loader: aws_config::ConfigLoader,
) -> Result<(PrivateLink, SdkConfig), BuildError> {
    let env = settings.env.clone().unwrap_or_else(Environment::process);
    resolve_trust(&mut settings, &env)?;
    // Discovery's own resolver only where discovery makes calls of its own (EC2).
    let dial = pending_dial(&mut settings, cfg!(feature = "ec2"));
    let sdk_config = loader.http_client(dial.http_client()).load().await;
    settings.sdk_config = Some(sdk_config.clone());
    let privatelink = build(settings, Some(dial)).await?;
    Ok((privatelink, sdk_config))
}

/// The policy: set in code, else `PRIVATELINK_POLICY`, else `Prefer`.
fn resolve_policy(settings: &Settings, env: &Environment) -> Result<Policy, BuildError> {
    if let Some(policy) = settings.policy {
        return Ok(policy);
    }
    match env.var(POLICY_ENV) {
        None => Ok(Policy::default()),
        Some(value) => value.parse().map_err(|source| {
            BuildError::Environment(EnvironmentError {
                variable: POLICY_ENV,
                source,
            })
        }),
    }
}

/// Dial mode's trust store: set in code, else the CA bundle set in code, else the one
/// `PRIVATELINK_CA_BUNDLE` names, else the platform's; a bundle is read and checked now.
#[cfg(feature = "dial")]
fn resolve_trust(settings: &mut Settings, env: &Environment) -> Result<(), BuildError> {
    if settings.trust_store.is_some() {
        return Ok(());
    }
    let (path, variable) = match settings.ca_bundle.take() {
        Some(path) => (path, None),
        None => match env.var(crate::settings::CA_BUNDLE_ENV) {
            Some(path) if !path.is_empty() => (path.into(), Some(crate::settings::CA_BUNDLE_ENV)),
            _ => return Ok(()),
        },
    };
    let store = crate::dial::ca_bundle::read(&path, variable).map_err(BuildError::CaBundle)?;
    settings.trust_store = Some(store);
    Ok(())
}

/// A source set in code, else an endpoint file (setting, then `PRIVATELINK_ENDPOINTS_FILE`), else
/// an export document in S3 (setting, then `PRIVATELINK_ENDPOINTS_URL`; feature `s3`), else EC2
/// (feature `ec2`; needs an `SdkConfig`).
async fn choose_source(
    settings: &mut Settings,
    env: &Environment,
    dial: Option<&Pending>,
) -> Result<Source, BuildError> {
    if let Some(source) = settings.source.take() {
        return Ok(Source::Static(source));
    }
    let file = settings
        .endpoints_file
        .take()
        .or_else(|| env.var(ENDPOINTS_FILE_ENV).map(PathBuf::from));
    if let Some(path) = file {
        return Ok(Source::Static(SharedSource::new(FileSource::new(path))));
    }
    #[cfg(feature = "s3")]
    let url = settings.endpoints_url.take();
    #[cfg(not(feature = "s3"))]
    let url: Option<String> = None;
    if let Some(url) = url.or_else(|| env.var(ENDPOINTS_URL_ENV)) {
        #[cfg(feature = "s3")]
        return s3::source(settings, &url);
        #[cfg(not(feature = "s3"))]
        return Err(BuildError::EndpointsUrl(EndpointsUrlError::feature_off(
            &url,
        )));
    }
    #[cfg(feature = "ec2")]
    return ec2::source(settings, dial).await;
    #[cfg(not(feature = "ec2"))]
    {
        let _ = dial;
        Err(BuildError::NoSource)
    }
}

/// EC2 needs a location, which metadata may supply; a static source only uses what is
/// configured (and an empty key means all its endpoints).
async fn locate(
    settings: &Settings,
    source: &Source,
    env: Environment,
) -> Result<Located, BuildError> {
    match source {
        #[cfg(feature = "ec2")]
        Source::Ec2(_, discovery) => ec2::locate(settings, discovery, env).await,
        // This process's VPC, which the document must describe: configured, else metadata.
        #[cfg(all(feature = "s3", feature = "ec2"))]
        Source::Shared(_, sdk_config) => ec2::locate(settings, sdk_config, env).await,
        #[cfg(all(feature = "s3", not(feature = "ec2")))]
        Source::Shared(..) => configured(settings, env),
        Source::Static(_) => configured(settings, env),
    }
}

/// The VPC id and zone from settings or the environment only.
fn configured(settings: &Settings, env: Environment) -> Result<Located, BuildError> {
    let (vpc_id, zone) = env.configured(settings.vpc_id.clone(), settings.zone.clone());
    Ok(Located {
        key: vpc_id.unwrap_or_default(),
        location: None,
        zone,
    })
}

/// The mapping settings: the builder's, with the policy, the zone, the home region (the
/// `SdkConfig`'s: what an excluded service may reach under strict, a gateway endpoint) and the
/// gateway rule.
fn rewrite_config(
    settings: &mut Settings,
    policy: Policy,
    located: &Located,
) -> Result<RewriteConfig, BuildError> {
    let mut mapping = std::mem::take(&mut settings.mapping).policy(policy);
    mapping.set_zone(located.zone.clone());
    mapping.set_region(
        settings
            .sdk_config
            .as_ref()
            .and_then(SdkConfig::region)
            .map(ToString::to_string),
    );
    let inside_vpc = located
        .location
        .as_ref()
        .is_some_and(Location::is_inside_vpc);
    // A hub's gateway endpoints carry the hub VPC's traffic, never this process's.
    let gateways = !settings.uses_hub() && settings.gateway_endpoints.applies(policy, inside_vpc);
    mapping
        .gateway_endpoints(gateways)
        .build()
        .map_err(BuildError::Config)
}

/// The cache over `source`, on the `SdkConfig`'s clock and sleep when it has them.
fn cache_for(settings: &Settings, source: SharedSource) -> Result<EndpointCache, BuildError> {
    let mut cache = EndpointCache::builder()
        .source(source)
        .config(settings.cache.clone());
    if let Some(sdk) = &settings.sdk_config {
        if let Some(time) = sdk.time_source() {
            cache = cache.time_source(time);
        }
        if let Some(sleep) = sdk.sleep_impl() {
            cache = cache.sleep_impl(sleep);
        }
    }
    cache.build().map_err(BuildError::Cache)
}

/// The first load. A failure fails the build, unless `start_empty` is set.
async fn first_load(
    settings: &Settings,
    cache: &EndpointCache,
    key: &str,
) -> Result<(), BuildError> {
    match cache.load(key).await {
        Ok(index) => tracing::debug!(
            vpc_id = %key,
            endpoints = index.endpoints().len(),
            usable_targets = index.usable_count(),
            "privatelink ready"
        ),
        Err(error) if settings.start_empty => tracing::warn!(
            vpc_id = %key,
            error = %ErrorChain(&error),
            "privatelink starts without endpoints; retrying in the background"
        ),
        Err(error) => return Err(BuildError::Discovery(error)),
    }
    Ok(())
}

/// Dial mode's resolvers, not bound yet, and its trust store, from the settings; with
/// `for_discovery`, discovery's own resolver too (`load_config`).
fn pending_dial(settings: &mut Settings, for_discovery: bool) -> Pending {
    Pending::new(
        settings.dns_resolver.take(),
        settings.dial_dns_ttl,
        settings.dial_dns_timeout,
        for_discovery,
        #[cfg(feature = "dial")]
        crate::dial::ClientSettings {
            trust_store: settings.trust_store.take().unwrap_or_default(),
            proxy: settings.proxy.take(),
            crypto_mode: settings.crypto_mode.take(),
        },
    )
}

/// Both modes over the VPC's cell: the interceptor, and dial mode's resolver and HTTPS client
/// (those `load_config` made, bound now). Each keeps the background refresh alive.
fn wire_modes(
    mut settings: Settings,
    cache: EndpointCache,
    located: Located,
    rewrite: RewriteConfig,
    dial: Option<Pending>,
) -> PrivateLink {
    let cell = cache.cell(&located.key);
    let time = settings
        .sdk_config
        .as_ref()
        .and_then(SdkConfig::time_source)
        .unwrap_or_else(|| SharedTimeSource::new(SystemTimeSource::new()));
    let dial = match dial {
        Some(dial) => dial,
        None => pending_dial(&mut settings, false),
    };
    // The public hosts both modes leave requests on (what strict would refuse), one record.
    let public_hosts = Arc::new(PublicHosts::new());
    let bind = |resolver: &DialResolver, config: RewriteConfig, record| {
        resolver.bind(
            cell.clone(),
            config,
            time.clone(),
            Some(cache.keep_alive()),
            record,
        )
    };
    // Discovery's own calls are never refused (as in rewrite mode, where its client has no
    // interceptor): they use the EC2 endpoint when there is one, else the default host. They
    // are not the process's requests: not recorded.
    if let Some(discovery) = &dial.discovery_resolver {
        bind(discovery, rewrite.with_policy(Policy::Prefer), None);
    }
    bind(&dial.resolver, rewrite.clone(), Some(public_hosts.clone()));
    let interceptor = PrivateLinkInterceptor::new(cell.clone(), rewrite)
        .with_public_hosts(public_hosts.clone())
        .with_keep_alive(cache.keep_alive());
    PrivateLink::from(Inner {
        cache,
        key: located.key,
        location: located.location,
        cell,
        interceptor,
        public_hosts,
        #[cfg(feature = "dial")]
        http_client: dial.http_client(),
        resolver: dial.resolver,
    })
}
