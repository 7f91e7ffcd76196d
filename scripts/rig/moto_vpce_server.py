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
PRIVATE_ZONE = "Z04436472PRIVATELINKRIG"
COUNTS = {"requests": 0, "describe_vpc_endpoints": 0}


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
        region = self.region_name
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
