"""moto 5.2.5 EC2 server patched to behave like EC2 for interface endpoints.

Run: python moto_vpce_server.py -H 127.0.0.1 -p PORT [-c CERT -k KEY]

Changes to stock moto (each is needed by privatelink's end-to-end tests):
1. Hosts `<x>.<svc>.<region>.vpce.amazonaws.com` are read as `<region>` (stock moto reads the
   region `vpce` and answers 500).
2. Interface endpoints get realistic DnsEntries: the regional name, one zonal name per subnet AZ,
   `*.` names for S3, and the private DNS name when private DNS is enabled (stock moto makes one
   unrealistic name).
3. The tag `privatelink:state` overrides an endpoint's state (e.g. `pending`), so tests can take
   an endpoint out of service.
4. The `vpc-endpoint-id` filter works (stock: 500).
5. MaxResults / NextToken paginate DescribeVpcEndpoints (stock: ignored).
6. GET /privatelink/counts answers how many requests and DescribeVpcEndpoints calls arrived.
7. The `mac-address` filter of DescribeNetworkInterfaces works (stock: 500), for Fargate location.
8. AssumeRoleWithWebIdentity needs no signature (as in AWS; stock moto checks one once auth is on).
9. Account HUB_ACCOUNT maps zone names to other zone ids than every other account (stock: one
   mapping for all), as AWS does per account, so hub-VPC zone translation can be tested.
10. Cross-region endpoints: a service name of another region (`com.amazonaws.<B>.<svc>`) gets
    `ServiceRegion: <B>` and names of region B whose zonal names carry the VPC's zones
    (`vpce-…-<A-zone>.<svc>.<B>.vpce.amazonaws.com`), the shape AWS's regional DNS for such
    endpoints implies; stock moto has no ServiceRegion.
11. DescribeVpcEndpointServices lists STS (`com.amazonaws.<region>.sts`), as AWS does (stock moto
    lists only the services whose backends declare one), so `privatelink plan` can be proved
    with a service the SDK tests call.
"""
import json
import random
import re
import string
import sys

from moto.core.responses import ActionResult, BaseResponse

BaseResponse.region_regex = re.compile(
    r"\.(?P<region>[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d)\.(?:vpce\.)?amazonaws\.com"
)

from moto.ec2.models.vpcs import VPCBackend, VPCEndPoint  # noqa: E402
from moto.ec2.responses.vpcs import VPCs  # noqa: E402

REGIONAL_ZONE = "Z7HUB22UULQXV"
HUB_ACCOUNT = "222222222222"
PRIVATE_ZONE = "Z04436472PRIVATELINKRIG"
COUNTS = {"requests": 0, "describe_vpc_endpoints": 0}


SERVICE_REGION = re.compile(r"com\.amazonaws\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.")


def service_region(service_name, region):
    """The region a service name names (`com.amazonaws.us-west-2.kms` -> `us-west-2`), else `region`."""
    match = SERVICE_REGION.match(service_name or "")
    return match.group(1) if match else region


def endpoint_label(service_name, region):
    """`com.amazonaws.us-east-1.ecr.api` -> `api.ecr`, as the DNS names spell it."""
    prefix = f"com.amazonaws.{region}."
    service = service_name[len(prefix):] if service_name.startswith(prefix) else service_name.split(".")[-1]
    special = {"kinesis-streams": "kinesis", "kinesis-firehose": "firehose"}
    service = special.get(service, service)
    return ".".join(reversed(service.split(".")))


_create = VPCBackend.create_vpc_endpoint


def create_vpc_endpoint(self, *args, **kwargs):
    endpoint = _create(self, *args, **kwargs)
    if (endpoint.vpc_endpoint_type or "").lower() == "interface":
        # The service's region: the VPC's, or another one for a cross-region endpoint.
        region = service_region(endpoint.service_name, self.region_name)
        endpoint.service_region = region
        label = endpoint_label(endpoint.service_name, region)
        suffix = "".join(random.choices(string.ascii_lowercase + string.digits, k=8))
        star = "*." if label == "s3" else ""
        base = f"{endpoint.id}-{suffix}"
        entries = [{"dns_name": f"{star}{base}.{label}.{region}.vpce.amazonaws.com", "hosted_zone_id": REGIONAL_ZONE}]
        for subnet_id in endpoint.subnet_ids or []:
            zone = self.get_subnet(subnet_id).availability_zone
            entries.append(
                {"dns_name": f"{star}{base}-{zone}.{label}.{region}.vpce.amazonaws.com", "hosted_zone_id": REGIONAL_ZONE}
            )
        if endpoint.private_dns_enabled:
            entries.append({"dns_name": f"{label}.{region}.amazonaws.com", "hosted_zone_id": PRIVATE_ZONE})
        endpoint.dns_entries = entries
    return endpoint


VPCBackend.create_vpc_endpoint = create_vpc_endpoint

from moto.core.base_backend import BaseBackend  # noqa: E402

_collect_services = VPCBackend._collect_default_endpoint_services


def collect_default_endpoint_services(account_id, region):
    services = _collect_services(account_id, region)
    if not any(s["ServiceName"] == f"com.amazonaws.{region}.sts" for s in services):
        zones = sorted({zone for s in services for zone in s.get("AvailabilityZones", [])})
        services.extend(BaseBackend.default_vpc_endpoint_service_factory(region, zones, "sts"))
    return services


VPCBackend._collect_default_endpoint_services = staticmethod(collect_default_endpoint_services)

from moto.ec2.models.availability_zones_and_regions import RegionsAndZonesBackend, Zone  # noqa: E402
from moto.ec2.models.elastic_network_interfaces import NetworkInterface  # noqa: E402
from moto.core.authorization import ActionAuthenticatorMixin  # noqa: E402

_describe_zones = RegionsAndZonesBackend.describe_availability_zones


def describe_availability_zones(self, filters=None, zone_names=None, zone_ids=None):
    if self.account_id != HUB_ACCOUNT:
        return _describe_zones(self, filters, zone_names, zone_ids)
    # The hub account's zone names sit one physical zone further on: its `a` is the others' `b`.
    zones = _describe_zones(self)
    ids = [z.zone_id for z in zones]
    shifted = [Zone(region_name=z.region_name, name=z.name, zone_id=ids[(i + 1) % len(ids)], zone_type=z.zone_type)
               for i, z in enumerate(zones)]
    wanted = dict(filters or {})  # moto passes {name: [values]}
    for key, attr in (("zone-id", "zone_id"), ("zone-name", "name")):
        if key in wanted:
            values = wanted[key] if isinstance(wanted[key], list) else [wanted[key]]
            shifted = [z for z in shifted if getattr(z, attr) in values]
    return [z for z in shifted if (not zone_ids or z.zone_id in zone_ids) and (not zone_names or z.name in zone_names)]


RegionsAndZonesBackend.describe_availability_zones = describe_availability_zones

_eni_filter = NetworkInterface.get_filter_value


def eni_filter_value(self, filter_name, method_name=None):
    if filter_name == "mac-address":
        return self.mac_address
    return _eni_filter(self, filter_name, method_name)


NetworkInterface.get_filter_value = eni_filter_value

_authenticate = ActionAuthenticatorMixin._authenticate_and_authorize_action


def authenticate(self, iam_request_cls, resource="*"):
    if self._get_action() == "AssumeRoleWithWebIdentity":
        return
    return _authenticate(self, iam_request_cls, resource)


ActionAuthenticatorMixin._authenticate_and_authorize_action = authenticate


def _get_state(self):
    for tag in self.get_tags():
        if tag["key"] == "privatelink:state":
            return tag["value"]
    return self._state


def _set_state(self, value):
    self._state = value


VPCEndPoint.state = property(_get_state, _set_state)

_filter_value = VPCEndPoint.get_filter_value


def get_filter_value(self, name, method_name=None):
    if name == "vpc-endpoint-id":
        return self.id
    return _filter_value(self, name, method_name)


VPCEndPoint.get_filter_value = get_filter_value


def describe_vpc_endpoints(self):
    COUNTS["describe_vpc_endpoints"] += 1
    endpoints = self.ec2_backend.describe_vpc_endpoints(
        vpc_end_point_ids=self._get_param("VpcEndpointIds", []), filters=self._filters_from_querystring()
    )
    start = int(self._get_param("NextToken") or 0)
    size = int(self._get_param("MaxResults") or 1000)
    result = {"VpcEndpoints": endpoints[start:start + size]}
    if start + size < len(endpoints):
        result["NextToken"] = str(start + size)
    return ActionResult(result)


VPCs.describe_vpc_endpoints = describe_vpc_endpoints

from moto.server import DomainDispatcherApplication  # noqa: E402

_dispatch = DomainDispatcherApplication.__call__


def dispatch(self, environ, start_response):
    if environ.get("PATH_INFO") == "/privatelink/counts":
        body = json.dumps(COUNTS).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
    if not environ.get("PATH_INFO", "").startswith("/moto-api"):
        COUNTS["requests"] += 1
    return _dispatch(self, environ, start_response)


DomainDispatcherApplication.__call__ = dispatch

from moto.server import main  # noqa: E402

main(sys.argv[1:])
