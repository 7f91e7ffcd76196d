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
s3 = ec2.describe_vpc_endpoints(VpcEndpointIds=[ids["s3"]])["VpcEndpoints"][0]
s3_names = [entry["DnsName"].removeprefix("*.") for entry in s3["DnsEntries"]]
requests.post(endpoint + "/moto-api/reset-auth", data=b"0", verify=ca)  # every later request must be signed
print(f"export PRIVATELINK_RIG_ACCESS_KEY={key['AccessKeyId']}")
print(f"export PRIVATELINK_RIG_SECRET_KEY={key['SecretAccessKey']}")
print(f"export PRIVATELINK_RIG_DENIED_ACCESS_KEY={denied['AccessKeyId']}")
print(f"export PRIVATELINK_RIG_DENIED_SECRET_KEY={denied['SecretAccessKey']}")
print(f"export PRIVATELINK_RIG_VPC={vpc}")
print(f"export PRIVATELINK_RIG_DIAL_VPC={dial_vpc}")
print(f"export PRIVATELINK_RIG_ROLE_ARN={role['Role']['Arn']}")
print(f"export PRIVATELINK_RIG_S3_ENDPOINT={ids['s3']}")
print(f"export PRIVATELINK_RIG_S3_NAMES='{' '.join(s3_names)}'")
