/**
 * Windows Security → ECS, transcribed from elastic/integrations (newest revisions read):
 * - `packages/windows/_dev/shared/ingest_pipeline/system_security_default.yml` (d3aaa918, the
 *   system.security entry point: event_data clean-up, `standard`, `security_common`, ecs 8.11.0,
 *   recursive removal of empty values),
 * - `packages/windows/data_stream/forwarded/elasticsearch/ingest_pipeline/security_standard.yml`
 *   (06a5bac9; the shared `standard` pipeline: categorisation table, decoders, user/process logic),
 *   with the 5137/5141 rows and the tolerant `NewUacValue` decode of the newest revision,
 * - `packages/windows/_dev/shared/ingest_pipeline/security_common.yml` (755ff665),
 * - `packages/windows/data_stream/forwarded/elasticsearch/ingest_pipeline/security_default.yml`
 *   (5c39cccd, the windows.forwarded variant: no scheduled-task step, no final empty-value sweep).
 *
 * Not reproduced (no rule reads them): GeoIP, community_id, the scheduled-task XML parse
 * (`winlog.scheduled_task.*` beyond `name`), SDDL decoding of OldSd/NewSd/SidList (4670, 4817,
 * 4907, 4908), and the full msobjs.dll message table: only the closed code sets listed in
 * MESSAGES are decoded; other `%%n` codes are written as `n`, where Elasticsearch writes the text.
 */
import { decodeLong, FAIL, isObject, type MappingRun, type Step } from '../../mapping/index.js';
import { splitCommandLineQuoteWhitespace } from '../../mapping/argv.js';
import { isJavaWhitespace } from '../../mapping/values.js';
import {
  appendUnique,
  CLEAN_EVENT_DATA,
  codeIn,
  ed,
  EVENT_DATA,
  eventDataOf,
  eventTable,
  getIn,
  setIn,
} from './common.js';

export const SECURITY_EVENTS = eventTable([
  ['1100', 'logging-service-shutdown', ['process'], ['end']],
  ['1102', 'audit-log-cleared', ['iam'], ['admin', 'change']],
  ['1104', 'logging-full', ['iam'], ['admin']],
  ['1105', 'auditlog-archieved', ['iam'], ['admin']],
  ['1108', 'logging-processing-error', ['iam'], ['admin']],
  ['4610', 'authentication-package-loaded', ['configuration'], ['access']],
  ['4611', 'trusted-logon-process-registered', ['configuration'], ['change']],
  ['4614', 'notification-package-loaded', ['configuration'], ['access']],
  ['4616', 'system-time-changed', ['configuration'], ['change']],
  ['4622', 'security-package-loaded', ['configuration'], ['access']],
  ['4624', 'logged-in', ['authentication'], ['start']],
  ['4625', 'logon-failed', ['authentication'], ['start']],
  ['4634', 'logged-out', ['authentication'], ['end']],
  ['4647', 'logged-out', ['authentication'], ['end']],
  ['4648', 'logged-in-explicit', ['authentication'], ['start']],
  ['4657', 'registry-value-modified', ['registry', 'configuration'], ['change']],
  ['4662', 'object-operation-performed', ['iam', 'configuration'], ['admin', 'change']],
  ['4670', 'permissions-changed', ['iam', 'configuration'], ['admin', 'change']],
  ['4672', 'logged-in-special', ['iam'], ['admin']],
  ['4673', 'privileged-service-called', ['iam'], ['admin']],
  ['4674', 'privileged-operation', ['iam'], ['admin']],
  ['4688', 'created-process', ['process'], ['start']],
  ['4689', 'exited-process', ['process'], ['end']],
  ['4697', 'service-installed', ['iam', 'configuration'], ['admin', 'change']],
  ['4698', 'scheduled-task-created', ['iam', 'configuration'], ['creation', 'admin']],
  ['4699', 'scheduled-task-deleted', ['iam', 'configuration'], ['deletion', 'admin']],
  ['4700', 'scheduled-task-enabled', ['iam', 'configuration'], ['change', 'admin']],
  ['4701', 'scheduled-task-disabled', ['iam', 'configuration'], ['change', 'admin']],
  ['4702', 'scheduled-task-updated', ['iam', 'configuration'], ['change', 'admin']],
  ['4706', 'domain-trust-added', ['configuration'], ['creation']],
  ['4707', 'domain-trust-removed', ['configuration'], ['deletion']],
  ['4713', 'kerberos-policy-changed', ['configuration'], ['change']],
  ['4714', 'encrypted-data-recovery-policy-changed', ['configuration'], ['change']],
  ['4715', 'object-audit-policy-changed', ['configuration'], ['change']],
  ['4716', 'trusted-domain-information-changed', ['configuration'], ['change']],
  ['4717', 'system-security-access-granted', ['iam', 'configuration'], ['admin', 'change']],
  ['4718', 'system-security-access-removed', ['iam', 'configuration'], ['admin', 'deletion']],
  ['4719', 'changed-audit-config', ['iam', 'configuration'], ['admin', 'change']],
  ['4720', 'added-user-account', ['iam'], ['user', 'creation']],
  ['4722', 'enabled-user-account', ['iam'], ['user', 'change']],
  ['4723', 'changed-password', ['iam'], ['user', 'change']],
  ['4724', 'reset-password', ['iam'], ['user', 'change']],
  ['4725', 'disabled-user-account', ['iam'], ['user', 'deletion']],
  ['4726', 'deleted-user-account', ['iam'], ['user', 'deletion']],
  ['4727', 'added-group-account', ['iam'], ['group', 'creation']],
  ['4728', 'added-member-to-group', ['iam'], ['group', 'change']],
  ['4729', 'removed-member-from-group', ['iam'], ['group', 'change']],
  ['4730', 'deleted-group-account', ['iam'], ['group', 'deletion']],
  ['4731', 'added-group-account', ['iam'], ['group', 'creation']],
  ['4732', 'added-member-to-group', ['iam'], ['group', 'change']],
  ['4733', 'removed-member-from-group', ['iam'], ['group', 'change']],
  ['4734', 'deleted-group-account', ['iam'], ['group', 'deletion']],
  ['4735', 'modified-group-account', ['iam'], ['group', 'change']],
  ['4737', 'modified-group-account', ['iam'], ['group', 'change']],
  ['4738', 'modified-user-account', ['iam'], ['user', 'change']],
  ['4739', 'domain-policy-changed', ['configuration'], ['change']],
  ['4740', 'locked-out-user-account', ['iam'], ['user', 'change']],
  ['4741', 'added-computer-account', ['iam'], ['creation', 'admin']],
  ['4742', 'changed-computer-account', ['iam'], ['change', 'admin']],
  ['4743', 'deleted-computer-account', ['iam'], ['deletion', 'admin']],
  ['4744', 'added-distribution-group-account', ['iam'], ['group', 'creation']],
  ['4745', 'changed-distribution-group-account', ['iam'], ['group', 'change']],
  ['4746', 'added-member-to-distribution-group', ['iam'], ['group', 'change']],
  ['4747', 'removed-member-from-distribution-group', ['iam'], ['group', 'change']],
  ['4748', 'deleted-distribution-group-account', ['iam'], ['group', 'deletion']],
  ['4749', 'added-distribution-group-account', ['iam'], ['group', 'creation']],
  ['4750', 'changed-distribution-group-account', ['iam'], ['group', 'change']],
  ['4751', 'added-member-to-distribution-group', ['iam'], ['group', 'change']],
  ['4752', 'removed-member-from-distribution-group', ['iam'], ['group', 'change']],
  ['4753', 'deleted-distribution-group-account', ['iam'], ['group', 'deletion']],
  ['4754', 'added-group-account', ['iam'], ['group', 'creation']],
  ['4755', 'modified-group-account', ['iam'], ['group', 'change']],
  ['4756', 'added-member-to-group', ['iam'], ['group', 'change']],
  ['4757', 'removed-member-from-group', ['iam'], ['group', 'change']],
  ['4758', 'deleted-group-account', ['iam'], ['group', 'deletion']],
  ['4759', 'added-distribution-group-account', ['iam'], ['group', 'creation']],
  ['4760', 'changed-distribution-group-account', ['iam'], ['group', 'change']],
  ['4761', 'added-member-to-distribution-group', ['iam'], ['group', 'change']],
  ['4762', 'removed-member-from-distribution-group', ['iam'], ['group', 'change']],
  ['4763', 'deleted-distribution-group-account', ['iam'], ['group', 'deletion']],
  ['4764', 'type-changed-group-account', ['iam'], ['group', 'change']],
  ['4767', 'unlocked-user-account', ['iam'], ['user', 'change']],
  ['4768', 'kerberos-authentication-ticket-requested', ['authentication'], ['start']],
  ['4769', 'kerberos-service-ticket-requested', ['authentication'], ['start']],
  ['4770', 'kerberos-service-ticket-renewed', ['authentication'], ['start']],
  ['4771', 'kerberos-preauth-failed', ['authentication'], ['start']],
  ['4776', 'credential-validated', ['authentication'], ['start']],
  ['4778', 'session-reconnected', ['authentication', 'session'], ['start']],
  ['4779', 'session-disconnected', ['authentication', 'session'], ['end']],
  ['4781', 'renamed-user-account', ['iam'], ['user', 'change']],
  ['4797', 'query-existence-of-blank-password', ['iam'], ['user', 'info']],
  ['4798', 'group-membership-enumerated', ['iam'], ['user', 'info']],
  ['4799', 'user-member-enumerated', ['iam'], ['group', 'info']],
  ['4817', 'object-audit-changed', ['iam', 'configuration'], ['admin', 'change']],
  ['4902', 'user-audit-policy-created', ['iam', 'configuration'], ['admin', 'creation']],
  ['4904', 'security-event-source-added', ['iam', 'configuration'], ['admin', 'change']],
  ['4905', 'security-event-source-removed', ['iam', 'configuration'], ['admin', 'deletion']],
  ['4906', 'crash-on-audit-changed', ['iam', 'configuration'], ['admin', 'change']],
  ['4907', 'audit-setting-changed', ['iam', 'configuration'], ['admin', 'change']],
  ['4908', 'special-group-table-changed', ['iam', 'configuration'], ['admin', 'change']],
  ['4912', 'per-user-audit-policy-changed', ['iam', 'configuration'], ['admin', 'change']],
  ['4950', 'windows-firewall-setting-changed', ['configuration'], ['change']],
  ['4954', 'windows-firewall-group-policy-changed', ['configuration'], ['change']],
  ['4964', 'logged-in-special', ['iam'], ['admin', 'group']],
  ['5024', 'windows-firewall-service-started', ['process'], ['start']],
  ['5025', 'windows-firewall-service-stopped', ['process'], ['end']],
  ['5033', 'windows-firewall-driver-started', ['driver'], ['start']],
  ['5034', 'windows-firewall-driver-stopped', ['driver'], ['end']],
  ['5037', 'windows-firewall-driver-error', ['driver'], ['end']],
  ['5136', 'directory-service-object-modified', ['iam', 'configuration'], ['admin', 'change']],
  ['5137', 'directory-service-object-created', ['iam', 'configuration'], ['admin', 'creation']],
  ['5140', 'network-share-object-accessed', ['network', 'file'], ['info', 'access']],
  ['5141', 'directory-service-object-deleted', ['iam', 'configuration'], ['admin', 'deletion']],
  ['5145', 'network-share-object-access-checked', ['network', 'file'], ['info', 'access']],
  ['5152', 'windows-firewall-packet-drop', ['network'], ['connection', 'info', 'denied']],
  ['5156', 'windows-firewall-connection', ['network'], ['connection', 'info', 'allowed']],
  ['5157', 'windows-firewall-packet-block', ['network'], ['connection', 'info', 'denied']],
  ['5158', 'windows-firewall-bind-local-port', ['network'], ['info']],
  ['5379', 'credential-manager-credentials-were-read', ['iam'], ['user', 'info']],
  ['5380', 'vault-credential-find', ['iam'], ['user', 'info']],
  ['5381', 'vault-credentials-were-read', ['iam'], ['user', 'info']],
  ['5382', 'vault-credentials-were-read', ['iam'], ['user', 'info']],
]);

const LOGON_TYPES = {
  '2': 'Interactive', '3': 'Network', '4': 'Batch', '5': 'Service', '7': 'Unlock', '8': 'NetworkCleartext',
  '9': 'NewCredentials', '10': 'RemoteInteractive', '11': 'CachedInteractive',
}; // prettier-ignore

/** [MS-SAMR] user account control bits, as the newest pipeline names them. */
const UAC_FLAGS: ReadonlyArray<readonly [number, string]> = [
  [0x1, 'USER_ACCOUNT_DISABLED'], [0x2, 'USER_HOME_DIRECTORY_REQUIRED'], [0x4, 'USER_PASSWORD_NOT_REQUIRED'],
  [0x8, 'USER_TEMP_DUPLICATE_ACCOUNT'], [0x10, 'USER_NORMAL_ACCOUNT'], [0x20, 'USER_MNS_LOGON_ACCOUNT'],
  [0x40, 'USER_INTERDOMAIN_TRUST_ACCOUNT'], [0x80, 'USER_WORKSTATION_TRUST_ACCOUNT'],
  [0x100, 'USER_SERVER_TRUST_ACCOUNT'], [0x200, 'USER_DONT_EXPIRE_PASSWORD'], [0x400, 'USER_ACCOUNT_AUTO_LOCKED'],
  [0x800, 'USER_ENCRYPTED_TEXT_PASSWORD_ALLOWED'], [0x1000, 'USER_SMARTCARD_REQUIRED'],
  [0x2000, 'USER_TRUSTED_FOR_DELEGATION'], [0x4000, 'USER_NOT_DELEGATED'], [0x8000, 'USER_USE_DES_KEY_ONLY'],
  [0x10000, 'USER_DONT_REQUIRE_PREAUTH'], [0x20000, 'USER_PASSWORD_EXPIRED'],
  [0x40000, 'USER_TRUSTED_TO_AUTHENTICATE_FOR_DELEGATION'], [0x80000, 'USER_NO_AUTH_DATA_REQUIRED'],
  [0x100000, 'USER_PARTIAL_SECRETS_ACCOUNT'], [0x200000, 'USER_USE_AES_KEYS'],
]; // prettier-ignore

const TICKET_OPTIONS: ReadonlyArray<readonly [number, string]> = [
  [0x40000000, 'Forwardable'], [0x20000000, 'Forwarded'], [0x10000000, 'Proxiable'], [0x08000000, 'Proxy'],
  [0x04000000, 'Allow-postdate'], [0x02000000, 'Postdated'], [0x01000000, 'Invalid'], [0x00800000, 'Renewable'],
  [0x00400000, 'Initial'], [0x00200000, 'Pre-authent'], [0x00100000, 'Opt-hardware-auth'],
  [0x00080000, 'Transited-policy-checked'], [0x00040000, 'Ok-as-delegate'], [0x00020000, 'Request-anonymous'],
  [0x00010000, 'Name-canonicalize'], [0x00000020, 'Disable-transited-check'], [0x00000010, 'Renewable-ok'],
  [0x00000008, 'Enc-tkt-in-skey'], [0x00000002, 'Renew'], [0x00000001, 'Validate'],
]; // prettier-ignore

const TICKET_ENCRYPTION = {
  '0x1': 'DES-CBC-CRC', '0x3': 'DES-CBC-MD5', '0x11': 'AES128-CTS-HMAC-SHA1-96', '0x12': 'AES256-CTS-HMAC-SHA1-96',
  '0x17': 'RC4-HMAC', '0x18': 'RC4-HMAC-EXP', '0xffffffff': 'FAIL',
}; // prettier-ignore

/** RFC 4120 / MS-KILE result codes (keys as the pipeline writes them: case-sensitive). */
const KERBEROS_STATUS = {
  '0x0': 'KDC_ERR_NONE', '0x1': 'KDC_ERR_NAME_EXP', '0x2': 'KDC_ERR_SERVICE_EXP', '0x3': 'KDC_ERR_BAD_PVNO',
  '0x4': 'KDC_ERR_C_OLD_MAST_KVNO', '0x5': 'KDC_ERR_S_OLD_MAST_KVNO', '0x6': 'KDC_ERR_C_PRINCIPAL_UNKNOWN',
  '0x7': 'KDC_ERR_S_PRINCIPAL_UNKNOWN', '0x8': 'KDC_ERR_PRINCIPAL_NOT_UNIQUE', '0x9': 'KDC_ERR_NULL_KEY',
  '0xA': 'KDC_ERR_CANNOT_POSTDATE', '0xB': 'KDC_ERR_NEVER_VALID', '0xC': 'KDC_ERR_POLICY', '0xD': 'KDC_ERR_BADOPTION',
  '0xE': 'KDC_ERR_ETYPE_NOTSUPP', '0xF': 'KDC_ERR_SUMTYPE_NOSUPP', '0x10': 'KDC_ERR_PADATA_TYPE_NOSUPP',
  '0x11': 'KDC_ERR_TRTYPE_NO_SUPP', '0x12': 'KDC_ERR_CLIENT_REVOKED', '0x13': 'KDC_ERR_SERVICE_REVOKED',
  '0x14': 'KDC_ERR_TGT_REVOKED', '0x15': 'KDC_ERR_CLIENT_NOTYET', '0x16': 'KDC_ERR_SERVICE_NOTYET',
  '0x17': 'KDC_ERR_KEY_EXPIRED', '0x18': 'KDC_ERR_PREAUTH_FAILED', '0x19': 'KDC_ERR_PREAUTH_REQUIRED',
  '0x1A': 'KDC_ERR_SERVER_NOMATCH', '0x1B': 'KDC_ERR_MUST_USE_USER2USER', '0x1F': 'KRB_AP_ERR_BAD_INTEGRITY',
  '0x20': 'KRB_AP_ERR_TKT_EXPIRED', '0x21': 'KRB_AP_ERR_TKT_NYV', '0x22': 'KRB_AP_ERR_REPEAT',
  '0x23': 'KRB_AP_ERR_NOT_US', '0x24': 'KRB_AP_ERR_BADMATCH', '0x25': 'KRB_AP_ERR_SKEW', '0x26': 'KRB_AP_ERR_BADADDR',
  '0x27': 'KRB_AP_ERR_BADVERSION', '0x28': 'KRB_AP_ERR_MSG_TYPE', '0x29': 'KRB_AP_ERR_MODIFIED',
  '0x2A': 'KRB_AP_ERR_BADORDER', '0x2C': 'KRB_AP_ERR_BADKEYVER', '0x2D': 'KRB_AP_ERR_NOKEY',
  '0x2E': 'KRB_AP_ERR_MUT_FAIL', '0x2F': 'KRB_AP_ERR_BADDIRECTION', '0x30': 'KRB_AP_ERR_METHOD',
  '0x31': 'KRB_AP_ERR_BADSEQ', '0x32': 'KRB_AP_ERR_INAPP_CKSUM', '0x33': 'KRB_AP_PATH_NOT_ACCEPTED',
  '0x34': 'KRB_ERR_RESPONSE_TOO_BIG', '0x3C': 'KRB_ERR_GENERIC', '0x3D': 'KRB_ERR_FIELD_TOOLONG',
  '0x3E': 'KDC_ERR_CLIENT_NOT_TRUSTED', '0x3F': 'KDC_ERR_KDC_NOT_TRUSTED', '0x40': 'KDC_ERR_INVALID_SIG',
  '0x41': 'KDC_ERR_KEY_TOO_WEAK', '0x42': 'KRB_AP_ERR_USER_TO_USER_REQUIRED', '0x43': 'KRB_AP_ERR_NO_TGT',
  '0x44': 'KDC_ERR_WRONG_REALM',
}; // prettier-ignore

const SERVICE_TYPES = {
  '0x1': 'Kernel Driver', '0x2': 'File System Driver', '0x8': 'Recognizer Driver', '0x10': 'Win32 Own Process',
  '0x20': 'Win32 Share Process', '0x110': 'Interactive Own Process', '0x120': 'Interactive Share Process',
}; // prettier-ignore

/** Audit subcategory GUID (without braces, upper case) → [SubCategory, Category]. */
const SUBCATEGORIES: Readonly<Record<string, readonly [string, string]>> = (() => {
  const rows: Array<[number, string, string]> = [
    [0x10, 'Security State Change', 'System'], [0x11, 'Security System Extension', 'System'],
    [0x12, 'System Integrity', 'System'], [0x13, 'IPsec Driver', 'System'], [0x14, 'Other System Events', 'System'],
    [0x15, 'Logon', 'Logon/Logoff'], [0x16, 'Logoff', 'Logon/Logoff'], [0x17, 'Account Lockout', 'Logon/Logoff'],
    [0x18, 'IPsec Main Mode', 'Logon/Logoff'], [0x19, 'IPsec Quick Mode', 'Logon/Logoff'],
    [0x1a, 'IPsec Extended Mode', 'Logon/Logoff'], [0x1b, 'Special Logon', 'Logon/Logoff'],
    [0x1c, 'Other Logon/Logoff Events', 'Logon/Logoff'], [0x43, 'Network Policy Server', 'Logon/Logoff'],
    [0x47, 'User / Device Claims', 'Logon/Logoff'], [0x49, 'Group Membership', 'Logon/Logoff'],
    [0x1d, 'File System', 'Object Access'], [0x1e, 'Registry', 'Object Access'], [0x1f, 'Kernel Object', 'Object Access'],
    [0x20, 'SAM', 'Object Access'], [0x21, 'Certification Services', 'Object Access'],
    [0x22, 'Application Generated', 'Object Access'], [0x23, 'Handle Manipulation', 'Object Access'],
    [0x24, 'File Share', 'Object Access'], [0x25, 'Filtering Platform Packet Drop', 'Object Access'],
    [0x26, 'Filtering Platform Connection ', 'Object Access'], [0x27, 'Other Object Access Events', 'Object Access'],
    [0x44, 'Detailed File Share', 'Object Access'], [0x45, 'Removable Storage', 'Object Access'],
    [0x46, 'Central Policy Staging', 'Object Access'], [0x28, 'Sensitive Privilege Use', 'Privilege Use'],
    [0x29, 'Non Sensitive Privilege Use', 'Privilege Use'], [0x2a, 'Other Privilege Use Events', 'Privilege Use'],
    [0x2b, 'Process Creation', 'Detailed Tracking'], [0x2c, 'Process Termination', 'Detailed Tracking'],
    [0x2d, 'DPAPI Activity', 'Detailed Tracking'], [0x2e, 'RPC Events', 'Detailed Tracking'],
    [0x48, 'Plug and Play Events', 'Detailed Tracking'], [0x2f, 'Audit Policy Change', 'Policy Change'],
    [0x30, 'Authentication Policy Change', 'Policy Change'], [0x31, 'Authorization Policy Change', 'Policy Change'],
    [0x32, 'MPSSVC Rule-Level Policy Change', 'Policy Change'],
    [0x33, 'Filtering Platform Policy Change', 'Policy Change'], [0x34, 'Other Policy Change Events', 'Policy Change'],
    [0x35, 'User Account Management', 'Account Management'], [0x36, 'Computer Account Management', 'Account Management'],
    [0x37, 'Security Group Management', 'Account Management'],
    [0x38, 'Distribution Group Management', 'Account Management'],
    [0x39, 'Application Group Management', 'Account Management'],
    [0x3a, 'Other Account Management Events', 'Account Management'],
    [0x3b, 'Directory Service Access', 'Account Management'], [0x3c, 'Directory Service Changes', 'Account Management'],
    [0x3d, 'Directory Service Replication', 'Account Management'],
    [0x3e, 'Detailed Directory Service Replication', 'Account Management'],
    [0x3f, 'Credential Validation', 'Account Logon'], [0x40, 'Kerberos Service Ticket Operations', 'Account Logon'],
    [0x41, 'Other Account Logon Events', 'Account Logon'], [0x42, 'Kerberos Authentication Service', 'Account Logon'],
  ]; // prettier-ignore
  const t: Record<string, readonly [string, string]> = {};
  for (const [n, sub, cat] of rows)
    t[`0CCE92${n.toString(16).toUpperCase().padStart(2, '0')}-69AE-11D9-BED3-505054503030`] = [sub, cat];
  return t;
})();

/**
 * The msobjs.dll message ids decoded here: closed sets only (logon failure reasons, standard,
 * file, registry, process and directory-service access rights, WFP direction and layer names).
 */
const MESSAGES: Readonly<Record<string, string>> = {
  '1537': 'DELETE', '1538': 'READ_CONTROL', '1539': 'WRITE_DAC', '1540': 'WRITE_OWNER', '1541': 'SYNCHRONIZE',
  '1542': 'ACCESS_SYS_SEC', '1543': 'MAX_ALLOWED',
  '2304': 'An Error occured during Logon.', '2305': 'The specified user account has expired.',
  '2306': 'The NetLogon component is not active.', '2307': 'Account locked out.',
  '2308': 'The user has not been granted the requested logon type at this machine.',
  '2309': "The specified account's password has expired.", '2310': 'Account currently disabled.',
  '2311': 'Account logon time restriction violation.', '2312': 'User not allowed to logon at this computer.',
  '2313': 'Unknown user name or bad password.', '2314': 'Domain sid inconsistent.',
  '2315': 'Smartcard logon is required and was not used.',
  '4416': 'ReadData (or ListDirectory)', '4417': 'WriteData (or AddFile)',
  '4418': 'AppendData (or AddSubdirectory or CreatePipeInstance)', '4419': 'ReadEA', '4420': 'WriteEA',
  '4421': 'Execute/Traverse', '4422': 'DeleteChild', '4423': 'ReadAttributes', '4424': 'WriteAttributes',
  '4432': 'Query key value', '4433': 'Set key value', '4434': 'Create sub-key', '4435': 'Enumerate sub-keys',
  '4436': 'Notify about changes to keys', '4437': 'Create Link',
  '4480': 'Force process termination', '4481': 'Create new thread in process', '4482': 'Set process session ID',
  '4483': 'Perform virtual memory operation', '4484': 'Read from process memory', '4485': 'Write to process memory',
  '4486': 'Duplicate handle into or out of process', '4487': 'Create a subprocess of process',
  '4488': 'Set process quotas', '4489': 'Set process information', '4490': 'Query process information',
  '4491': 'Set process termination port',
  '7680': 'Create Child', '7681': 'Delete Child', '7682': 'List Contents', '7683': 'Write Self',
  '7684': 'Read Property', '7685': 'Write Property', '7686': 'Delete Tree', '7687': 'List Object',
  '7688': 'Control Access',
  '14592': 'Inbound', '14593': 'Outbound', '14594': 'Forward', '14595': 'Bidirectional', '14596': 'IP Packet',
  '14597': 'Transport', '14598': 'Forward', '14599': 'Stream', '14600': 'Datagram Data', '14601': 'ICMP Error',
  '14602': 'MAC 802.3', '14603': 'MAC Native', '14604': 'vSwitch', '14608': 'Resource Assignment', '14609': 'Listen',
  '14610': 'Receive/Accept', '14611': 'Connect', '14612': 'Flow Established', '14614': 'Resource Release',
  '14615': 'Endpoint Closure', '14616': 'Connect Redirect', '14617': 'Bind Redirect', '14624': 'Stream Packet',
  '14640': 'ICMP Echo-Request', '14641': 'vSwitch Ingress', '14642': 'vSwitch Egress',
}; // prettier-ignore

/** Message text → id, for AccessMask entries already rendered as text. */
const MESSAGES_REVERSED: Readonly<Record<string, string>> = (() => {
  const r: Record<string, string> = {};
  for (const [k, v] of Object.entries(MESSAGES)) if (!(v in r)) r[v] = k;
  return r;
})();

/** Single-bit access mask names of the pipeline (multi-bit keys of its table never match a bit). */
const ACCESS_MASK_BITS: Readonly<Record<number, string>> = {
  0x1: 'Create Child', 0x2: 'Delete Child', 0x4: 'List Contents', 0x8: 'SELF', 0x10: 'Read Property',
  0x20: 'Write Property', 0x40: 'Delete Treee', 0x80: 'List Object', 0x100: 'Control Access', 0x10000: 'DELETE',
  0x20000: 'READ_CONTROL', 0x40000: 'WRITE_DAC', 0x80000: 'WRITE_OWNER', 0x100000: 'SYNCHRONIZE',
  0x1000000: 'ADS_RIGHT_ACCESS_SYSTEM_SECURITY', 0x10000000: 'ADS_RIGHT_GENERIC_ALL',
  0x20000000: 'ADS_RIGHT_GENERIC_EXECUTE', 0x40000000: 'ADS_RIGHT_GENERIC_WRITE', 0x80000000: 'ADS_RIGHT_GENERIC_READ',
}; // prettier-ignore

const LOGON_FAILURE_STATUS = {
  '0xc000005e': 'There are currently no logon servers available to service the logon request.',
  '0xc0000064': 'User logon with misspelled or bad user account',
  '0xc000006a': 'User logon with misspelled or bad password',
  '0xc000006d': 'This is either due to a bad username or authentication information',
  '0xc000006e': 'Unknown user name or bad password.',
  '0xc000006f': 'User logon outside authorized hours',
  '0xc0000070': 'User logon from unauthorized workstation',
  '0xc0000071': 'User logon with expired password',
  '0xc0000072': 'User logon to account disabled by administrator',
  '0xc00000dc': 'Indicates the Sam Server was in the wrong state to perform the desired operation.',
  '0xc0000133': 'Clocks between DC and other computer too far out of sync',
  '0xc000015b': 'The user has not been granted the requested logon type (aka logon right) at this machine',
  '0xc000018c':
    'The logon request failed because the trust relationship between the primary domain and the trusted domain failed.',
  '0xc0000192': 'An attempt was made to logon, but the Netlogon service was not started.',
  '0xc0000193': 'User logon with expired account',
  '0xc0000224': 'User is required to change password at next logon',
  '0xc0000225': 'Evidently a bug in Windows and not a risk',
  '0xc0000234': 'User logon with account locked',
  '0xc00002ee': 'Failure Reason: An Error occurred during Logon',
  '0xc0000413':
    'Logon Failure: The machine you are logging onto is protected by an authentication firewall. The specified account is not allowed to authenticate to the machine.',
  '0xc0000371': 'The local account store does not contain secret material for the specified account',
  '0x0': 'Status OK.',
};

const TRUST_TYPES = {
  '1': 'TRUST_TYPE_DOWNLEVEL',
  '2': 'TRUST_TYPE_UPLEVEL',
  '3': 'TRUST_TYPE_MIT',
  '4': 'TRUST_TYPE_DCE',
};
const TRUST_DIRECTIONS = {
  '0': 'TRUST_DIRECTION_DISABLED', '1': 'TRUST_DIRECTION_INBOUND', '2': 'TRUST_DIRECTION_OUTBOUND',
  '3': 'TRUST_DIRECTION_BIDIRECTIONAL',
}; // prettier-ignore
const TRUST_ATTRIBUTES = {
  '0': 'UNDEFINED', '1': 'TRUST_ATTRIBUTE_NON_TRANSITIVE', '2': 'TRUST_ATTRIBUTE_UPLEVEL_ONLY',
  '4': 'TRUST_ATTRIBUTE_QUARANTINED_DOMAIN', '8': 'TRUST_ATTRIBUTE_FOREST_TRANSITIVE',
  '16': 'TRUST_ATTRIBUTE_CROSS_ORGANIZATION', '32': 'TRUST_ATTRIBUTE_WITHIN_FOREST',
  '64': 'TRUST_ATTRIBUTE_TREAT_AS_EXTERNAL', '128': 'TRUST_ATTRIBUTE_USES_RC4_ENCRYPTION',
  '512': 'TRUST_ATTRIBUTE_CROSS_ORGANIZATION_NO_TGT_DELEGATION', '1024': 'TRUST_ATTRIBUTE_PIM_TRUST',
}; // prettier-ignore

const IANA_TRANSPORT = {
  '1': 'icmp', '2': 'igmp', '4': 'ipv4', '6': 'tcp', '8': 'egp', '9': 'igp', '12': 'pup', '17': 'udp', '27': 'rdp',
  '28': 'irtp', '33': 'dccp', '35': 'idpr', '41': 'ipv6', '43': 'ipv6-route', '44': 'ipv6-frag', '46': 'rsvp',
  '47': 'gre', '50': 'esp', '58': 'ipv6-icmp', '59': 'ipv6-nonxt', '60': 'ipv6-opts',
}; // prettier-ignore

// ---------------------------------------------------------------------------------------------
// Scripts (Painless in the pipeline). `doc` is ctx; event_data values are strings from the winlog input.

type Doc = Record<string, unknown>;

/** `ctx.x.y == null` reading: absent and null are the same. */
const has = (v: unknown): boolean => v !== undefined && v !== null;

function obj(doc: Doc, key: string): Doc {
  const v = doc[key];
  if (isObject(v)) return v;
  const o: Doc = {};
  doc[key] = o;
  return o;
}

/** `Long.decode(value)` where a failure is a pipeline failure: reported, value skipped. */
function decodeOrReport(run: MappingRun, field: string, v: unknown): number | undefined {
  const n = decodeLong(v);
  if (n === FAIL) {
    run.report('field-conversion', `security: cannot decode ${field} ${JSON.stringify(v)} as a number`);
    return undefined;
  }
  return n;
}

function splitJavaWhitespace(s: string): string[] {
  // The pipeline's split(): leading whitespace skipped, fields separated by runs of whitespace.
  const f: string[] = [];
  let last = 0;
  while (last < s.length && isJavaWhitespace(s.charCodeAt(last))) last++;
  for (let i = last; i < s.length; i++) {
    if (!isJavaWhitespace(s.charCodeAt(i))) continue;
    f.push(s.slice(last, i));
    while (i < s.length && isJavaWhitespace(s.charCodeAt(i))) i++;
    last = i;
  }
  f.push(s.slice(last));
  return f;
}

function uac(run: MappingRun): void {
  const e = eventDataOf(run);
  const raw = e?.NewUacValue;
  if (e === undefined || typeof raw !== 'string') return;
  const n = decodeLong(raw.trim());
  if (n === FAIL) return;
  const low = n >>> 0;
  const names = UAC_FLAGS.filter(([m]) => (low & m) >>> 0 === m).map(([, name]) => name);
  if (names.length === 0) return;
  run.put(e, 'NewUACList', names);
  const u = e.UserAccountControl;
  if (typeof u !== 'string' || u === '-') return;
  const list = u
    .split('\n')
    .map((x) => x.replaceAll('%%', '').trim())
    .filter((x) => x.length > 0);
  run.put(e, 'UserAccountControl', list);
}

function subcategory(run: MappingRun): void {
  const e = eventDataOf(run);
  const g = e?.SubcategoryGuid;
  if (e === undefined || typeof g !== 'string') return;
  const row = SUBCATEGORIES[g.replaceAll('{', '').replaceAll('}', '').toUpperCase()];
  if (row === undefined) return;
  run.put(e, 'Category', row[1]);
  run.put(e, 'SubCategory', row[0]);
}

function messageTable(run: MappingRun): void {
  const e = eventDataOf(run);
  if (e === undefined) return;
  const d = run.doc;
  if (typeof e.FailureReason === 'string') {
    const c = e.FailureReason.replaceAll('%%', '');
    setIn(d, 'winlog.logon.failure.reason', MESSAGES[c] ?? c);
  }
  const apc = e.AuditPolicyChanges;
  if (typeof apc === 'string' || Array.isArray(apc)) {
    const items = typeof apc === 'string' ? apc.split(',') : apc;
    const out = items.map((x) => {
      const c = String(x).replaceAll('%%', '').trim();
      return MESSAGES[c] ?? c;
    });
    if (out.length > 0) run.put(e, 'AuditPolicyChangesDescription', out);
  }
  const al = e.AccessList;
  if (typeof al === 'string' || Array.isArray(al)) {
    const items = typeof al === 'string' ? splitJavaWhitespace(al) : al;
    const codes: string[] = [];
    const out: string[] = [];
    for (const x of items) {
      const c = String(x).replaceAll('%%', '').trim();
      if (c !== '') codes.push(c);
      out.push(MESSAGES[c] ?? c);
    }
    if (codes.length > 0) run.put(e, 'AccessList', codes);
    if (out.length > 0) run.put(e, 'AccessListDescription', out);
  }
  for (const [field, target] of [
    ['Direction', 'DirectionDescription'],
    ['LayerName', 'LayerNameDescription'],
  ] as const) {
    const v = e[field];
    if (typeof v !== 'string') continue;
    const m = MESSAGES[v.replaceAll('%%', '').trim()];
    if (m !== undefined) run.put(e, target, m);
  }
  const am = e.AccessMask;
  if (typeof am === 'string' || Array.isArray(am)) {
    const items = typeof am === 'string' ? splitJavaWhitespace(am) : am;
    const list: string[] = [];
    let mask = 0;
    for (const x of items) {
      const s = String(x);
      if (s.length === 0) continue;
      let c = s.replaceAll('%%', '').trim();
      const text = MESSAGES[c];
      if (text !== undefined) list.push(text);
      else {
        list.push(c);
        c = MESSAGES_REVERSED[c] ?? c;
      }
      const n = decodeLong(c);
      if (n !== FAIL) mask = (mask | (n >>> 0)) >>> 0;
    }
    if (list.length > 0) run.put(e, 'AccessMask', list);
    const desc: string[] = [];
    for (let b = 0; b < 32; b++) {
      const flag = (1 << b) >>> 0; // 2 ** b without a floating-point pow
      if ((mask & flag) >>> 0 === flag) {
        const name = ACCESS_MASK_BITS[flag];
        if (name !== undefined) desc.push(name);
      }
    }
    if (desc.length > 0) run.put(e, 'AccessMaskDescription', desc);
  }
}

function logonFailure(run: MappingRun): void {
  const e = eventDataOf(run);
  const status = e?.Status;
  if (e === undefined || !has(status)) return;
  const s = LOGON_FAILURE_STATUS[String(status) as keyof typeof LOGON_FAILURE_STATUS];
  if (s !== undefined) setIn(run.doc, 'winlog.logon.failure.status', s);
  const sub = e.SubStatus;
  const ss = has(sub) ? LOGON_FAILURE_STATUS[String(sub) as keyof typeof LOGON_FAILURE_STATUS] : undefined;
  if (ss !== undefined) setIn(run.doc, 'winlog.logon.failure.sub_status', ss);
}

function sessionEvents(run: MappingRun): void {
  const e = eventDataOf(run);
  if (e === undefined) return;
  const d = run.doc;
  if (has(e.AccountName)) {
    obj(d, 'user').name = e.AccountName;
    appendUnique(d, 'related.user', e.AccountName);
  }
  if (has(e.AccountDomain)) obj(d, 'user').domain = e.AccountDomain;
  const ca = e.ClientAddress;
  if (has(ca) && ca !== '-' && ca !== 'Unknown') {
    if (ca === 'LOCAL') run.put(e, 'ClientAddress', '127.0.0.1');
    obj(d, 'source').ip = e.ClientAddress;
    appendUnique(d, 'related.ip', e.ClientAddress);
  }
  if (has(e.ClientName)) obj(d, 'source').domain = e.ClientName;
  if (has(e.LogonID)) setIn(d, 'winlog.logon.id', e.LogonID);
}

/** 4624, 4625, 4634, … : Target* → user.* (or user.target.* when user.* is taken). */
function copyTargetUser(run: MappingRun): void {
  const e = eventDataOf(run);
  if (e === undefined) return;
  const d = run.doc;
  const id = has(e.TargetUserSid) ? e.TargetUserSid : e.TargetSid;
  if (has(id)) {
    const u = obj(d, 'user');
    if (!has(u.id)) u.id = id;
    else obj(u, 'target').id = id;
  }
  if (has(e.TargetUserName)) {
    const name = String(e.TargetUserName).split('@')[0];
    const u = obj(d, 'user');
    if (!has(u.name)) u.name = name;
    else obj(u, 'target').name = name;
    appendUnique(d, 'related.user', name);
  }
  if (has(e.TargetDomainName)) {
    const u = obj(d, 'user');
    if (!has(u.domain)) u.domain = e.TargetDomainName;
    else obj(u, 'target').domain = e.TargetDomainName;
  }
}

const GROUP_EVENTS = [
  '4727', '4728', '4729', '4730', '4731', '4732', '4733', '4734', '4735', '4737', '4744', '4745', '4746', '4747',
  '4748', '4749', '4750', '4751', '4752', '4753', '4754', '4755', '4756', '4757', '4758', '4759', '4760', '4761',
  '4762', '4763', '4764', '4799',
]; // prettier-ignore

function memberAndGroup(run: MappingRun): void {
  const e = eventDataOf(run) ?? {};
  const d = run.doc;
  const parts = run.vars.MemberNameParts;
  if (Array.isArray(parts) && parts.length > 0) {
    const member = String(parts[0]).replaceAll('CN=', '').replaceAll('cn=', '');
    const target = obj(obj(d, 'user'), 'target');
    target.name = member;
    appendUnique(d, 'related.user', member);
    if (parts.length >= 4) target.domain = String(parts[3]).replaceAll('DC=', '').replaceAll('dc=', '');
  }
  if (has(e.TargetUserSid)) obj(d, 'group').id = e.TargetUserSid;
  if (has(e.TargetSid)) obj(d, 'group').id = e.TargetSid;
  if (has(e.TargetUserName)) obj(d, 'group').name = e.TargetUserName;
  if (has(e.TargetDomainName))
    obj(d, 'group').domain = String(e.TargetDomainName).replaceAll('DC=', '').replaceAll('dc=', '');
  const user = d.user;
  if (isObject(user) && isObject(user.target)) {
    const g = obj(user.target, 'group');
    const group = isObject(d.group) ? d.group : {};
    if (has(group.id)) g.id = group.id;
    if (has(group.name)) g.name = group.name;
    if (has(group.domain)) g.domain = group.domain;
  }
}

function computerObject(run: MappingRun): void {
  const e = eventDataOf(run);
  if (e === undefined) return;
  const w = obj(run.doc, 'winlog');
  if (has(e.TargetSid)) obj(w, 'computerObject').id = e.TargetSid;
  if (has(e.TargetUserName)) obj(w, 'computerObject').name = e.TargetUserName;
  if (has(e.TargetDomainName)) obj(w, 'computerObject').domain = e.TargetDomainName;
}

function copySubjectUser(source: 'event_data' | 'user_data'): (run: MappingRun) => void {
  const path = `winlog.${source}`;
  return (run) => {
    const e = getIn(run.doc, path);
    if (!isObject(e)) return;
    const d = run.doc;
    if (has(e.SubjectUserSid)) obj(d, 'user').id = e.SubjectUserSid;
    if (has(e.SubjectUserName)) {
      obj(d, 'user').name = e.SubjectUserName;
      appendUnique(d, 'related.user', e.SubjectUserName);
    }
    if (has(e.SubjectDomainName)) obj(d, 'user').domain = e.SubjectDomainName;
  };
}

/** Target* → user.target.* or user.effective.* (values `-` and empty skipped; empty object removed). */
function copyTargetTo(key: 'target' | 'effective', idField: 'TargetSid' | 'TargetUserSid'): (run: MappingRun) => void {
  const ok = (v: unknown): v is string => typeof v === 'string' && v !== '' && v !== '-';
  return (run) => {
    const e = eventDataOf(run) ?? {};
    const d = run.doc;
    const user = obj(d, 'user');
    const t = obj(user, key);
    if (ok(e[idField])) t.id = e[idField];
    const name = e.TargetUserName;
    if (ok(name)) {
      t.name = name.split('@')[0];
      appendUnique(d, 'related.user', t.name);
    }
    if (ok(e.TargetDomainName)) t.domain = e.TargetDomainName;
    if (Object.keys(t).length === 0) delete user[key];
  };
}

function commonAuthFields(run: MappingRun): void {
  const e = eventDataOf(run);
  if (e === undefined) return;
  const d = run.doc;
  if (has(e.ProcessId)) {
    const pid = typeof e.ProcessId === 'string' ? decodeOrReport(run, 'ProcessId', e.ProcessId) : e.ProcessId;
    if (pid !== undefined) {
      obj(d, 'process').pid = pid;
      run.remove(e, 'ProcessId');
    }
  }
  if (has(e.ProcessName)) {
    obj(d, 'process').executable = e.ProcessName;
    run.remove(e, 'ProcessName');
  }
  if (has(e.IpAddress) && e.IpAddress !== '-') {
    obj(d, 'source').ip = e.IpAddress;
    run.remove(e, 'IpAddress');
  }
  if (has(e.IpPort) && e.IpPort !== '-') {
    const port = decodeOrReport(run, 'IpPort', e.IpPort);
    if (port !== undefined) {
      obj(d, 'source').port = port;
      run.remove(e, 'IpPort');
    }
  }
  if (has(e.WorkstationName)) {
    obj(d, 'source').domain = e.WorkstationName;
    run.remove(e, 'WorkstationName');
  }
  if (has(e.ClientAddress) && e.ClientAddress !== '-' && e.ClientAddress !== 'Unknown') {
    if (e.ClientAddress === 'LOCAL') run.put(e, 'ClientAddress', '127.0.0.1');
    // The pipeline puts a single string here (not a list).
    obj(d, 'related').ip = e.ClientAddress;
    run.remove(e, 'ClientAddress');
  }
  processNameFromExecutable(d);
}

function processNameFromExecutable(d: Doc): void {
  const p = d.process;
  if (isObject(p) && !has(p.name) && typeof p.executable === 'string') p.name = lastToken(p.executable);
}

/** Painless `splitOnToken("\\")[-1]`. */
function lastToken(s: string): string {
  const i = s.lastIndexOf('\\');
  return i < 0 ? s : s.slice(i + 1);
}

function connectionEvents(run: MappingRun): void {
  const e = eventDataOf(run);
  if (e === undefined) return;
  const d = run.doc;
  if (has(e.DestAddress) && e.DestAddress !== '-') {
    obj(d, 'destination').ip = e.DestAddress;
    appendUnique(d, 'related.ip', e.DestAddress);
    run.remove(e, 'DestAddress');
  }
  if (has(e.SourceAddress) && e.SourceAddress !== '-') {
    obj(d, 'source').ip = e.SourceAddress;
    appendUnique(d, 'related.ip', e.SourceAddress);
    run.remove(e, 'SourceAddress');
  }
  for (const [f, target] of [
    ['DestPort', 'destination'],
    ['SourcePort', 'source'],
  ] as const) {
    if (has(e[f]) && e[f] !== '-') {
      const port = decodeOrReport(run, f, e[f]);
      if (port !== undefined) {
        obj(d, target).port = port;
        run.remove(e, f);
      }
    }
  }
  if (has(e.Protocol) && e.Protocol !== '-') obj(d, 'network').iana_number = e.Protocol;
  if (has(e.Application) && e.Application !== '-') {
    obj(d, 'process').executable = e.Application;
    run.remove(e, 'Application');
  }
  processNameFromExecutable(d);
}

function process4688(run: MappingRun): void {
  const e = eventDataOf(run);
  if (e === undefined) return;
  const d = run.doc;
  if (has(e.NewProcessId)) {
    const pid =
      typeof e.NewProcessId === 'string' ? decodeOrReport(run, 'NewProcessId', e.NewProcessId) : e.NewProcessId;
    if (pid !== undefined) {
      obj(d, 'process').pid = pid;
      run.remove(e, 'NewProcessId');
    }
  }
  if (has(e.NewProcessName)) {
    obj(d, 'process').executable = e.NewProcessName;
    run.remove(e, 'NewProcessName');
  }
  if (has(e.ParentProcessName)) {
    obj(obj(d, 'process'), 'parent').executable = e.ParentProcessName;
    run.remove(e, 'ParentProcessName');
  }
  processNameFromExecutable(d);
  const parent = isObject(d.process) ? d.process.parent : undefined;
  if (isObject(parent) && !has(parent.name) && typeof parent.executable === 'string')
    parent.name = lastToken(parent.executable);
  if (has(e.ProcessId)) {
    const ppid = typeof e.ProcessId === 'string' ? decodeOrReport(run, 'ProcessId', e.ProcessId) : e.ProcessId;
    if (ppid !== undefined) obj(obj(d, 'process'), 'parent').pid = ppid;
  }
  if (typeof e.CommandLine === 'string') {
    // Splitter B (quotes kept, empty tokens kept, no args_count).
    const p = obj(d, 'process');
    p.args = splitCommandLineQuoteWhitespace(e.CommandLine);
    p.command_line = e.CommandLine;
  }
  if (has(e.TargetUserName) && e.TargetUserName !== '-') appendUnique(d, 'related.user', e.TargetUserName);
}

function shareFileExtension(run: MappingRun): void {
  const f = run.doc.file;
  if (!isObject(f) || typeof f.name !== 'string') return;
  const i = f.name.lastIndexOf('.');
  if (i > -1) f.extension = f.name.slice(i + 1);
}

// ---------------------------------------------------------------------------------------------

const AUTH_FIELD_EVENTS = [
  '1100', '1102', '1104', '1105', '1108', '4624', '4648', '4625', '4670', '4673', '4674', '4689', '4697', '4719',
  '4720', '4722', '4723', '4724', '4725', '4726', '4727', '4728', '4729', '4730', '4731', '4732', '4733', '4734',
  '4735', '4737', '4738', '4740', '4741', '4742', '4743', '4744', '4745', '4746', '4747', '4748', '4749', '4750',
  '4751', '4752', '4753', '4754', '4755', '4756', '4757', '4758', '4759', '4760', '4761', '4762', '4763', '4764',
  '4767', '4768', '4769', '4770', '4771', '4798', '4799', '4817', '4904', '4905', '4907', '4912', '5140', '5145',
]; // prettier-ignore

const SUBJECT_EVENTS = [
  '4648', '4657', '4662', '4670', '4672', '4673', '4674', '4688', '4689', '4697', '4698', '4699', '4700', '4701',
  '4702', '4706', '4707', '4713', '4716', '4717', '4718', '4719', '4720', '4722', '4723', '4724', '4725', '4726',
  '4727', '4728', '4729', '4730', '4731', '4732', '4733', '4734', '4735', '4737', '4738', '4739', '4740', '4741',
  '4742', '4743', '4744', '4745', '4746', '4747', '4748', '4749', '4750', '4751', '4752', '4753', '4754', '4755',
  '4756', '4757', '4758', '4759', '4760', '4761', '4762', '4763', '4764', '4767', '4781', '4797', '4798', '4799',
  '4817', '4904', '4905', '4907', '4912', '5136', '5140', '5145', '5379', '5380', '5381', '5382',
]; // prettier-ignore

/** The `standard` pipeline (runs for Security-Auditing and Eventlog providers). */
const STANDARD: Step[] = [
  { op: 'lookup', key: 'event.code', into: 'event', table: SECURITY_EVENTS },
  { op: 'map', field: 'winlog.logon.type', from: ed('LogonType'), table: LOGON_TYPES },
  { op: 'script', deferSafe: true, name: 'user account control', run: uac },
  { op: 'flags', field: ed('TicketOptionsDescription'), from: ed('TicketOptions'), table: TICKET_OPTIONS },
  { op: 'map', field: ed('TicketEncryptionTypeDescription'), from: ed('TicketEncryptionType'), table: TICKET_ENCRYPTION, keyCase: 'lower' },
  { op: 'map', field: ed('StatusDescription'), from: ed('Status'), table: KERBEROS_STATUS, if: codeIn('4768', '4769', '4770', '4771') },
  { op: 'copy', field: 'service.name', from: ed('ServiceName'), ignoreEmpty: false },
  { op: 'map', field: 'service.type', from: ed('ServiceType'), table: SERVICE_TYPES },
  { op: 'script', deferSafe: true, name: 'audit subcategory', run: subcategory },
  { op: 'script', deferSafe: true, name: 'message table', run: messageTable },
  { op: 'script', deferSafe: true, name: 'logon failure status', run: logonFailure, if: codeIn('4625', '4776') },
  { op: 'map', field: 'winlog.trustType', from: ed('TdoType'), table: TRUST_TYPES },
  { op: 'map', field: 'winlog.trustDirection', from: ed('TdoDirection'), table: TRUST_DIRECTIONS },
  { op: 'map', field: 'winlog.trustAttribute', from: ed('TdoAttributes'), table: TRUST_ATTRIBUTES },
  { op: 'script', deferSafe: true, name: 'session events', run: sessionEvents, if: codeIn('4778', '4779') },
  {
    op: 'script', deferSafe: true,
    name: 'copy target user',
    run: copyTargetUser,
    if: codeIn('4624', '4625', '4634', '4647', '4648', '4768', '4769', '4770', '4771', '4776', '4964'),
  },
  { op: 'split', field: '$MemberNameParts', from: ed('MemberName'), separator: /(?<!\\),/ },
  { op: 'script', deferSafe: true, name: 'member and group', run: memberAndGroup, if: codeIn(...GROUP_EVENTS) },
  { op: 'script', deferSafe: true, name: 'computer object', run: computerObject, if: codeIn('4741', '4742', '4743') },
  { op: 'copy', field: 'winlog.logon.id', from: ed('TargetLogonId'), ignoreEmpty: false, if: codeIn('4634', '4647', '4964') },
  { op: 'script', deferSafe: true, name: 'copy subject user', run: copySubjectUser('event_data'), if: codeIn(...SUBJECT_EVENTS) },
  {
    op: 'script', deferSafe: true,
    name: 'copy target user to target',
    run: copyTargetTo('target', 'TargetSid'),
    if: codeIn('4670', '4720', '4722', '4723', '4724', '4725', '4726', '4738', '4740', '4767', '4798', '4817', '4907', '4797'),
  },
  { op: 'script', deferSafe: true, name: 'copy target user to effective', run: copyTargetTo('effective', 'TargetUserSid'), if: codeIn('4648', '4688') },
  { op: 'script', deferSafe: true, name: 'copy subject user from user_data', run: copySubjectUser('user_data'), if: codeIn('1102') },
  { op: 'copy', field: 'winlog.logon.id', from: ed('SubjectLogonId'), ignoreEmpty: false },
  { op: 'copy', field: 'winlog.logon.id', from: 'winlog.user_data.SubjectLogonId', ignoreEmpty: false, if: codeIn('1102') },
  { op: 'script', deferSafe: true, name: 'common auth fields', run: commonAuthFields, if: codeIn(...AUTH_FIELD_EVENTS) },
  { op: 'script', deferSafe: true, name: 'connection events', run: connectionEvents, if: codeIn('5152', '5156', '5157', '5158') },
  { op: 'script', deferSafe: true, name: 'process event 4688', run: process4688, if: codeIn('4688') },
  {
    op: 'append',
    field: 'related.user',
    from: ed('SubjectUserName'),
    skip: ['-'],
    if: codeIn('4624', '4648', '4797', '5379', '5380', '5381', '5382'),
  },
  {
    op: 'append',
    field: 'related.user',
    from: ed('TargetUserName'),
    skip: ['-'],
    if: codeIn('4688', '4720', '4722', '4723', '4724', '4725', '4726', '4738', '4740', '4767', '4797', '4798'),
  },
  { op: 'split', field: ed('PrivilegeList'), separator: /\s+/, if: codeIn('4672', '4673', '4674', '4741', '4742', '4743') },
  { op: 'copy', field: 'user.target.name', from: ed('OldTargetUserName') },
  { op: 'copy', field: 'user.changes.name', from: ed('NewTargetUserName') },
  { op: 'append', field: 'related.user', from: ed('NewTargetUserName'), skip: ['-'] },
  { op: 'append', field: 'related.user', from: ed('OldTargetUserName'), skip: ['-'] },
  { op: 'map', field: 'network.transport', from: 'network.iana_number', table: IANA_TRANSPORT, if: { missing: 'network.transport' } },
  {
    op: 'when',
    cond: codeIn('5140', '5145'),
    then: [
      { op: 'copy', field: 'file.name', from: ed('RelativeTargetName') },
      { op: 'copy', field: 'file.directory', from: ed('ShareLocalPath') },
      {
        op: 'concat',
        field: 'file.path',
        parts: [{ field: 'file.directory' }, '\\', { field: 'file.name' }],
        if: { all: [{ exists: 'file.name' }, { exists: 'file.directory' }] },
      },
      {
        op: 'concat',
        field: 'file.target_path',
        parts: [{ field: ed('ShareName') }, '\\', { field: 'file.name' }],
        if: { all: [{ present: ed('ShareName') }, { exists: 'file.name' }] },
      },
    ],
  },
  { op: 'script', deferSafe: true, name: 'file extension', run: shareFileExtension },
  { op: 'rename', field: 'network.direction', from: ed('DirectionDescription') },
  { op: 'lowercase', field: 'network.direction' },
]; // prettier-ignore

export type SecurityVariant = 'system' | 'forwarded' | 'winlogbeat';

/** The full Security pipeline of a data stream. */
export function securitySteps(variant: SecurityVariant): Step[] {
  return [
    { op: 'convert', field: 'event.code', type: 'string' },
    CLEAN_EVENT_DATA,
    {
      op: 'when',
      cond: { in: 'winlog.provider_name', values: ['Microsoft-Windows-Eventlog', 'Microsoft-Windows-Security-Auditing'] },
      then: [{ op: 'dispatch', on: 'event.code', steps: STANDARD }],
    },
    ...(variant === 'system'
      ? ([
          { op: 'remove', fields: ['winlog._tmp'] },
          {
            op: 'copy',
            field: 'winlog.scheduled_task.name',
            from: ed('TaskName'),
            if: { all: [{ eq: 'winlog.provider_name', value: 'Microsoft-Windows-Security-Auditing' }, codeIn('4698', '4699', '4700', '4701', '4702')] },
          },
        ] satisfies Step[])
      : []),
    { op: 'gsub', field: 'source.ip', pattern: /^\[?::ffff:([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)(?:\](?::[0-9]+)?)?$/, replacement: '$1' },
    { op: 'append', field: 'related.ip', from: 'source.ip', skip: ['-'] },
    { op: 'convert', field: 'winlog.record_id', type: 'string' },
    { op: 'convert', field: 'winlog.event_id', type: 'string' },
    { op: 'copy', field: 'log.level', from: 'winlog.level' },
    { op: 'date', field: '@timestamp', from: 'winlog.time_created', formats: ['ISO8601'], tag: 'time_created_date' },
    { op: 'convert', field: 'error.code', type: 'string' },
    { op: 'clean', field: EVENT_DATA, values: [], removeIfEmpty: true },
    ...(variant === 'system'
      ? ([{ op: 'prune', values: [null], blankStrings: true, emptyContainers: true }] satisfies Step[])
      : []),
  ]; // prettier-ignore
}
