/**
 * The Microsoft Defender XDR event pipeline as a step table, transcribed from elastic/integrations
 * `packages/m365_defender/data_stream/event/elasticsearch/ingest_pipeline/default.yml` (entry
 * point) and `pipeline_device.yml` (revision `021d77a8…`, the one the golden fixture comes from).
 * The input document is `{ json: <Advanced Hunting record>, event: { original }, tags }`. Only the
 * Device* tables are mapped; other categories (alerts, email, identity, cloud apps) get the entry
 * pipeline's fields only. No GeoIP lookups offline.
 */
import { compilePath, isObject, type Cond, type MappingRun, type Step } from '../../mapping/index.js';
import { javaTrim } from '../../mapping/values.js';
import { renameTableStep } from '../steps.js';

const P = (k: string): string => `json.properties.${k}`;
/**
 * `m365_defender.event.*` is built in the scratch variable `$m` (paths one segment shorter, on the
 * engine's fast accessors) and moved into the document by the last step (M365_CLEANUP).
 */
const M = (k: string): string => `$m.${k}`;

const category = compilePath(M('category'));
/** The table name, lower-cased once per event (many conditions test it). */
const categoryLc = (r: MappingRun): string => {
  let v = r.vars.tableLc;
  if (typeof v !== 'string') {
    const c = category.get(r);
    v = r.vars.tableLc = typeof c === 'string' ? c.toLowerCase() : '';
  }
  return v as string;
};
const tableIs = (...names: string[]): Cond => ({ test: (r) => names.some((n) => categoryLc(r).includes(n)) });
const actionType = compilePath('json.properties.ActionType');
const actionHas = (...parts: string[]): Cond => ({
  test: (r) => {
    const v = actionType.get(r);
    if (typeof v !== 'string') return false;
    const l = v.toLowerCase();
    return parts.some((p) => l.includes(p));
  },
});
const eventCategory = compilePath('event.category');
const catHas =
  (c: string): ((r: MappingRun) => boolean) =>
  (r) => {
    const v = eventCategory.get(r);
    return Array.isArray(v) && v.includes(c);
  };
const hasCategory: Cond = { exists: 'event.category' };
const deviceEvents = tableIs('deviceevents');
const imageLoads = tableIs('deviceimageloadevents');
/** InitiatingProcess* is the row's actor (`process.*`) everywhere but DeviceProcessEvents and DeviceEvents. */
const actorTables: Cond = { all: [hasCategory, { not: { test: catHas('process') } }, { not: deviceEvents }] };
const processTables: Cond = { all: [hasCategory, { any: [{ test: catHas('process') }, deviceEvents] }] };
const processOwnColumns: Cond = { all: [processTables, { not: imageLoads }] };
const direction = compilePath(M('network_direction'));
const dirIs = (d: string | null): Cond => ({
  test: (r) => (d === null ? direction.get(r) == null : direction.get(r) === d),
});
const network: Cond = { test: catHas('network') };
const auth: Cond = { test: catHas('authentication') };

/** Columns renamed into `m365_defender.event.*` (the pipeline's rename processors, in order). */
const RENAMES: ReadonlyArray<readonly [string, string]> = [
  ['FolderPath', 'folder_path'],
  ['MD5', 'md5'],
  ['SHA1', 'sha1'],
  ['SHA256', 'sha256'],
  ['FileName', 'file.name'],
  ['FileSize', 'file.size'],
  ['DeviceName', 'device.name'],
  ['DeviceId', 'device.id'],
  ['InitiatingProcessCommandLine', 'initiating_process.command_line'],
  ['InitiatingProcessMD5', 'initiating_process.md5'],
  ['InitiatingProcessSHA1', 'initiating_process.sha1'],
  ['InitiatingProcessSHA256', 'initiating_process.sha256'],
  ['InitiatingProcessParentId', 'initiating_process.parent_id'],
  ['InitiatingProcessId', 'initiating_process.id'],
  ['RegistryKey', 'registry.key'],
  ['RegistryValueName', 'registry.value_name'],
  ['CertificateSerialNumber', 'certificate.serial_number'],
  ['AccountName', 'account.name'],
  ['RequestProtocol', 'request.protocol'],
  ['ActionType', 'action.type'],
  ['RequestAccountDomain', 'request.account_domain'],
  ['RequestAccountName', 'request.account_name'],
  ['OSArchitecture', 'os.architecture'],
  ['OSPlatform', 'os.platform'],
  ['OSDistribution', 'os.distribution'],
  ['OSVersion', 'os.version'],
  ['DeviceType', 'device.type'],
  ['AccountDomain', 'account.domain'],
  ['ClientVersion', 'client_version'],
  ['DeviceCategory', 'device.category'],
  ['MacAddress', 'mac_address'],
  ['AccountSid', 'account.sid'],
  ['RequestAccountSid', 'request.account_sid'],
  ['AppGuardContainerId', 'app_guard_container_id'],
  ['FileOriginUrl', 'file.origin_url'],
  ['InitiatingProcessAccountDomain', 'initiating_process.account_domain'],
  ['InitiatingProcessAccountName', 'initiating_process.account_name'],
  ['AccountObjectId', 'account.object_id'],
  ['InitiatingProcessAccountObjectId', 'initiating_process.account_object_id'],
  ['InitiatingProcessAccountSid', 'initiating_process.account_sid'],
  ['AccountUpn', 'account.upn'],
  ['InitiatingProcessAccountUpn', 'initiating_process.account_upn'],
  ['InitiatingProcessFileName', 'initiating_process.file_name'],
  ['InitiatingProcessFolderPath', 'initiating_process.folder_path'],
  ['InitiatingProcessParentFileName', 'initiating_process.parent_file_name'],
  ['InitiatingProcessVersionInfoCompanyName', 'initiating_process.version_info_company_name'],
  ['InitiatingProcessVersionInfoFileDescription', 'initiating_process.version_info_file_description'],
  ['InitiatingProcessVersionInfoInternalFileName', 'initiating_process.version_info_internal_file_name'],
  ['InitiatingProcessVersionInfoOriginalFileName', 'initiating_process.version_info_original_file_name'],
  ['InitiatingProcessVersionInfoProductName', 'initiating_process.version_info_product_name'],
  ['InitiatingProcessVersionInfoProductVersion', 'initiating_process.version_info_product_version'],
  ['ProcessCommandLine', 'process.command_line'],
  ['ProcessTokenElevation', 'process.token_elevation'],
  ['ProcessVersionInfoCompanyName', 'process.version_info_company_name'],
  ['ProcessVersionInfoFileDescription', 'process.version_info_file_description'],
  ['ProcessVersionInfoInternalFileName', 'process.version_info_internal_file_name'],
  ['ProcessVersionInfoOriginalFileName', 'process.version_info_original_file_name'],
  ['ProcessVersionInfoProductName', 'process.version_info_product_name'],
  ['ProcessVersionInfoProductVersion', 'process.version_info_product_version'],
  ['RegistryValueData', 'registry.value_data'],
  ['RemoteDeviceName', 'remote.device_name'],
  ['RemoteUrl', 'remote.url'],
  ['CrlDistributionPointUrls', 'crl_distribution_point_urls'],
  ['Issuer', 'issuer'],
  ['IssuerHash', 'issuer_hash'],
  ['SignatureType', 'signature_type'],
  ['Signer', 'signer'],
  ['SignerHash', 'signer_hash'],
  ['FileOriginReferrerUrl', 'file.origin_referrer_url'],
  ['InitiatingProcessIntegrityLevel', 'initiating_process.integrity_level'],
  ['InitiatingProcessTokenElevation', 'initiating_process.token_elevation'],
  ['PreviousFileName', 'previous.file_name'],
  ['PreviousFolderPath', 'previous.folder_path'],
  ['SensitivityLabel', 'sensitivity.label'],
  ['SensitivitySubLabel', 'sensitivity.sub_label'],
  ['ShareName', 'share_name'],
  ['FailureReason', 'failure_reason'],
  ['AadDeviceId', 'aad_device_id'],
  ['DeviceSubType', 'device.sub_type'],
  ['JoinType', 'join_type'],
  ['MachineGroup', 'machine_group'],
  ['MergedDeviceIds', 'merged_device_ids'],
  ['MergedToDeviceId', 'merged_to_device_id'],
  ['SensorHealthState', 'sensor_health_state'],
  ['IsExcluded', 'is_excluded'],
  ['ExclusionReason', 'exclusion_reason'],
  ['AssetValue', 'asset_value'],
  ['ExposureLevel', 'exposure_level'],
  ['IsInternetFacing', 'is_internet_facing'],
  ['DeviceManualTags', 'device_manual_tags'],
  ['DeviceDynamicTags', 'device_dynamic_tags'],
  ['Model', 'model'],
  ['OnboardingStatus', 'onboarding_status'],
  ['OSBuild', 'os.build'],
  ['OSVersionInfo', 'os.version_info'],
  ['RegistryDeviceTag', 'registry.device_tag'],
  ['Vendor', 'vendor'],
  ['LogonType', 'logon.type'],
  ['Protocol', 'protocol'],
  ['RemoteIPType', 'remote.ip_type'],
  ['RegistryValueType', 'registry.value_type'],
  ['LocalIPType', 'local.ip_type'],
  ['ConnectedNetworks', 'connected_networks'],
  ['DefaultGateways', 'default_gateways'],
  ['DnsAddresses', 'dns_addresses'],
  ['IPAddresses', 'ip_addresses'],
  ['NetworkAdapterStatus', 'network.adapter_status'],
  ['NetworkAdapterType', 'network.adapter_type'],
  ['NetworkAdapterVendor', 'network.adapter_vendor'],
  ['TunnelType', 'tunnel_type'],
  ['InitiatingProcessSignatureStatus', 'initiating_process.signature_status'],
  ['InitiatingProcessSignerType', 'initiating_process.signer_type'],
  ['ProcessIntegrityLevel', 'process.integrity_level'],
  ['PreviousRegistryKey', 'previous.registry_key'],
  ['PreviousRegistryValueData', 'previous.registry_value_data'],
  ['PreviousRegistryValueName', 'previous.registry_value_name'],
];

/** Columns validated as IP addresses (dropped when invalid) before being renamed. */
const IP_RENAMES: ReadonlyArray<readonly [string, string]> = [
  ['FileOriginIP', 'file.origin_ip'],
  ['RemoteIP', 'remote.ip'],
  ['LocalIP', 'local.ip'],
  ['RequestSourceIP', 'request.source_ip'],
];

/** Fields the pipeline removes unless the `preserve_duplicate_custom_fields` tag is set. */
export const M365_DUPLICATE_FIELDS: readonly string[] = [
  'folder_path', 'md5', 'sha1', 'sha256', 'file.name', 'file.size', 'file.origin_referrer_url', 'device.name',
  'device.id', 'process.version_info_company_name', 'process.version_info_product_name',
  'process.version_info_product_version', 'process.version_info_file_description', 'initiating_process.file_name',
  'initiating_process.version_info_product_version', 'initiating_process.version_info_file_description',
  'initiating_process.version_info_original_file_name', 'initiating_process.file_size',
  'initiating_process.version_info_company_name', 'initiating_process.version_info_product_name',
  'initiating_process.folder_path', 'initiating_process.command_line', 'initiating_process.md5',
  'initiating_process.sha1', 'initiating_process.sha256', 'initiating_process.parent_id', 'initiating_process.id',
  'initiating_process.parent_file_name', 'initiating_process.parent_creation_time',
  'initiating_process.signature_status', 'registry.key', 'registry.value_name', 'registry.value_data',
  'public_ip.value', 'local.ip', 'remote.ip', 'request.source_ip', 'local.port', 'remote.port',
  'request.source_port', 'account.name', 'account.sid', 'certificate.expiration_time', 'certificate.serial_number',
  'protocol', 'request.protocol', 'request.account_domain', 'request.account_name', 'os.architecture',
  'os.platform', 'os.distribution', 'os.version', 'device.type', 'account.domain', 'mac_address', 'client_version',
  'device.category', 'action.type', 'is_signed', 'signer', 'issuer', 'is_trusted',
].map(M); // prettier-ignore

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const isIp = (v: unknown): boolean =>
  typeof v === 'string' && (IPV4.test(v) || (v.includes(':') && /^[0-9A-Fa-f:.]+(%\w+)?$/.test(v)));

/** `convert … type: ip, on_failure: remove`: an invalid address disappears. */
function ipOrRemove(column: string): Step {
  const a = compilePath(P(column));
  return {
    op: 'script',
    name: `convert_${column}_ip`,
    if: { exists: P(column) },
    run: (r) => {
      if (!isIp(a.get(r))) a.del(r);
    },
  };
}

/** `json` processor on a column holding JSON text; a parse failure is reported and the text kept. */
function jsonColumn(column: string): Step {
  const a = compilePath(P(column));
  return {
    op: 'script',
    name: `json_${column}`,
    if: { present: P(column) },
    run: (r) => {
      const v = a.get(r);
      if (typeof v !== 'string') return;
      try {
        a.set(r, JSON.parse(v));
      } catch (e) {
        r.report('field-format', `m365_defender: ${column} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
  };
}

/** The isTruthy script: booleans from 1/0, "1"/"0", "true"/"false"; anything else null (later dropped). */
function truthy(v: unknown): boolean | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : null;
  if (typeof v === 'string') return v === '1' || v === 'true' ? true : v === '0' || v === 'false' ? false : null;
  return null;
}
const TRUTHY: ReadonlyArray<readonly [string, string]> = [
  ['IsRootSignerMicrosoft', 'is_root_signer_microsoft'],
  ['IsSigned', 'is_signed'],
  ['IsTrusted', 'is_trusted'],
  ['IsAzureInfoProtectionApplied', 'is_azure_info_protection_applied'],
  ['IsAzureADJoined', 'is_azure_ad_joined'],
  ['IsLocalAdmin', 'is_local_admin'],
];
const truthyStep: Step = {
  op: 'script',
  name: 'numbers_to_boolean',
  run: (r) => {
    const props = compiledProps.get(r);
    let ev = compiledEvent.get(r);
    if (!isObject(ev)) compiledEvent.set(r, (ev = {}));
    for (const [col, name] of TRUTHY) {
      const b = truthy(isObject(props) ? props[col] : undefined);
      if (b !== null) (ev as Record<string, unknown>)[name] = b;
    }
  },
};
const compiledProps = compilePath('json.properties');
const compiledEvent = compilePath('$m');

/** The "best effort" command-line split (splitter C): trim (written back), split on ' ', drop empties. */
function splitCommandLine(prefix: 'process' | 'process.parent'): Step {
  const cmd = compilePath(`${prefix}.command_line`);
  const args = compilePath(`${prefix}.args`);
  const count = compilePath(`${prefix}.args_count`);
  return {
    op: 'script',
    name: prefix === 'process' ? 'script_split_command_line' : 'script_split_parent_command_line',
    if: { present: `${prefix}.command_line` },
    run: (r) => {
      const v = cmd.get(r);
      if (typeof v !== 'string') return;
      const t = javaTrim(v);
      if (t === '') return;
      cmd.set(r, t);
      const list = t.split(' ').filter((a) => a !== '');
      if (list.length > 0) {
        args.set(r, list);
        count.set(r, list.length);
      }
    },
  };
}

/** Elasticsearch `uri_parts` (keep_original) on `remote.url`, into `url.*`. */
const uriParts: Step = {
  op: 'script',
  name: 'uri_parts_m365_defender_event_remote_url',
  if: { present: M('remote.url') },
  run: (r) => {
    const original = String((compiledEvent.get(r) as { remote: { url: unknown } }).remote.url);
    let u: URL;
    try {
      u = new URL(original);
    } catch {
      return; // ignore_failure
    }
    const url: Record<string, unknown> = { original, scheme: u.protocol.replace(/:$/, '') };
    if (u.hostname !== '') url.domain = u.hostname.replace(/^\[|\]$/g, '');
    if (u.port !== '') url.port = Number(u.port);
    if (u.pathname !== '') url.path = decodeURIComponent(u.pathname);
    if (u.search.length > 1) url.query = u.search.slice(1);
    if (u.hash.length > 1) url.fragment = u.hash.slice(1);
    if (u.username !== '') url.username = u.username;
    if (u.password !== '') url.password = u.password;
    const last = u.pathname.slice(u.pathname.lastIndexOf('/') + 1);
    const dot = last.lastIndexOf('.');
    if (dot > -1 && dot < last.length - 1) url.extension = last.slice(dot + 1);
    r.doc.url = url;
  },
};

/** `LoggedOnUsers` (JSON list of `{UserName, …}`) → `active_users` and `related.user`. */
const loggedOnUsers: Step = {
  op: 'script',
  name: 'foreach_json_properties_LoggedOnUsers',
  run: (r) => {
    const props = compiledProps.get(r);
    const list = isObject(props) ? props.LoggedOnUsers : undefined;
    if (!Array.isArray(list)) return;
    const names = list.map((u) => (isObject(u) && u.UserName !== undefined ? String(u.UserName) : ''));
    (compiledEvent.get(r) as Record<string, unknown>).active_users = names;
    const related = (isObject(r.doc.related) ? r.doc.related : (r.doc.related = {})) as Record<string, unknown>;
    const users = Array.isArray(related.user) ? (related.user as unknown[]) : (related.user = []);
    for (const n of names) (users as unknown[]).push(n);
  },
};

const signature = compilePath(M('initiating_process.signature_status'));
const sigIs = (v: string): Cond => ({ test: (r) => signature.get(r) === v });

/** `set field copy_from …` with the pipeline's condition. */
const copy = (field: string, from: string, cond?: Cond): Step =>
  cond === undefined ? { op: 'copy', field, from } : { op: 'copy', field, from, if: cond };

export const M365_DEVICE_STEPS: Step[] = [
  { op: 'set', field: 'event.kind', value: 'event' },
  { op: 'append', field: 'event.category', value: 'authentication', if: tableIs('devicelogonevents') },
  { op: 'append', field: 'event.category', value: 'host', if: tableIs('deviceevents', 'deviceinfo') },
  {
    op: 'append',
    field: 'event.category',
    value: 'file',
    if: tableIs('devicefileevents', 'devicefilecertificateinfo'),
  },
  { op: 'append', field: 'event.category', value: 'process', if: tableIs('deviceprocessevents') },
  { op: 'append', field: 'event.category', value: 'library', if: tableIs('deviceimageloadevents') },
  { op: 'append', field: 'event.category', value: 'network', if: tableIs('devicenetworkevents', 'devicenetworkinfo') },
  { op: 'append', field: 'event.category', value: 'registry', if: tableIs('deviceregistryevents') },
  // Which columns describe which process, decided once (the pipeline repeats these tests per field).
  { op: 'set', field: '$actor', value: true, if: actorTables },
  { op: 'set', field: '$processTables', value: true, if: processTables },
  { op: 'set', field: '$processOwn', value: true, if: processOwnColumns },
  { op: 'set', field: '$imageLoads', value: true, if: imageLoads },
  {
    op: 'append',
    field: 'event.type',
    value: 'info',
    if: {
      any: [
        { test: (r) => catHas('authentication')(r) || catHas('host')(r) || catHas('file')(r) },
        actionHas('openprocess', 'connectionfound', 'networksignatureinspected', 'devicenetworkinfo'),
      ],
    },
  },
  { op: 'append', field: 'event.type', value: 'end', if: actionHas('connectionsuccess') },
  { op: 'append', field: 'event.type', value: 'denied', if: actionHas('connectionfailed') },
  {
    op: 'append',
    field: 'event.type',
    value: 'start',
    if: { any: [actionHas('connectionrequest', 'listeningconnectioncreated', 'processcreated'), imageLoads] },
  },
  { op: 'append', field: 'event.type', value: 'allowed', if: actionHas('inboundconnectionaccepted') },
  { op: 'append', field: 'event.type', value: 'creation', if: actionHas('registrykeycreated') },
  { op: 'append', field: 'event.type', value: 'deletion', if: actionHas('registrykeydeleted', 'registryvaluedeleted') },
  { op: 'append', field: 'event.type', value: 'change', if: actionHas('registrykeyrenamed', 'registryvalueset') },
  { op: 'set', field: P('ActionType'), value: 'load', if: actionHas('imageloaded') },

  jsonColumn('AdditionalFields'),
  { op: 'rename', field: M('additional_fields'), from: P('AdditionalFields') },
  { op: 'rename', field: M('network_direction'), from: M('additional_fields.direction') },
  ...[
    'CrlDistributionPointUrls',
    'LoggedOnUsers',
    'ConnectedNetworks',
    'DefaultGateways',
    'DnsAddresses',
    'IPAddresses',
  ].map(jsonColumn),

  ...(
    [
      ['CertificateExpirationTime', 'certificate.expiration_time'],
      ['InitiatingProcessCreationTime', 'initiating_process.creation_time'],
      ['InitiatingProcessParentCreationTime', 'initiating_process.parent_creation_time'],
      ['ProcessCreationTime', 'process.creation_time'],
      ['CertificateCountersignatureTime', 'certificate.countersignature_time'],
      ['CertificateCreationTime', 'certificate.creation_time'],
    ] as const
  ).map(([col, f]): Step => ({ op: 'date', field: M(f), from: P(col), formats: ['ISO8601'] })),
  { op: 'convert', field: M('initiating_process.file_size'), from: P('InitiatingProcessFileSize'), type: 'long' },
  { op: 'convert', field: M('initiating_process.logon_id'), from: P('InitiatingProcessLogonId'), type: 'string' },
  { op: 'convert', field: M('logon.id'), from: P('LogonId'), type: 'string' },
  { op: 'convert', field: M('process.id'), from: P('ProcessId'), type: 'long' },
  { op: 'convert', field: M('report_id'), from: P('ReportId'), type: 'string' },
  { op: 'convert', field: M('ipv4_dhcp'), from: P('IPv4Dhcp'), type: 'ip' },
  { op: 'convert', field: M('ipv6_dhcp'), from: P('IPv6Dhcp'), type: 'ip' },
  truthyStep,
  // The IP columns are validated first (dropped when invalid); then every rename of the table.
  ...[...IP_RENAMES.map(([col]) => col), 'PublicIP'].map(ipOrRemove),
  renameTableStep(
    'renames_into_m365_defender_event',
    'json.properties',
    [
      ...RENAMES,
      ...IP_RENAMES,
      ['RequestSourcePort', 'request.source_port'],
      ['RemotePort', 'remote.port'],
      ['LocalPort', 'local.port'],
      ['PublicIP', 'public_ip.value'],
    ].map(([col, f]) => [col!, M(f!)] as const),
  ),

  // File (the row's own file, except in DeviceProcessEvents and DeviceEvents).
  {
    op: 'when',
    cond: { eq: '$actor', value: true },
    then: [
      copy('file.directory', M('folder_path')),
      copy('file.hash.md5', M('md5')),
      copy('file.hash.sha1', M('sha1')),
      copy('file.hash.sha256', M('sha256')),
      copy('file.name', M('file.name')),
      copy('file.size', M('file.size')),
    ],
  },
  copy('file.x509.not_after', M('certificate.expiration_time')),
  copy('file.x509.serial_number', M('certificate.serial_number')),
  { op: 'append', field: 'file.x509.issuer.common_name', from: M('issuer') },
  copy('file.code_signature.subject_name', M('signer')),
  copy('file.code_signature.exists', M('is_signed')),
  copy('file.code_signature.trusted', M('is_trusted')),

  // DLL (DeviceImageLoadEvents).
  {
    op: 'when',
    cond: { eq: '$imageLoads', value: true },
    then: [
      copy('dll.path', M('folder_path')),
      copy('dll.hash.md5', M('md5')),
      copy('dll.hash.sha1', M('sha1')),
      copy('dll.hash.sha256', M('sha256')),
      copy('dll.name', M('file.name')),
      copy('dll.pe.sections.physical_size', M('file.size')),
    ],
  },

  // DeviceProcessEvents / DeviceEvents: the row's process is process.*, InitiatingProcess* its parent.
  {
    op: 'when',
    cond: { eq: '$processOwn', value: true },
    then: [
      copy('process.executable', M('folder_path')),
      copy('process.hash.md5', M('md5')),
      copy('process.hash.sha1', M('sha1')),
      copy('process.hash.sha256', M('sha256')),
      copy('process.name', M('file.name')),
      copy('process.pe.sections.physical_size', M('file.size')),
    ],
  },
  {
    op: 'when',
    cond: { eq: '$processTables', value: true },
    then: [
      copy('process.parent.command_line', M('initiating_process.command_line')),
      copy('process.parent.hash.md5', M('initiating_process.md5')),
      copy('process.parent.hash.sha1', M('initiating_process.sha1')),
      copy('process.parent.hash.sha256', M('initiating_process.sha256')),
      copy('process.parent.group_leader.pid', M('initiating_process.parent_id')),
      copy('process.parent.pid', M('initiating_process.id')),
      copy('process.parent.start', M('initiating_process.creation_time')),
      copy('process.parent.name', M('initiating_process.file_name')),
      copy('process.parent.pe.sections.physical_size', M('initiating_process.file_size')),
      copy('process.parent.executable', M('initiating_process.folder_path')),
      copy('process.parent.group_leader.start', M('initiating_process.parent_creation_time')),
      copy('process.parent.group_leader.name', M('initiating_process.parent_file_name')),
      copy('process.parent.pe.company', M('initiating_process.version_info_company_name')),
      copy('process.parent.pe.description', M('initiating_process.version_info_file_description')),
      copy('process.parent.pe.original_file_name', M('initiating_process.version_info_original_file_name')),
      copy('process.parent.pe.product', M('initiating_process.version_info_product_name')),
      copy('process.parent.pe.file_version', M('initiating_process.version_info_product_version')),
      copy('process.parent.code_signature.status', M('initiating_process.signature_status')),
    ],
  },
  {
    op: 'set',
    field: 'process.parent.code_signature.exists',
    value: true,
    if: { all: [{ eq: '$processTables', value: true }, sigIs('Valid')] },
  },
  {
    op: 'set',
    field: 'process.parent.code_signature.exists',
    value: false,
    if: { all: [{ eq: '$processTables', value: true }, sigIs('Unsigned')] },
  },
  {
    op: 'set',
    field: 'process.parent.code_signature.status',
    value: 'trusted',
    if: { all: [{ eq: '$processTables', value: true }, sigIs('Valid')] },
  },
  {
    op: 'set',
    field: 'process.parent.code_signature.trusted',
    value: true,
    if: { all: [{ eq: '$processTables', value: true }, sigIs('Valid')] },
  },
  {
    op: 'set',
    field: 'process.parent.code_signature.trusted',
    value: false,
    if: { all: [{ eq: '$processTables', value: true }, sigIs('Unsigned')] },
  },

  // Every other table: InitiatingProcess* is the actor, process.*.
  {
    op: 'when',
    cond: { eq: '$actor', value: true },
    then: [
      copy('process.command_line', M('initiating_process.command_line')),
      copy('process.hash.md5', M('initiating_process.md5')),
      copy('process.hash.sha1', M('initiating_process.sha1')),
      copy('process.hash.sha256', M('initiating_process.sha256')),
      copy('process.parent.pid', M('initiating_process.parent_id')),
      copy('process.pid', M('initiating_process.id')),
      copy('process.start', M('initiating_process.creation_time')),
      copy('process.name', M('initiating_process.file_name')),
      copy('process.pe.sections.physical_size', M('initiating_process.file_size')),
      copy('process.executable', M('initiating_process.folder_path')),
      copy('process.parent.start', M('initiating_process.parent_creation_time')),
      copy('process.parent.name', M('initiating_process.parent_file_name')),
      copy('process.pe.company', M('initiating_process.version_info_company_name')),
      copy('process.pe.description', M('initiating_process.version_info_file_description')),
      copy('process.pe.original_file_name', M('initiating_process.version_info_original_file_name')),
      copy('process.pe.product', M('initiating_process.version_info_product_name')),
      copy('process.pe.file_version', M('initiating_process.version_info_product_version')),
      copy('process.code_signature.status', M('initiating_process.signature_status')),
    ],
  },
  // m365_defender.event.process.* always describe process.*.
  copy('process.command_line', M('process.command_line')),
  copy('process.start', M('process.creation_time')),
  copy('process.pid', M('process.id')),
  copy('process.pe.company', M('process.version_info_company_name')),
  copy('process.pe.description', M('process.version_info_file_description')),
  copy('process.pe.original_file_name', M('process.version_info_original_file_name')),
  copy('process.pe.product', M('process.version_info_product_name')),
  copy('process.pe.file_version', M('process.version_info_product_version')),

  // Host.
  copy('host.name', M('device.name')),
  { op: 'lowercase', field: 'host.name' },
  copy('host.id', M('device.id')),
  copy('host.ip', M('public_ip.value')),
  copy('host.architecture', M('os.architecture')),
  ...(['windows', 'linux', 'macos'] as const).map((os): Step => ({
    op: 'set',
    field: 'host.os.type',
    value: os,
    if: {
      test: (r) =>
        String(compiledEventValue(r, 'os', 'platform') ?? '')
          .toLowerCase()
          .includes(os),
    },
  })),
  copy('host.os.full', M('os.platform')),
  copy('host.os.platform', M('os.distribution')),
  copy('host.os.version', M('os.version')),
  copy('host.type', M('device.type')),
  { op: 'gsub', field: M('mac_address'), pattern: /[:.]/, replacement: '-' },
  { op: 'uppercase', field: M('mac_address') },
  copy('host.mac', M('mac_address')),

  // Registry.
  copy('registry.key', M('registry.key')),
  copy('registry.value', M('registry.value_name')),
  { op: 'append', field: 'registry.data.strings', from: M('registry.value_data') },

  // Source / destination (logons: remote is the source; network rows follow AdditionalFields.direction).
  copy('source.ip', M('remote.ip'), auth),
  copy('source.ip', M('remote.ip'), { all: [network, dirIs('In')] }),
  copy('source.ip', M('local.ip'), { all: [hasCategory, { not: auth }, dirIs(null)] }),
  copy('source.ip', M('local.ip'), { all: [network, dirIs('Out')] }),
  copy('source.ip', M('request.source_ip'), { test: catHas('file') }),
  copy('source.port', M('remote.port'), { all: [network, dirIs('In')] }),
  copy('source.port', M('remote.port'), auth),
  copy('source.port', M('local.port'), { all: [hasCategory, { not: auth }] }),
  copy('source.port', M('local.port'), { all: [network, dirIs('Out')] }),
  copy('source.port', M('request.source_port')),
  copy('source.domain', M('remote.device_name')),
  copy('destination.ip', M('remote.ip'), { all: [network, dirIs('Out')] }),
  copy('destination.ip', M('remote.ip'), { all: [hasCategory, { not: auth }, dirIs(null)] }),
  copy('destination.ip', M('local.ip'), { all: [network, dirIs('In')] }),
  copy('destination.port', M('remote.port'), { all: [hasCategory, { not: auth }, dirIs(null)] }),
  copy('destination.port', M('remote.port'), { all: [network, dirIs('Out')] }),
  copy('destination.port', M('local.port'), { all: [network, dirIs('In')] }),

  // User.
  copy('user.name', M('account.name')),
  copy('user.domain', M('request.account_domain')),
  copy('user.name', M('request.account_name')),
  copy('user.domain', M('account.domain')),
  copy('user.id', M('account.sid')),

  // Network.
  copy('network.protocol', M('protocol')),
  copy('network.protocol', M('request.protocol')),
  { op: 'lowercase', field: 'network.protocol' },
  { op: 'set', field: 'network.direction', value: 'inbound', if: { all: [network, dirIs('In')] } },
  { op: 'set', field: 'network.direction', value: 'outbound', if: { all: [network, dirIs('Out')] } },
  { op: 'set', field: 'network.direction', value: 'unknown', if: { all: [network, dirIs(null)] } },

  // Action and outcome.
  copy('event.action', M('action.type')),
  { op: 'lowercase', field: 'event.action' },
  { op: 'gsub', field: 'event.action', pattern: / /, replacement: '-' },
  {
    op: 'set',
    field: 'event.outcome',
    value: 'success',
    if: { all: [{ not: { present: M('failure_reason') } }, tableIs('devicelogonevents')] },
  },
  {
    op: 'set',
    field: 'event.outcome',
    value: 'failure',
    if: { all: [{ present: M('failure_reason') }, tableIs('devicelogonevents')] },
  },

  // Observer, URL, HTTP.
  copy('observer.version', M('client_version')),
  copy('observer.type', M('device.category')),
  uriParts,
  copy('http.request.referrer', M('file.origin_referrer_url')),

  // Custom fields.
  {
    op: 'script',
    name: 'network_adapter_name',
    run: (r) => {
      const props = compiledProps.get(r);
      const v = isObject(props) ? props.NetworkAdapterName : undefined;
      if (typeof v !== 'string' || v === '') return;
      const m = /^\{(.*)\}$/.exec(v);
      const ev = compiledEvent.get(r) as Record<string, unknown>;
      const net = (isObject(ev.network) ? ev.network : (ev.network = {})) as Record<string, unknown>;
      if (v.startsWith('{')) {
        if (m === null) throw new Error(`NetworkAdapterName ${JSON.stringify(v)} does not match ^{…}$`);
        net.adapter_name = m[1];
      } else net.adapter_name = v;
    },
  },
  loggedOnUsers,

  // Arguments (splitter C), best effort.
  splitCommandLine('process'),
  splitCommandLine('process.parent'),

  // Related.
  { op: 'append', field: 'related.hosts', from: 'host.id' },
  { op: 'append', field: 'related.hosts', from: 'host.name' },
  { op: 'append', field: 'related.hosts', from: 'user.domain' },
  { op: 'append', field: 'related.hosts', from: M('initiating_process.account_domain') },
  { op: 'append', field: 'related.user', from: 'user.name' },
  { op: 'append', field: 'related.user', from: M('initiating_process.account_name') },
  ...[M('file.origin_ip'), 'source.ip', 'destination.ip', 'host.ip', M('ipv4_dhcp'), M('ipv6_dhcp')].map((f): Step => ({
    op: 'append',
    field: 'related.ip',
    from: f,
  })),
  ...['file.hash', 'process.hash'].flatMap((h) =>
    ['md5', 'sha1', 'sha256'].map((a): Step => ({ op: 'append', field: 'related.hash', from: `${h}.${a}` })),
  ),
  // The parent hashes are appended under the condition on the *process* hash (as written in the pipeline).
  ...['md5', 'sha1', 'sha256'].map((a): Step => ({
    op: 'append',
    field: 'related.hash',
    from: `process.parent.hash.${a}`,
    if: { exists: `process.hash.${a}` },
  })),
  { op: 'append', field: 'related.hash', from: M('issuer_hash') },
  { op: 'append', field: 'related.hash', from: M('signer_hash') },
];

function compiledEventValue(r: MappingRun, a: string, b: string): unknown {
  const ev = compiledEvent.get(r);
  if (!isObject(ev)) return undefined;
  const x = ev[a];
  return isObject(x) ? x[b] : undefined;
}

/** The entry pipeline (default.yml) around the Device* one. */
export function m365Steps(deviceSteps: readonly Step[]): Step[] {
  return [
    { op: 'set', field: 'ecs.version', value: '8.11.0' },
    { op: 'rename', field: M('category'), from: 'json.category' },
    { op: 'rename', field: M('operation_name'), from: 'json.operationName' },
    { op: 'rename', field: M('tenant.name'), from: 'json.Tenant' },
    { op: 'rename', field: M('tenant.id'), from: 'json.tenantId' },
    { op: 'date', field: M('time'), from: 'json.time', formats: ['ISO8601'] },
    { op: 'date', field: M('timestamp'), from: P('Timestamp'), formats: ['ISO8601'] },
    { op: 'copy', field: '@timestamp', from: M('timestamp') },
    { op: 'when', cond: tableIs('device'), then: deviceSteps },
  ];
}

const tagged = (tag: string): Cond => ({ test: (r) => Array.isArray(r.doc.tags) && r.doc.tags.includes(tag) });

/**
 * The end of pipeline_device.yml and default.yml: duplicate custom fields and `event.original`
 * removed unless tagged to stay, `json` removed, then every null and empty string, recursively.
 */
export const M365_CLEANUP: Step[] = [
  {
    op: 'remove',
    fields: M365_DUPLICATE_FIELDS,
    if: { all: [tableIs('device'), { not: tagged('preserve_duplicate_custom_fields') }] },
  },
  { op: 'remove', fields: ['json'] },
  {
    op: 'script',
    name: 'm365_defender_event',
    run: (r) => {
      if (isObject(r.vars.m)) r.doc.m365_defender = { event: r.vars.m };
    },
  },
  { op: 'remove', fields: ['event.original'], if: { not: tagged('preserve_original_event') } },
  { op: 'prune', values: [null, ''], emptyContainers: true, tag: 'script_drop_empty_fields' },
];
