#!/usr/bin/env python3
"""Independent client check: boto3 (botocore's own serialisers and parsers) against `sctui emulator`.

Usage: sctui emulator --listen 127.0.0.1:0 --time-scale 0.05 --scale 250 &   # prints its URL
       python3 scripts/interop_boto3.py http://127.0.0.1:PORT
Covers the Service Catalog operations and the SSM side. Needs boto3 (pip install boto3). Prints one line per check and exits non-zero on the first failure.
"""
import json
import sys
import time

import boto3
from botocore.exceptions import ClientError

url = sys.argv[1]
sc = boto3.client(
    "servicecatalog", endpoint_url=url, region_name="eu-west-1",
    aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret",
)


def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + name + (f": {detail}" if detail else ""))
    if not cond:
        sys.exit(1)


def error_code(call, **kw):
    try:
        call(**kw)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"]
    return None, None


# Paging through every provisioned product with PageSize 100.
seen, token, pages = [], None, 0
while True:
    kw = {"PageSize": 100}
    if token:
        kw["PageToken"] = token
    out = sc.search_provisioned_products(**kw)
    pages += 1
    seen += [p["Id"] for p in out["ProvisionedProducts"]]
    token = out.get("NextPageToken")
    if not token:
        break
check("search pages", pages >= 2 and len(seen) == len(set(seen)) == out["TotalResultsCount"],
      f"{len(seen)} products in {pages} pages, TotalResultsCount {out['TotalResultsCount']}")

web = sc.describe_provisioned_product(Name="web-prod-01")["ProvisionedProductDetail"]
check("describe by name", web["Id"].startswith("pp-") and hasattr(web["CreatedTime"], "year"),
      f"{web['Id']} created {web['CreatedTime']}")

actions = sc.list_service_actions_for_provisioning_artifact(
    ProductId=web["ProductId"], ProvisioningArtifactId=web["ProvisioningArtifactId"])["ServiceActionSummaries"]
restart = next(a for a in actions if a["Name"] == "AWS-RestartEC2Instance")
check("list actions", len(actions) >= 3, ", ".join(a["Name"] for a in actions))

definition = sc.describe_service_action(Id=restart["Id"])["ServiceActionDetail"]["Definition"]
check("describe action", definition["Name"] == "AWS-RestartEC2Instance" and "TARGET" in definition["Parameters"],
      str(definition))

params = sc.describe_service_action_execution_parameters(
    ProvisionedProductId=web["Id"], ServiceActionId=restart["Id"])["ServiceActionParameters"]
target = next(p for p in params if p["Type"] == "TARGET")
check("TARGET defaults", all(v.startswith("i-") for v in target["DefaultValues"]) and target["DefaultValues"],
      str(target["DefaultValues"]))

code, msg = error_code(sc.execute_provisioned_product_service_action,
                       ProvisionedProductId=web["Id"], ServiceActionId=restart["Id"], ExecuteToken="-abc")
check("validation error", code == "ValidationException" and "'executeToken'" in msg, msg)

rec = sc.execute_provisioned_product_service_action(
    ProvisionedProductId=web["Id"], ServiceActionId=restart["Id"], ExecuteToken="boto3-run-1")["RecordDetail"]
again = sc.execute_provisioned_product_service_action(
    ProvisionedProductId=web["Id"], ServiceActionId=restart["Id"], ExecuteToken="boto3-run-1")["RecordDetail"]
check("idempotent execute", rec["RecordId"] == again["RecordId"], rec["RecordId"])

code, msg = error_code(sc.execute_provisioned_product_service_action, ProvisionedProductId=web["Id"],
                       ServiceActionId=restart["Id"], ExecuteToken="boto3-run-1",
                       Parameters={"InstanceId": [target["DefaultValues"][0]]})
check("token reuse with other input", code == "InvalidParametersException", msg)

code, msg = error_code(sc.execute_provisioned_product_service_action,
                       ProvisionedProductId=web["Id"], ServiceActionId=restart["Id"], ExecuteToken="boto3-run-2")
check("busy product", code == "InvalidStateException", msg)

statuses = []
for _ in range(200):
    d = sc.describe_record(Id=rec["RecordId"])
    s = d["RecordDetail"]["Status"]
    if not statuses or statuses[-1] != s:
        statuses.append(s)
    if s in ("SUCCEEDED", "FAILED"):
        break
    time.sleep(0.05)
check("record lifecycle", statuses[-1] == "SUCCEEDED", " -> ".join(statuses) + f"; outputs {d['RecordOutputs']}")

hist = sc.list_record_history(SearchFilter={"Key": "provisionedproduct", "Value": web["Id"]})["RecordDetails"]
check("history newest first", hist[0]["RecordId"] == rec["RecordId"], f"{len(hist)} records")

code, msg = error_code(sc.describe_record, Id="rec-doesnotexist1")
check("not found", code == "ResourceNotFoundException", msg)

# The SSM side (issue 13): the same port, X-Amz-Target AmazonSSM.<Op>, parsed by botocore.
def client(service, key="AKIDEXAMPLE"):
    return boto3.client(service, endpoint_url=url, region_name="eu-west-1",
                        aws_access_key_id=key, aws_secret_access_key="secret")


ssm = client("ssm")
doc = ssm.describe_document(Name="AWS-ResizeInstance")["Document"]
params = [(p["Name"], p["Type"], p.get("DefaultValue")) for p in doc["Parameters"]]
check("DescribeDocument", doc["DocumentType"] == "Automation" and params[1] == ("InstanceType", "String", None), params)
code, msg = error_code(ssm.describe_document, Name="NoSuchDocument")
check("DescribeDocument, unknown", code == "InvalidDocument", msg)
execution = [o["OutputValue"] for o in d["RecordOutputs"] if o["OutputKey"] == "AutomationExecutionId"][0]
ex = ssm.get_automation_execution(AutomationExecutionId=execution)["AutomationExecution"]
steps = [(st["StepName"], st["StepStatus"]) for st in ex["StepExecutions"]]
check("GetAutomationExecution", ex["AutomationExecutionStatus"] == "Success" and len(steps) == 2, steps)
found = ssm.describe_automation_executions(
    Filters=[{"Key": "DocumentNamePrefix", "Values": ["AWS-Restart"]}])["AutomationExecutionMetadataList"]
check("DescribeAutomationExecutions", any(e["AutomationExecutionId"] == execution for e in found), len(found))
listed = ssm.describe_automation_step_executions(AutomationExecutionId=execution, ReverseOrder=True)["StepExecutions"]
check("DescribeAutomationStepExecutions", listed[0]["StepName"] == "startInstances", [s["StepName"] for s in listed])
code, msg = error_code(ssm.stop_automation_execution, AutomationExecutionId=execution)
check("StopAutomationExecution of an ended one", code == "InvalidAutomationStatusUpdateException", msg)
code, msg = error_code(ssm.get_automation_execution, AutomationExecutionId="00000000-0000-4000-8000-000000000000")
check("GetAutomationExecution, unknown", code == "AutomationExecutionNotFoundException", msg)
code, msg = error_code(client("ssm", "AKIADEMOREADONLY0001").get_automation_execution, AutomationExecutionId=execution)
check("read-only end user denied", code == "AccessDeniedException", msg)
got = ssm.get_document(Name="AWS-CreateImage", DocumentFormat="JSON")
content = json.loads(got["Content"])
check("GetDocument", content["parameters"]["NoReboot"]["allowedValues"] == ["true", "false"]
      and content["parameters"]["InstanceId"]["allowedPattern"] == "^i-[a-z0-9]{8,17}$", got["DocumentFormat"])
code, msg = error_code(client("ssm", "AKIADEMOENDUSER00001").get_document, Name="AWS-CreateImage")
check("GetDocument denied to the end user", code == "AccessDeniedException", msg)
preview = ssm.start_execution_preview(
    DocumentName="AWS-ResizeInstance",
    ExecutionInputs={"Automation": {"Parameters": {"InstanceId": ["i-0123456789abcdef0"], "InstanceType": ["m6i.large"]}}},
)["ExecutionPreviewId"]
for _ in range(100):
    answer = ssm.get_execution_preview(ExecutionPreviewId=preview)
    if answer["Status"] in ("Success", "Failed"):
        break
    time.sleep(0.1)
auto = answer.get("ExecutionPreview", {}).get("Automation", {})
check("Start/GetExecutionPreview", answer["Status"] == "Success" and auto["TargetPreviews"][0]["Count"] == 1
      and auto["StepPreviews"] == {"Mutating": 3, "NonMutating": 2}, auto)
bad = ssm.start_execution_preview(
    DocumentName="AWS-ResizeInstance",
    ExecutionInputs={"Automation": {"Parameters": {"InstanceId": ["i-0123456789abcdef0"]}}},
)["ExecutionPreviewId"]
for _ in range(100):
    answer = ssm.get_execution_preview(ExecutionPreviewId=bad)
    if answer["Status"] in ("Success", "Failed"):
        break
    time.sleep(0.1)
check("a preview missing a required parameter fails", answer["Status"] == "Failed", answer.get("StatusMessage"))

# SSM Change Calendar: the demo's freeze calendar is open; an unknown one is InvalidDocument.
state = ssm.get_calendar_state(CalendarNames=["prod-change-freeze"])
check("GetCalendarState", state["State"] in ("OPEN", "CLOSED") and "AtTime" in state, state["State"])
try:
    ssm.get_calendar_state(CalendarNames=["no-such-calendar"])
    check("GetCalendarState, unknown", False)
except ClientError as e:
    check("GetCalendarState, unknown", e.response["Error"]["Code"] == "InvalidDocument", e.response["Error"]["Message"])
# IAM Identity Center (issue 14): SSO OIDC's device flow and the SSO portal, restJson1.
import urllib.request
oidc = client("sso-oidc")
reg = oidc.register_client(clientName="boto3-check", clientType="public")
dev = oidc.start_device_authorization(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                                      startUrl="https://example.awsapps.com/start")
check("RegisterClient, StartDeviceAuthorization", dev["interval"] == 1 and "-" in dev["userCode"], dev["userCode"])
code, msg = error_code(oidc.create_token, clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                       grantType="urn:ietf:params:oauth:grant-type:device_code", deviceCode=dev["deviceCode"])
check("CreateToken while pending", code == "AuthorizationPendingException", msg)
page = urllib.request.urlopen(dev["verificationUriComplete"]).read().decode()
check("the verification page approves", "approved" in page, page.strip())
token = None
for _ in range(50):
    try:
        token = oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                                  grantType="urn:ietf:params:oauth:grant-type:device_code",
                                  deviceCode=dev["deviceCode"])["accessToken"]
        break
    except ClientError as e:
        if e.response["Error"]["Code"] not in ("SlowDownException", "AuthorizationPendingException"):
            raise
        time.sleep(0.2)
check("CreateToken once approved", token is not None and token.startswith("aoa"))
portal = client("sso")
accounts = portal.list_accounts(accessToken=token)["accountList"]
check("ListAccounts", [a["accountName"] for a in accounts] == ["prod", "dev", "staging"], accounts)
roles = portal.list_account_roles(accessToken=token, accountId="345678901234")["roleList"]
check("ListAccountRoles", [r["roleName"] for r in roles] == ["OpsAdmin", "ReadOnly"], roles)
creds = portal.get_role_credentials(accessToken=token, accountId="345678901234", roleName="OpsAdmin")["roleCredentials"]
staging = boto3.client("sts", endpoint_url=url, region_name="us-east-1", aws_access_key_id=creds["accessKeyId"],
                       aws_secret_access_key=creds["secretAccessKey"], aws_session_token=creds["sessionToken"])
who = staging.get_caller_identity()
check("GetRoleCredentials act in their account", who["Account"] == "345678901234", who["Arn"])
code, msg = error_code(portal.list_accounts, accessToken="nope")
check("ListAccounts without a session", code == "UnauthorizedException", msg)
print("all boto3 checks passed")
