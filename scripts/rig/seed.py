"""Seeds the moto rig and turns on SigV4 checking. Prints shell `export` lines.

Run: python seed.py https://127.0.0.1:PORT CA.pem
"""
import json
import sys

import boto3
import requests

endpoint, ca = sys.argv[1], sys.argv[2]
requests.post(endpoint + "/moto-api/reset-auth", data=b"inf", verify=ca)  # no checks while seeding
kwargs = dict(region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id="seed",
              aws_secret_access_key="seed", verify=ca)
iam, ec2 = boto3.client("iam", **kwargs), boto3.client("ec2", **kwargs)
iam.create_user(UserName="privatelink-rig")
iam.put_user_policy(UserName="privatelink-rig", PolicyName="all", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
key = iam.create_access_key(UserName="privatelink-rig")["AccessKey"]
# A user that may not call DescribeVpcEndpoints (the CLI's access-denied path).
iam.create_user(UserName="privatelink-rig-denied")
iam.put_user_policy(UserName="privatelink-rig-denied", PolicyName="none", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ec2:*", "Resource": "*"}]}))
denied = iam.create_access_key(UserName="privatelink-rig-denied")["AccessKey"]
vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
           for i, zone in enumerate(["us-east-1a", "us-east-1b"], 1)]
ids = {}
for service, private_dns in [("s3", False), ("ec2", True), ("kinesis-streams", False)]:
    created = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.us-east-1.{service}",
                                      VpcEndpointType="Interface", SubnetIds=subnets, PrivateDnsEnabled=private_dns)
    ids[service] = created["VpcEndpoint"]["VpcEndpointId"]
ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.s3", VpcEndpointType="Gateway")
ec2.create_tags(Resources=[ids["kinesis-streams"]], Tags=[{"Key": "privatelink:state", "Value": "pending"}])
# A second VPC for dial mode: STS and S3 interface endpoints, private DNS off, and a role to assume.
dial_vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
dial_subnet = ec2.create_subnet(VpcId=dial_vpc, CidrBlock="10.1.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
for service in ["sts", "s3"]:
    ec2.create_vpc_endpoint(VpcId=dial_vpc, ServiceName=f"com.amazonaws.us-east-1.{service}",
                            VpcEndpointType="Interface", SubnetIds=[dial_subnet], PrivateDnsEnabled=False)
role = iam.create_role(RoleName="privatelink-rig-role", AssumeRolePolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}))
iam.put_role_policy(RoleName="privatelink-rig-role", PolicyName="all", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
# A VPC with a cross-region endpoint: KMS of us-west-2 from us-east-1, beside EC2 of its own region.
cross_vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
cross_subnet = ec2.create_subnet(VpcId=cross_vpc, CidrBlock="10.2.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
for service_name in ["com.amazonaws.us-west-2.kms", "com.amazonaws.us-east-1.ec2"]:
    ec2.create_vpc_endpoint(VpcId=cross_vpc, ServiceName=service_name, VpcEndpointType="Interface",
                            SubnetIds=[cross_subnet], PrivateDnsEnabled=False)
# EKS pods with the VPC CNI: a pod's address on an interface of the main VPC; and one address on
# interfaces of two VPCs with the same CIDR block (a "twin" of the main VPC), which is ambiguous.
ec2.create_network_interface(SubnetId=subnets[0], PrivateIpAddress="10.0.1.50")
twin_vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
twin_subnet = ec2.create_subnet(VpcId=twin_vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
for subnet in [subnets[0], twin_subnet]:
    ec2.create_network_interface(SubnetId=subnet, PrivateIpAddress="10.0.1.77")
# A Fargate task's network interface in the main VPC (its MAC address locates the task).
eni = ec2.create_network_interface(SubnetId=subnets[0])["NetworkInterface"]
# The hub: a shared-services VPC in another account, with STS and S3 interface endpoints in two
# zones, and the role spokes assume to discover them (moto switches accounts by role ARN).
sts = boto3.client("sts", **kwargs)
hub_account = "222222222222"
hub_keys = sts.assume_role(RoleArn=f"arn:aws:iam::{hub_account}:role/seed", RoleSessionName="seed")["Credentials"]
hub_kwargs = dict(kwargs, aws_access_key_id=hub_keys["AccessKeyId"], aws_secret_access_key=hub_keys["SecretAccessKey"],
                  aws_session_token=hub_keys["SessionToken"])
hub_iam, hub_ec2 = boto3.client("iam", **hub_kwargs), boto3.client("ec2", **hub_kwargs)
hub_role = hub_iam.create_role(RoleName="privatelink-hub", AssumeRolePolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}))
hub_iam.put_role_policy(RoleName="privatelink-hub", PolicyName="describe", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["ec2:Describe*"], "Resource": "*"}]}))
# The oracle for zone translation, asked of each account: the hub's name for the spoke's us-east-1a.
spoke_zone_id = ec2.describe_availability_zones(ZoneNames=["us-east-1a"])["AvailabilityZones"][0]["ZoneId"]
hub_zone = hub_ec2.describe_availability_zones(ZoneIds=[spoke_zone_id])["AvailabilityZones"][0]["ZoneName"]
assert hub_zone != "us-east-1a", "the shim maps the hub account's zones like the spoke's"
hub_vpc = hub_ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
# Subnets in the hub's zone for the spoke's physical zone, and in its (other) `us-east-1a`.
hub_subnets = [hub_ec2.create_subnet(VpcId=hub_vpc, CidrBlock=f"10.9.{i}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
               for i, zone in enumerate([hub_zone, "us-east-1a"], 1)]
for service in ["sts", "s3"]:
    hub_ec2.create_vpc_endpoint(VpcId=hub_vpc, ServiceName=f"com.amazonaws.us-east-1.{service}",
                                VpcEndpointType="Interface", SubnetIds=hub_subnets, PrivateDnsEnabled=False)
# A VPC on the path to strict: an EC2 endpoint in two zones, nothing else (`privatelink plan`).
plan_vpc = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
plan_subnets = [ec2.create_subnet(VpcId=plan_vpc, CidrBlock=f"10.3.{i}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
                for i, zone in enumerate(["us-east-1a", "us-east-1b"], 1)]
ec2.create_vpc_endpoint(VpcId=plan_vpc, ServiceName="com.amazonaws.us-east-1.ec2", VpcEndpointType="Interface",
                        SubnetIds=plan_subnets, PrivateDnsEnabled=False)
s3 = ec2.describe_vpc_endpoints(VpcEndpointIds=[ids["s3"]])["VpcEndpoints"][0]
s3_names = [entry["DnsName"].removeprefix("*.") for entry in s3["DnsEntries"]]
requests.post(endpoint + "/moto-api/reset-auth", data=b"0", verify=ca)  # every later request must be signed
print(f"export PRIVATELINK_RIG_ACCESS_KEY={key['AccessKeyId']}")
print(f"export PRIVATELINK_RIG_SECRET_KEY={key['SecretAccessKey']}")
print(f"export PRIVATELINK_RIG_DENIED_ACCESS_KEY={denied['AccessKeyId']}")
print(f"export PRIVATELINK_RIG_DENIED_SECRET_KEY={denied['SecretAccessKey']}")
print(f"export PRIVATELINK_RIG_VPC={vpc}")
print(f"export PRIVATELINK_RIG_DIAL_VPC={dial_vpc}")
print(f"export PRIVATELINK_RIG_CROSS_VPC={cross_vpc}")
print(f"export PRIVATELINK_RIG_PLAN_VPC={plan_vpc}")
print(f"export PRIVATELINK_RIG_PLAN_SUBNETS='{' '.join(sorted(plan_subnets))}'")
print(f"export PRIVATELINK_RIG_ROLE_ARN={role['Role']['Arn']}")
print(f"export PRIVATELINK_RIG_S3_ENDPOINT={ids['s3']}")
print(f"export PRIVATELINK_RIG_FARGATE_MAC={eni['MacAddress']}")
print("export PRIVATELINK_RIG_POD_ADDRESS=10.0.1.50")
print("export PRIVATELINK_RIG_SHARED_ADDRESS=10.0.1.77")
print(f"export PRIVATELINK_RIG_TWIN_VPC={twin_vpc}")
print(f"export PRIVATELINK_RIG_HUB_ROLE_ARN={hub_role['Role']['Arn']}")
print(f"export PRIVATELINK_RIG_HUB_VPC={hub_vpc}")
print(f"export PRIVATELINK_RIG_SPOKE_ZONE_ID={spoke_zone_id}")
print(f"export PRIVATELINK_RIG_HUB_ZONE={hub_zone}")
print(f"export PRIVATELINK_RIG_S3_NAMES='{' '.join(s3_names)}'")
