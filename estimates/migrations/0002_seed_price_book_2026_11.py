"""The first price book: AWS list prices, US East (N. Virginia), 2026-11.

Every figure comes from the project's price reference (tests/data/price_reference.json pins each
one to its source). The data lives in this migration, not in app code, so that later changes to
the app can never change what a fresh database is seeded with.
"""

from datetime import date
from decimal import Decimal as D

from django.db import migrations
from django.utils import timezone

BOOK_NAME = "AWS list prices, US East (N. Virginia), 2026-11"
US_EAST_1 = "us-east-1"
ALL = "*"

# Inputs: (key, label, unit, help, options). Rates: (code, label, meters, per_units, unit,
# [(tier start, price)], free_units, grade, source, aws_usage_type).
SERVICES = [
    {
        "code": "kms",
        "name": "AWS Key Management Service (KMS)",
        "offer": "awskms",
        "region": US_EAST_1,
        "summary": "Create and control the keys that encrypt your data; pay per key and per request.",
        "free_tier_note": "The first 20,000 symmetric requests a month are free.",
        "guidance": [
            "Keys are scoped per Region: each multi-Region replica is billed as a key of its own.",
            "AWS managed keys (aws/rds, aws/ebs) and AWS owned keys (SSE-S3) cost nothing to "
            "store; you pay only for the requests that use them.",
            "Automatic rotation of a customer managed key must be enabled; only the first two "
            "rotations of each key add $1 a month each, later ones are free.",
            "Imported key material can only be rotated by hand (a new key behind the same alias).",
            "Copying an encrypted snapshot to another Region re-encrypts it with a key of that "
            "Region, and S3 replication of SSE-KMS objects decrypts and encrypts again: count "
            "those requests in both Regions.",
        ],
        "inputs": [
            ("keys", "Customer managed keys", "keys",
             "Symmetric, asymmetric, HMAC, imported material, each multi-Region replica and "
             "custom key store keys.", {}),
            ("key_rotations", "Billed key rotations", "rotations",
             "The 1st and 2nd rotation of each key (later rotations are free): at most 2 × keys.",
             {"at_most_key": "keys", "at_most_factor": D(2)}),
            ("symmetric_requests", "Symmetric requests", "requests",
             "Encrypt, Decrypt, GenerateDataKey and other symmetric calls, AWS managed keys "
             "included.", {}),
            ("rsa_2048_requests", "RSA 2048 asymmetric requests", "requests",
             "Asymmetric requests with RSA 2048 keys.", {}),
            ("asymmetric_requests", "Other asymmetric requests", "requests",
             "Asymmetric requests with RSA 3072/4096 or ECC keys.", {}),
            ("ecc_key_pair_requests", "ECC GenerateDataKeyPair requests", "requests", "", {}),
            ("rsa_key_pair_requests", "RSA GenerateDataKeyPair requests", "requests", "", {}),
        ],
        "rates": [
            ("keys", "Customer managed keys", "keys", D(1), "key-months",
             [(0, D("1.00"))], 0, "A", "AWS KMS pricing page", "KMS-Keys"),
            ("key_rotations", "Key rotations (1st and 2nd of each key)", "key_rotations", D(1),
             "rotation-months", [(0, D("1.00"))], 0, "A", "AWS Security Blog 2024-04-12", ""),
            ("symmetric_requests", "Symmetric requests", "symmetric_requests", D(10_000),
             "requests", [(0, D("0.03"))], 20_000, "A", "AWS KMS pricing page", "KMS-Requests"),
            ("rsa_2048_requests", "RSA 2048 asymmetric requests", "rsa_2048_requests",
             D(10_000), "requests", [(0, D("0.03"))], 0, "B",
             "AWS Price List (public test fixtures)", ""),
            ("asymmetric_requests", "Other asymmetric requests", "asymmetric_requests",
             D(10_000), "requests", [(0, D("0.15"))], 0, "B",
             "AWS Price List (public test fixtures); Infracost tests", ""),
            ("ecc_key_pair_requests", "ECC GenerateDataKeyPair requests",
             "ecc_key_pair_requests", D(10_000), "requests", [(0, D("0.10"))], 0, "B",
             "AWS Price List (public test fixtures); Infracost tests", ""),
            ("rsa_key_pair_requests", "RSA GenerateDataKeyPair requests",
             "rsa_key_pair_requests", D(10_000), "requests", [(0, D("12.00"))], 0, "B",
             "Three AWS Price List captures", ""),
        ],
    },
    {
        "code": "ssm_parameter_store",
        "name": "AWS Systems Manager Parameter Store",
        "offer": "AWSSystemsManager",
        "region": US_EAST_1,
        "summary": "Configuration and secrets in a hierarchy, optionally encrypted with KMS.",
        "free_tier_note": "Standard parameters and standard-throughput API interactions are free.",
        "guidance": [
            "Standard parameters: up to 4 KB, 10,000 per account and Region, free to store.",
            "Advanced parameters: up to 8 KB, 100,000 per account and Region, and parameter "
            "policies (a TTL that forces sensitive data to be updated or deleted).",
            "Higher throughput makes every API interaction billable, standard ones included.",
            "SecureString parameters use KMS: a customer managed key adds its own key and "
            "request charges.",
        ],
        "inputs": [
            ("standard_parameters", "Standard parameters", "parameters",
             "Up to 4 KB each, at most 10,000 per account and Region.", {"max_value": D(10_000)}),
            ("advanced_parameters", "Advanced parameters", "parameters",
             "Up to 8 KB each, at most 100,000 per account and Region.",
             {"max_value": D(100_000)}),
            ("standard_api_interactions", "API interactions, standard parameters",
             "interactions", "Free at standard throughput.", {}),
            ("advanced_api_interactions", "API interactions, advanced parameters",
             "interactions", "", {}),
            ("higher_throughput", "Higher throughput enabled", "0 or 1",
             "1 if higher throughput is on: then standard interactions are billed too.",
             {"whole": True, "max_value": D(1)}),
        ],
        "rates": [
            ("standard_parameters", "Standard parameters", "standard_parameters", D(1),
             "parameters", [(0, D(0))], 0, "A", "AWS Systems Manager docs", ""),
            ("advanced_parameters", "Advanced parameters", "advanced_parameters", D(1),
             "parameter-months", [(0, D("0.05"))], 0, "A",
             "AWS Systems Manager pricing; Infracost tests", "PS-Advanced-Param-Tier1"),
            ("standard_api_interactions", "API interactions, standard parameters",
             "standard_api_interactions", D(10_000), "interactions", [(0, D(0))], 0, "A",
             "AWS Systems Manager docs", ""),
            ("advanced_api_interactions", "API interactions, advanced parameters",
             "advanced_api_interactions", D(10_000), "interactions", [(0, D("0.05"))], 0, "D",
             "Infracost tests", ""),
            ("higher_throughput", "Standard API interactions at higher throughput",
             "standard_api_interactions higher_throughput", D(10_000), "interactions",
             [(0, D("0.05"))], 0, "A", "AWS Systems Manager docs; Infracost tests", ""),
        ],
    },
    {
        "code": "secrets_manager",
        "name": "AWS Secrets Manager",
        "offer": "AWSSecretsManager",
        "region": US_EAST_1,
        "summary": "Store, rotate and replicate secrets such as database credentials.",
        "free_tier_note": "",
        "guidance": [
            "Rotation every N days is automated by a Lambda function (billed by Lambda).",
            "Each replica in another Region is billed as a secret; replicas stay in sync and "
            "can be promoted for disaster recovery.",
            "Built for RDS, Aurora, MySQL and PostgreSQL credentials; for configuration that "
            "needs no rotation, Parameter Store standard parameters are free.",
            "The 30-day trial for new secrets is not applied here: expiring offers never are.",
        ],
        "inputs": [
            ("secrets", "Secrets", "secrets", "Secrets stored, each month.", {}),
            ("replica_secrets", "Replica secrets", "replicas",
             "Replicas in other Regions, each billed as a secret.", {}),
            ("api_calls", "API calls", "calls", "", {}),
        ],
        "rates": [
            ("secrets", "Secrets", "secrets", D(1), "secret-months", [(0, D("0.40"))], 0, "D",
             "Infracost tests", "AWSSecretsManager-Secrets"),
            ("replica_secrets", "Replica secrets", "replica_secrets", D(1), "replica-months",
             [(0, D("0.40"))], 0, "D", "Infracost tests", ""),
            ("api_calls", "API calls", "api_calls", D(10_000), "calls", [(0, D("0.05"))], 0,
             "D", "Infracost tests", ""),
        ],
    },
    {
        "code": "acm",
        "name": "AWS Certificate Manager (ACM)",
        "offer": "AWSCertificateManager",
        "region": US_EAST_1,
        "summary": "Public TLS certificates for ELB, CloudFront and API Gateway, renewed for you.",
        "free_tier_note": "Public certificates used with integrated services are free.",
        "guidance": [
            "Public certificates on ELB, CloudFront and API Gateway are free and renew "
            "automatically 60 days before they expire.",
            "ACM certificates cannot be installed on EC2 unless they are exportable: those are "
            "billed each time one is issued or renewed.",
            "Imported certificates do not renew; AWS Config's acm-certificate-expiration-check "
            "rule can warn before they expire.",
            "Prefer DNS validation: renewals then need no one to answer an email.",
        ],
        "inputs": [
            ("public_certificates", "Public certificates", "certificates",
             "Used with integrated services (ELB, CloudFront, API Gateway).", {"whole": True}),
            ("exportable_fqdn_certificates", "Exportable certificates, per domain name",
             "certificates", "Issued or renewed this month.", {"whole": True}),
            ("exportable_wildcard_certificates", "Exportable certificates, per wildcard name",
             "certificates", "Issued or renewed this month.", {"whole": True}),
        ],
        "rates": [
            ("public_certificates", "Public certificates", "public_certificates", D(1),
             "certificates", [(0, D(0))], 0, "A", "ACM FAQ", ""),
            ("exportable_fqdn_certificates", "Exportable certificates, per domain name",
             "exportable_fqdn_certificates", D(1), "certificates", [(0, D("15.00"))], 0, "A",
             "AWS News Blog 2025-06-17", ""),
            ("exportable_wildcard_certificates", "Exportable certificates, per wildcard name",
             "exportable_wildcard_certificates", D(1), "certificates", [(0, D("149.00"))], 0,
             "A", "AWS News Blog 2025-06-17", ""),
        ],
    },
    {
        "code": "private_ca",
        "name": "AWS Private Certificate Authority",
        "offer": "AWSCertificateManager",
        "region": US_EAST_1,
        "summary": "Your own private CAs for internal TLS, billed per CA and per certificate.",
        "free_tier_note": "",
        "guidance": [
            "A CA is billed every month from creation until it is deleted, even when it issues "
            "nothing.",
            "Short-lived certificate mode costs $50 a CA-month instead of $400, for "
            "certificates valid up to 7 days.",
            "Certificate prices fall with volume: 1–1,000, 1,001–10,000, then above 10,000 a "
            "month.",
        ],
        "inputs": [
            ("general_purpose_cas", "General-purpose CAs", "CAs", "", {}),
            ("short_lived_cas", "Short-lived certificate CAs", "CAs", "", {}),
            ("private_certificates", "Certificates from general-purpose CAs", "certificates",
             "Issued this month.", {"whole": True}),
            ("short_lived_certificates", "Certificates from short-lived CAs", "certificates",
             "Issued this month.", {"whole": True}),
            ("ocsp_requests", "OCSP requests", "requests", "", {}),
        ],
        "rates": [
            ("general_purpose_cas", "General-purpose CAs", "general_purpose_cas", D(1),
             "CA-months", [(0, D("400.00"))], 0, "A", "AWS Private CA pricing page", ""),
            ("short_lived_cas", "Short-lived certificate CAs", "short_lived_cas", D(1),
             "CA-months", [(0, D("50.00"))], 0, "A", "AWS Private CA pricing page", ""),
            ("private_certificates", "Certificates from general-purpose CAs",
             "private_certificates", D(1), "certificates",
             [(0, D("0.75")), (1_000, D("0.35")), (10_000, D("0.001"))], 0, "D",
             "Infracost tests", ""),
            ("short_lived_certificates", "Certificates from short-lived CAs",
             "short_lived_certificates", D(1), "certificates", [(0, D("0.058"))], 0, "D",
             "Infracost tests", ""),
            ("ocsp_requests", "OCSP requests", "ocsp_requests", D(10_000), "requests",
             [(0, D("0.06"))], 0, "E", "Not verified", ""),
        ],
    },
    {
        "code": "waf",
        "name": "AWS WAF",
        "offer": "awswaf",
        "region": ALL,
        "summary": "Layer-7 firewall for ALB, API Gateway, CloudFront, AppSync and Cognito.",
        "free_tier_note": "Bot Control: the first 10 million common and 1 million targeted "
        "requests a month are free. Fraud Control: the first 10,000 attempts.",
        "guidance": [
            "Same price in every commercial Region. Web ACLs are regional, except those for "
            "CloudFront.",
            "Rules filter by IP set, headers, body and URI (SQL injection, cross-site "
            "scripting), size, geography; rate-based rules count requests for basic DDoS "
            "protection.",
            "Web ACLs protected by Shield Advanced pay no web ACL, rule or base request fee: "
            "leave those at zero if you subscribe.",
            "Above 1,500 WCU a web ACL pays $0.20 per million requests for each 500 WCU more.",
        ],
        "inputs": [
            ("web_acls", "Web ACLs", "web ACLs", "Web ACLs (protection packs).", {}),
            ("rules", "Rules", "rules",
             "Rules, rule groups and managed rule groups, all web ACLs together.", {}),
            ("requests", "Web requests", "requests", "Requests received by all web ACLs.", {}),
            ("extra_wcu_increments", "Extra WCU steps", "500-WCU steps",
             "500-WCU steps above 1,500 WCU per web ACL.", {"whole": True}),
            ("bot_control_web_acls", "Web ACLs with Bot Control", "web ACLs", "", {}),
            ("bot_control_common_requests", "Bot Control requests, common", "requests",
             "Requests inspected at the common level.", {}),
            ("bot_control_targeted_requests", "Bot Control requests, targeted", "requests",
             "Requests inspected at the targeted level.", {}),
            ("fraud_control_web_acls", "Fraud Control rule groups", "rule groups",
             "Account takeover (ATP) or account creation (ACFP) rule groups.", {}),
            ("fraud_control_requests", "Fraud Control attempts", "attempts",
             "Login or sign-up attempts analysed.", {}),
            ("captcha_attempts", "CAPTCHA attempts", "attempts", "CAPTCHA answers submitted.",
             {}),
            ("challenge_responses", "Challenge responses", "responses",
             "Silent challenges served.", {}),
        ],
        "rates": [
            ("web_acls", "Web ACLs", "web_acls", D(1), "web ACL-months", [(0, D("5.00"))], 0,
             "B", "AWS Price List; AWS WAF cost guide", "WebACLV2"),
            ("rules", "Rules", "rules", D(1), "rule-months", [(0, D("1.00"))], 0, "B",
             "AWS Price List; AWS WAF cost guide", "RuleV2"),
            ("requests", "Web requests", "requests", D(1_000_000), "requests",
             [(0, D("0.60"))], 0, "B", "AWS Price List; AWS WAF cost guide", ""),
            ("extra_wcu_increments", "Requests × extra WCU steps",
             "requests extra_wcu_increments", D(1_000_000), "request-steps",
             [(0, D("0.20"))], 0, "C", "AWS WAF cost guide", ""),
            ("bot_control_web_acls", "Web ACLs with Bot Control", "bot_control_web_acls", D(1),
             "web ACL-months", [(0, D("10.00"))], 0, "B", "AWS Price List 2026-09",
             "AMR-BotControl"),
            ("bot_control_common_requests", "Bot Control requests, common",
             "bot_control_common_requests", D(1_000_000), "requests", [(0, D("1.00"))],
             10_000_000, "B", "AWS Price List 2026-09", ""),
            ("bot_control_targeted_requests", "Bot Control requests, targeted",
             "bot_control_targeted_requests", D(1_000_000), "requests", [(0, D("10.00"))],
             1_000_000, "B", "AWS Price List 2026-09", ""),
            ("fraud_control_web_acls", "Fraud Control rule groups", "fraud_control_web_acls",
             D(1), "rule group-months", [(0, D("10.00"))], 0, "B", "AWS Price List 2026-09", ""),
            ("fraud_control_requests", "Fraud Control attempts", "fraud_control_requests",
             D(1_000), "attempts",
             [(0, D("1.00")), (2_000_000, D("0.70")), (5_000_000, D("0.40")),
              (15_000_000, D("0.20")), (30_000_000, D("0.05"))],
             10_000, "B", "AWS Price List 2026-09", ""),
            ("captcha_attempts", "CAPTCHA attempts", "captcha_attempts", D(1_000), "attempts",
             [(0, D("0.40"))], 0, "C", "AWS WAF cost guide", ""),
            ("challenge_responses", "Challenge responses", "challenge_responses", D(1_000_000),
             "responses", [(0, D("0.40"))], 0, "C", "AWS WAF cost guide", ""),
        ],
    },
    {
        "code": "shield",
        "name": "AWS Shield",
        "offer": "AWSShield",
        "region": US_EAST_1,
        "summary": "DDoS protection: Standard is free; Advanced is a subscription per organization.",
        "free_tier_note": "Shield Standard is free for every customer.",
        "guidance": [
            "Shield Standard protects every customer at no charge from SYN/UDP floods, "
            "reflection and other layer 3/4 attacks.",
            "Shield Advanced needs a 1-year commitment: $3,000 a month per organization, plus "
            "data transfer out from the resources it protects.",
            "Advanced adds the DDoS Response Team around the clock, protection from scaling "
            "charges during an attack, and automatic WAF rules against layer-7 attacks.",
            "With Advanced, WAF fees for protected web ACLs and Firewall Manager WAF and Shield "
            "policies are included: leave those at zero.",
        ],
        "inputs": [
            ("advanced_subscriptions", "Shield Advanced subscription", "0 or 1",
             "1 for the organization's subscription (1-year commitment).",
             {"whole": True, "max_value": D(1)}),
            ("cloudfront_dto_gb", "Data transfer out, CloudFront", "GB",
             "From CloudFront distributions protected by Shield Advanced.",
             {"requires_key": "advanced_subscriptions"}),
            ("elb_dto_gb", "Data transfer out, load balancers", "GB",
             "From load balancers protected by Shield Advanced.",
             {"requires_key": "advanced_subscriptions"}),
            ("eip_dto_gb", "Data transfer out, Elastic IPs", "GB",
             "From Elastic IPs protected by Shield Advanced.",
             {"requires_key": "advanced_subscriptions"}),
            ("global_accelerator_dto_gb", "Data transfer out, Global Accelerator", "GB",
             "From accelerators protected by Shield Advanced.",
             {"requires_key": "advanced_subscriptions"}),
        ],
        "rates": [
            ("advanced_subscriptions", "Shield Advanced subscription", "advanced_subscriptions",
             D(1), "subscription-months", [(0, D("3000.00"))], 0, "A",
             "AWS Shield docs; AWS Pricing Calculator", ""),
            ("cloudfront_dto_gb", "Data transfer out, CloudFront", "cloudfront_dto_gb", D(1),
             "GB",
             [(0, D("0.025")), (102_400, D("0.020")), (512_000, D("0.015")),
              (1_024_000, D("0.010"))],
             0, "C", "aws-samples price comparison", ""),
            ("elb_dto_gb", "Data transfer out, load balancers", "elb_dto_gb", D(1), "GB",
             [(0, D("0.050"))], 0, "C",
             "aws-samples price comparison (first 100 TB; higher tiers not verified)", ""),
            ("eip_dto_gb", "Data transfer out, Elastic IPs", "eip_dto_gb", D(1), "GB",
             [(0, D("0.050"))], 0, "C", "aws-samples price comparison", ""),
            ("global_accelerator_dto_gb", "Data transfer out, Global Accelerator",
             "global_accelerator_dto_gb", D(1), "GB", [(0, D("0.025"))], 0, "C",
             "aws-samples price comparison", ""),
        ],
    },
    {
        "code": "firewall_manager",
        "name": "AWS Firewall Manager",
        "offer": "",
        "region": US_EAST_1,
        "summary": "Central security policies across every account of an Organization.",
        "free_tier_note": "",
        "guidance": [
            "Policies are created per Region: a policy in three Regions counts three times.",
            "Policies cover WAF rules, Shield Advanced, security groups, Network Firewall and "
            "Route 53 Resolver DNS Firewall, and apply to new accounts and resources as they "
            "appear.",
            "The resources a policy creates are billed by their own services (WAF, Network "
            "Firewall, AWS Config).",
            "Under Shield Advanced, WAF and Shield Advanced policies are free.",
        ],
        "inputs": [
            ("policies", "Protection policies", "policy-Regions",
             "Each policy counted once per Region it applies in.", {}),
        ],
        "rates": [
            ("policies", "Protection policies", "policies", D(1), "policy-Region-months",
             [(0, D("100.00"))], 0, "C", "AWS WAF guide", ""),
        ],
    },
    {
        "code": "guardduty",
        "name": "Amazon GuardDuty",
        "offer": "AmazonGuardDuty",
        "region": US_EAST_1,
        "summary": "Threat detection from CloudTrail, VPC Flow Logs and DNS logs, with ML.",
        "free_tier_note": "",
        "guidance": [
            "One click to enable, no agent for the foundational sources: CloudTrail management "
            "events, VPC Flow Logs and DNS logs.",
            "Protection plans (S3, EKS, Runtime Monitoring, RDS, Lambda, Malware) are billed "
            "by their own volume: fill in only those you enable.",
            "Prices vary by Region; these are US East (N. Virginia).",
            "The 30-day trial per account and Region is not applied here.",
        ],
        "inputs": [
            ("cloudtrail_management_events", "CloudTrail management events", "events", "", {}),
            ("vpc_dns_log_gb", "VPC Flow Log and DNS log data", "GB", "GB analysed.", {}),
            ("s3_data_events", "S3 data events", "events", "S3 Protection.", {}),
            ("eks_audit_log_events", "EKS audit log events", "events", "EKS Protection.", {}),
            ("runtime_monitoring_vcpus", "Runtime Monitoring vCPUs", "vCPUs",
             "vCPUs monitored on EKS, ECS and EC2 (monthly average).", {}),
            ("rds_vcpus", "RDS provisioned vCPUs", "vCPUs", "RDS Protection.", {}),
            ("aurora_serverless_acus", "Aurora Serverless v2 ACUs", "ACUs", "RDS Protection.",
             {}),
            ("lambda_network_log_gb", "Lambda network log data", "GB", "Lambda Protection.", {}),
            ("malware_ebs_gb", "EBS data scanned (GuardDuty-initiated)", "GB", "", {}),
            ("malware_on_demand_gb", "On-demand scans", "GB",
             "Snapshots, AMIs and recovery points.", {}),
            ("malware_s3_gb", "S3 data scanned for malware", "GB", "", {}),
            ("malware_s3_objects", "S3 objects evaluated for malware", "objects", "", {}),
        ],
        "rates": [
            ("cloudtrail_management_events", "CloudTrail management events",
             "cloudtrail_management_events", D(1_000_000), "events", [(0, D("4.00"))], 0, "B",
             "AWS Price List; Infracost tests", ""),
            ("vpc_dns_log_gb", "VPC Flow Log and DNS log data", "vpc_dns_log_gb", D(1), "GB",
             [(0, D("1.00")), (500, D("0.50")), (2_500, D("0.25")), (10_000, D("0.15"))], 0,
             "B", "AWS Price List; Infracost tests (above 10,000 GB not verified)", ""),
            ("s3_data_events", "S3 data events", "s3_data_events", D(1_000_000), "events",
             [(0, D("0.80")), (500_000_000, D("0.40")), (5_000_000_000, D("0.20"))], 0, "B",
             "AWS Price List; Infracost tests (above 5,000 M not verified)", ""),
            ("eks_audit_log_events", "EKS audit log events", "eks_audit_log_events",
             D(1_000_000), "events", [(0, D("1.60"))], 0, "B",
             "AWS Price List (first 100 M; lower tiers above not verified)", ""),
            ("runtime_monitoring_vcpus", "Runtime Monitoring vCPUs", "runtime_monitoring_vcpus",
             D(1), "vCPU-months", [(0, D("1.50")), (500, D("0.75")), (5_000, D("0.25"))], 0,
             "B", "AWS Price List", ""),
            ("rds_vcpus", "RDS provisioned vCPUs", "rds_vcpus", D(1), "vCPU-months",
             [(0, D("1.00"))], 0, "B", "AWS Price List", ""),
            ("aurora_serverless_acus", "Aurora Serverless v2 ACUs", "aurora_serverless_acus",
             D(1), "ACU-months", [(0, D("0.25"))], 0, "B", "AWS Price List", ""),
            ("lambda_network_log_gb", "Lambda network log data", "lambda_network_log_gb", D(1),
             "GB",
             [(0, D("1.00")), (500, D("0.50")), (2_500, D("0.25")), (10_000, D("0.15"))], 0,
             "B", "AWS Price List", ""),
            ("malware_ebs_gb", "EBS data scanned (GuardDuty-initiated)", "malware_ebs_gb", D(1),
             "GB", [(0, D("0.03"))], 0, "B", "AWS Price List", ""),
            ("malware_on_demand_gb", "On-demand scans", "malware_on_demand_gb", D(1), "GB",
             [(0, D("0.05"))], 0, "B", "AWS Price List", ""),
            ("malware_s3_gb", "S3 data scanned for malware", "malware_s3_gb", D(1), "GB",
             [(0, D("0.09"))], 0, "B", "AWS Price List", ""),
            ("malware_s3_objects", "S3 objects evaluated for malware", "malware_s3_objects",
             D(1_000), "objects", [(0, D("0.215"))], 0, "B", "AWS Price List", ""),
        ],
    },
    {
        "code": "inspector",
        "name": "Amazon Inspector",
        "offer": "AmazonInspectorV2",
        "region": US_EAST_1,
        "summary": "Vulnerability scanning for EC2, container images in ECR and Lambda.",
        "free_tier_note": "",
        "guidance": [
            "EC2 scanning uses the SSM agent and checks the OS for known vulnerabilities and "
            "unintended network reachability.",
            "Container images are scanned when pushed to ECR, then rescanned automatically as "
            "new CVEs are published.",
            "Lambda code scanning is billed on top of standard scanning.",
            "Findings go to Security Hub and EventBridge.",
            "The 15-day trial is not applied here.",
        ],
        "inputs": [
            ("ec2_instances", "EC2 instances", "instances", "Monthly average scanned.", {}),
            ("ecr_initial_scans", "Container images scanned on push", "images", "", {}),
            ("ecr_rescans", "Container image rescans", "rescans", "", {}),
            ("lambda_functions", "Lambda functions, standard scanning", "functions", "", {}),
            ("lambda_code_functions", "Lambda functions, code scanning", "functions",
             "On top of standard scanning: at most the functions scanned.",
             {"at_most_key": "lambda_functions", "at_most_factor": D(1)}),
        ],
        "rates": [
            ("ec2_instances", "EC2 instances", "ec2_instances", D(1), "instance-months",
             [(0, D("1.258"))], 0, "D",
             "Infracost tests (us-east-2 Price List: $0.00174 per hour)", ""),
            ("ecr_initial_scans", "Container images scanned on push", "ecr_initial_scans", D(1),
             "images", [(0, D("0.09"))], 0, "B", "AWS Price List", ""),
            ("ecr_rescans", "Container image rescans", "ecr_rescans", D(1), "rescans",
             [(0, D("0.01"))], 0, "B", "AWS Price List", ""),
            ("lambda_functions", "Lambda functions, standard scanning", "lambda_functions", D(1),
             "function-months", [(0, D("0.30"))], 0, "B", "AWS Price List", ""),
            ("lambda_code_functions", "Lambda functions, code scanning",
             "lambda_code_functions", D(1), "function-months", [(0, D("0.60"))], 0, "E",
             "Not verified", ""),
        ],
    },
    {
        "code": "macie",
        "name": "Amazon Macie",
        "offer": "AmazonMacie",
        "region": US_EAST_1,
        "summary": "Finds sensitive data such as PII in S3 with ML and pattern matching.",
        "free_tier_note": "The first 1 GB inspected by discovery jobs each month is free.",
        "guidance": [
            "Buckets are evaluated and monitored for access controls and encryption.",
            "Automated discovery samples objects; discovery jobs inspect every GB they are "
            "pointed at, so scope jobs to the buckets that matter.",
        ],
        "inputs": [
            ("s3_buckets", "S3 buckets", "buckets", "Evaluated and monitored.", {}),
            ("objects_monitored", "Objects monitored", "objects", "By automated discovery.", {}),
            ("data_inspected_gb", "Data inspected", "GB", "By sensitive data discovery jobs.",
             {}),
        ],
        "rates": [
            ("s3_buckets", "S3 buckets", "s3_buckets", D(1), "bucket-months", [(0, D("0.10"))],
             0, "D", "Infracost tests", ""),
            ("objects_monitored", "Objects monitored", "objects_monitored", D(100_000),
             "objects", [(0, D("0.01"))], 0, "D", "Infracost tests", ""),
            ("data_inspected_gb", "Data inspected", "data_inspected_gb", D(1), "GB",
             [(0, D("1.00")), (50_000, D("0.50")), (500_000, D("0.25"))], 1, "D",
             "Infracost tests (tiers above 50,000 GB not verified)", ""),
        ],
    },
]


def seed(apps, schema_editor=None):
    """Create and publish the first price book. Safe to call again: it never duplicates it."""
    PriceBook = apps.get_model("estimates", "PriceBook")
    Service = apps.get_model("estimates", "Service")
    UsageInput = apps.get_model("estimates", "UsageInput")
    Rate = apps.get_model("estimates", "Rate")
    RateTier = apps.get_model("estimates", "RateTier")
    if PriceBook.objects.filter(name=BOOK_NAME).exists():
        return
    book = PriceBook.objects.create(
        name=BOOK_NAME,
        effective_date=date(2026, 11, 1),
        source_note=(
            "AWS list prices before tax, US East (N. Virginia), USD, from costcalc's price "
            "reference. Grades: A AWS pricing page, blog or docs; B AWS Price List data; C AWS "
            "guides or Pricing Calculator; D third-party tool tests; E not verified."
        ),
        status="draft",
    )
    for position, spec in enumerate(SERVICES):
        service = Service.objects.create(
            price_book=book,
            code=spec["code"],
            name=spec["name"],
            summary=spec["summary"],
            guidance="\n".join(spec["guidance"]),
            free_tier_note=spec["free_tier_note"],
            aws_offer_code=spec["offer"],
            position=position,
        )
        UsageInput.objects.bulk_create(
            UsageInput(
                service=service, key=key, label=label, unit=unit, help=help_text,
                position=index, **options,
            )
            for index, (key, label, unit, help_text, options) in enumerate(spec["inputs"])
        )
        for index, rate_spec in enumerate(spec["rates"]):
            (code, label, meters, per_units, unit, tiers, free_units, grade, source,
             usage_type) = rate_spec
            rate = Rate.objects.create(
                service=service, code=code, label=label, meters=meters, per_units=per_units,
                unit=unit, free_units=D(free_units), region=spec["region"], grade=grade,
                source=source, aws_usage_type=usage_type, position=index,
            )
            RateTier.objects.bulk_create(
                RateTier(rate=rate, start=D(start), price=price) for start, price in tiers
            )
    book.status = "published"
    book.published_at = timezone.now()
    book.save(update_fields=["status", "published_at"])


def unseed(apps, schema_editor):
    apps.get_model("estimates", "PriceBook").objects.filter(name=BOOK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("estimates", "0001_price_books")]

    operations = [migrations.RunPython(seed, unseed)]
