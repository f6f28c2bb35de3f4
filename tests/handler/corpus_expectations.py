"""What the notifier must say about every CloudTrail fixture: its grading, one row per file.

Root rows: the rule's pattern matches the event, and the one notification it yields has this severity, a
reason containing every word in `words` and none in `absent` (case-insensitive), for the account given
(default: the envelope's `account`). Non-root rows: the pattern does not match, and a record that reaches
the notifier anyway is not notified. Fixture names are file stems under tests/events/ or
tests/events/published/; where each came from is in tests/events/SOURCES.md. Adjust rows here, not the test.

ASSUME_ROOT_SESSION: the AssumeRoot call and the member-account action of its session in one batch; the action
is labelled as done through centralized root access (the target's root actions in the batch are labelled).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RootRow:
    fixture: str
    severity: str
    words: tuple[str, ...]
    absent: tuple[str, ...] = ()
    account: str | None = None
    """The account the notification is about, when it is not the envelope's (AssumeRoot: the target)."""


def root(
    fixture: str, severity: str, *words: str, absent: tuple[str, ...] = (), account: str | None = None
) -> RootRow:
    return RootRow(fixture, severity, words, absent, account)


# signin.amazonaws.com is the person in the console, never "an AWS service acting for root".
CONSOLE = ("service",)
FAILED = "failed"
NO_MFA = "sign-in without MFA"
WITH_MFA = "sign-in with MFA"
SIGNIN_FAILED = "Failed root console sign-in"
CREDENTIAL = "Root credential change"
WRITE = "Root write call"

ROOT_ROWS: tuple[RootRow, ...] = (
    # Published by AWS: sign-in examples and centralized root access (tests/events/SOURCES.md).
    root("root_awsdocs_signin_no_mfa", "CRITICAL", NO_MFA),
    root("root_awsdocs_signin_mfa_yes", "HIGH", WITH_MFA),  # MFAUsed "YES" plus an MFAIdentifier
    root("root_awsdocs_signin_failure", "HIGH", SIGNIN_FAILED),
    root("root_awsdocs_enable_mfa_device", "CRITICAL", CREDENTIAL, "EnableMFADevice"),
    root("root_awsdocs_password_updated", "CRITICAL", CREDENTIAL, "PasswordUpdated", absent=(FAILED,)),
    # The sanctioned way to do a privileged root task: MEDIUM, reported against the target account.
    root("root_awsdocs_assume_root_call", "MEDIUM", "centralized root access", "222222222222", "JohnRole1",
         "S3UnlockBucketPolicy", account="222222222222"),
    # The member-account action of that session: type Root, no marker; alone in a batch, a plain root call.
    root("root_awsdocs_assume_root_member_delete_bucket_policy", "HIGH", WRITE, "DeleteBucketPolicy"),
    # panther-analysis rule tests.
    root("root_panther_signin_failure_spraying", "HIGH", SIGNIN_FAILED),  # no eventID in the record
    root("root_panther_signin_no_mfa", "CRITICAL", NO_MFA),
    root("root_panther_signin_success", "CRITICAL", NO_MFA),
    root("root_panther_signin_success_2", "CRITICAL", NO_MFA),
    root("root_panther_signin_success_3", "CRITICAL", NO_MFA),
    root("root_panther_signin_failed", "HIGH", SIGNIN_FAILED),
    root("root_panther_signin_mfa_yes", "HIGH", WITH_MFA),
    root("root_panther_signin_failed_mfa_yes", "HIGH", SIGNIN_FAILED),
    root("root_panther_non_console_login", "LOW", "sign-in step", "NonConsoleLogin"),
    root("root_panther_external_idp_login_failed", "LOW", "sign-in step", "ExternalIdPDirectoryLogin",
         FAILED),
    root("root_panther_create_access_key_console", "CRITICAL", CREDENTIAL, "CreateAccessKey", absent=CONSOLE),
    root("root_panther_create_access_key_for_user", "CRITICAL", "CreateAccessKey", absent=CONSOLE),
    root("root_panther_create_service_linked_role", "HIGH", WRITE, "CreateServiceLinkedRole"),
    root("root_panther_put_bucket_versioning", "HIGH", WRITE, "PutBucketVersioning"),
    root("root_panther_list_access_keys_read_only", "MEDIUM", "read-only call", "ListAccessKeys"),
    root("root_panther_password_updated", "CRITICAL", CREDENTIAL, "PasswordUpdated", absent=(FAILED,)),
    # A failed password-reset step changed nothing, and whoever tried had not proved to be root: HIGH.
    root("root_panther_password_updated_failure", "HIGH", "PasswordUpdated", FAILED),
    # panther-analysis test scenario "compromised root creds" (attacker, victim) and its enrichment copy.
    root("root_panther_scenario_attacker_signin_1", "HIGH", SIGNIN_FAILED),
    root("root_panther_scenario_attacker_signin_2", "HIGH", SIGNIN_FAILED),
    root("root_panther_scenario_attacker_signin_3", "HIGH", SIGNIN_FAILED),
    root("root_panther_scenario_attacker_signin_4", "CRITICAL", NO_MFA),
    root("root_panther_scenario_attacker_stop_logging_failed", "CRITICAL", "Audit trail change",
         "StopLogging", FAILED, "NotOrganizationMasterAccountException"),
    root("root_panther_scenario_attacker_create_access_key", "CRITICAL", CREDENTIAL, "CreateAccessKey"),
    root("root_panther_scenario_attacker_create_access_key_for_user", "CRITICAL", "CreateAccessKey"),
    root("root_panther_scenario_attacker_create_user", "HIGH", WRITE, "CreateUser"),
    root("root_panther_scenario_attacker_attach_user_policy_1", "HIGH", WRITE, "AttachUserPolicy"),
    root("root_panther_scenario_attacker_attach_user_policy_2", "HIGH", WRITE, "AttachUserPolicy"),
    root("root_panther_scenario_attacker_attach_user_policy_3", "HIGH", WRITE, "AttachUserPolicy"),
    root("root_panther_scenario_victim_signin_1", "CRITICAL", NO_MFA),
    root("root_panther_scenario_victim_signin_2", "CRITICAL", NO_MFA),
    root("root_panther_scenario_victim_signin_3", "CRITICAL", NO_MFA),
    root("root_panther_scenario_victim_set_contact_address", "HIGH", WRITE, "SetContactAddress"),
    root("root_panther_enrichment_attacker_signin_1", "HIGH", SIGNIN_FAILED),
    root("root_panther_enrichment_attacker_signin_2", "HIGH", SIGNIN_FAILED),
    root("root_panther_enrichment_attacker_signin_3", "HIGH", SIGNIN_FAILED),
    root("root_panther_enrichment_attacker_signin_4", "CRITICAL", NO_MFA),
    root("root_panther_enrichment_attacker_create_access_key", "CRITICAL", CREDENTIAL, "CreateAccessKey"),
    root("root_panther_enrichment_attacker_create_user", "HIGH", WRITE, "CreateUser"),
    root("root_panther_enrichment_attacker_attach_user_policy", "HIGH", WRITE, "AttachUserPolicy"),
    # SEKOIA-IO intake-formats parser tests (anonymised real records).
    root("root_sekoia_signin_no_mfa", "CRITICAL", NO_MFA),
    root("root_sekoia_modify_instance_attribute", "HIGH", WRITE, "ModifyInstanceAttribute"),
    root("root_sekoia_modify_instance_attribute_aws_internal", "HIGH", WRITE, "ModifyInstanceAttribute"),
    root("root_sekoia_create_instance_export_task_failed", "HIGH", WRITE, "CreateInstanceExportTask", FAILED,
         "Client.AuthFailure"),
    # readOnly false, so a write whatever the name says.
    root("root_sekoia_connect_list_segments", "HIGH", WRITE, "ListRealtimeContactAnalysisSegmentsV2"),
    root("root_sekoia_lookup_events_read_only", "MEDIUM", "read-only call", "LookupEvents"),
    root("root_sekoia_create_user", "HIGH", WRITE, "CreateUser"),
    root("root_sekoia_modify_db_instance", "HIGH", WRITE, "ModifyDBInstance"),
    # Written by us (tests/events/*.json, "invented" in SOURCES.md).
    root("root_api_error", "HIGH", WRITE, "PutBucketPolicy", FAILED, "AccessDenied"),
    root("root_api_read_only", "MEDIUM", "read-only call", "DescribeInstances"),
    root("root_api_write_ap_southeast_2", "HIGH", WRITE, "RunInstances"),
    root("root_api_write_eu_west_1", "HIGH", WRITE, "AuthorizeSecurityGroupIngress"),
    root("root_assume_root_session", "HIGH", WRITE, "DeleteBucketPolicy", "centralized root access"),
    root("root_console_signin_failure", "HIGH", SIGNIN_FAILED),
    root("root_console_signin_mfa", "HIGH", WITH_MFA),
    root("root_console_signin_mfa_signin_spelling", "HIGH", WITH_MFA),
    root("root_console_signin_no_mfa", "CRITICAL", NO_MFA),
    root("root_create_access_key", "CRITICAL", CREDENTIAL, "CreateAccessKey"),
    root("root_invoked_by_service", "INFO", "AWS service acting for root", "support.amazonaws.com"),
    root("root_stop_logging", "CRITICAL", "Audit trail change", "StopLogging", absent=(FAILED,)),
    # Paths that re-open or change root, by someone other than root; the email change is about the member.
    root("root_path_start_primary_email_update", "CRITICAL", "Root email change started", "OrgAdmin/alice",
         account="333333333333"),
    root("root_path_disable_root_sessions", "CRITICAL", "Central root sessions turned off", "alice"),
    root("root_path_enable_root_credentials_management", "HIGH", "root credential management turned on"),
    root("root_path_federated_user_issued_by_root", "HIGH", WRITE, "PutBucketPolicy",
         "session issued by root", "federated-user/contractor"),
)  # fmt: skip

NON_ROOT_ROWS: tuple[str, ...] = (
    # Published by AWS: CloudTrail and IAM examples (tests/events/SOURCES.md).
    "non_root_awsdocs_iam_user_signin_no_mfa",
    "non_root_awsdocs_iam_user_signin_mfa",
    "non_root_awsdocs_iam_user_signin_failure",
    "non_root_awsdocs_iam_user_check_mfa",
    "non_root_awsdocs_iam_user_check_mfa_multiple",
    "non_root_awsdocs_iam_user_start_instances",  # no eventID
    "non_root_awsdocs_iam_user_stop_instances",  # no eventID
    "non_root_awsdocs_iam_user_create_key_pair",  # no eventID
    "non_root_awsdocs_iam_user_create_user",  # no eventID
    "non_root_awsdocs_iam_user_add_user_to_group",  # no eventID
    "non_root_awsdocs_iam_user_update_trail_error",
    "non_root_awsdocs_service_event_kms_rotate_key",
    "non_root_awsdocs_iam_user_get_user_policy_console",
    "non_root_awsdocs_iam_user_assume_role",
    "non_root_awsdocs_aws_account_assume_role",
    "non_root_awsdocs_assumed_role_role_chaining",
    "non_root_awsdocs_assumed_role_service_delete_bucket",
    "non_root_awsdocs_assumed_role_delete_table",  # DynamoDB management event
    "non_root_awsdocs_assumed_role_put_item",  # DynamoDB data event
    "non_root_awsdocs_iamguide_iam_user_signin_success",
    "non_root_awsdocs_iamguide_iam_user_signin_failure",
    # panther-analysis rule tests: Identity Center (SSO), federated users, AWS services, other accounts.
    "non_root_panther_sso_role_update_lambda_layers",
    "non_root_panther_federated_user_update_lambda_layers",
    "non_root_panther_sso_role_update_lambda_code",
    "non_root_panther_federated_user_update_lambda_code",
    "non_root_panther_sso_portal_get_signin_token",  # no eventID
    "non_root_panther_sso_console_login",
    "non_root_panther_sso_service_role_create_saml_provider",  # no eventID
    "non_root_panther_sso_create_token_unknown",  # no eventID
    "non_root_panther_sso_list_applications_unknown",  # no eventID
    "non_root_panther_aws_service_assume_role",
    "non_root_panther_aws_account_vpce_get_object",  # no eventID
    # SEKOIA-IO intake-formats parser tests.
    "non_root_sekoia_iam_user_put_cluster_capacity_providers",  # no eventID
    "non_root_sekoia_assumed_role_kms_decrypt",
    "non_root_sekoia_aws_service_assume_role_s3",
    "non_root_sekoia_aws_service_assume_role",
    "non_root_sekoia_assumed_role_service_event",  # AwsServiceEvent
    "non_root_sekoia_assumed_role_signin",
    # Written by us.
    "non_root_iam_user",
    "tamper_disable_rule",  # a role disabling a monitor rule: the tamper rule's, never the root rule's
)

ASSUME_ROOT_SESSION = (
    "root_awsdocs_assume_root_call",
    "root_awsdocs_assume_root_member_delete_bucket_policy",
)
ASSUME_ROOT_SESSION_WORDS = ("DeleteBucketPolicy", "centralized root access")
