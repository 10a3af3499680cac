/**
 * The SentinelOne Cloud Funnel event pipeline as a step table, transcribed from elastic/integrations
 * `packages/sentinel_one_cloud_funnel/data_stream/event/elasticsearch/ingest_pipeline/default.yml`
 * (revision `047030f6…`) and the per-category pipelines `pipeline-process.yml`,
 * `pipeline-file.yml`, `pipeline-dns.yml` (revision `127f8141…`), `pipeline-registry.yml`,
 * `pipeline-network-action.yml` (`0b97ab02…`), `pipeline-module.yml`, `pipeline-login.yml`.
 *
 * The input document is `{ json: <the record, flat dotted keys>, event: { original } }`. ECS fields
 * are read straight from the flat keys (`['json', 'src.process.cmdline']`: two-segment paths, where
 * Elastic's dot_expander would make them six deep); Elastic's hand-written renames into
 * `sentinel_one_cloud_funnel.event` are replaced by one generic conversion at the end (see
 * vendorNamespace in index.ts).
 *
 * For process creations `src.process` is the creator: default.yml maps it to `process.*`, then
 * pipeline-process.yml moves the whole `process` object to `process.parent` and fills `process.*`
 * from `tgt.process` — the grandparent (`src.process.parent`) is lost from ECS.
 */
import { compilePath, isObject, type Cond, type MappingRun, type Step } from '../../mapping/index.js';

/** A raw Cloud Funnel key (flat, dotted) inside `json`. */
const J = (k: string): readonly string[] => ['json', k];

const category = compilePath(J('event.category'));
const categoryLc = (r: MappingRun): string => {
  const v = category.get(r);
  return typeof v === 'string' ? v.toLowerCase() : '';
};
const catHas = (s: string): Cond => ({ test: (r) => categoryLc(r).includes(s) });
const eventTypeRaw = compilePath(J('event.type'));
const typeLc = (r: MappingRun): string => {
  const v = eventTypeRaw.get(r);
  return typeof v === 'string' ? v.toLowerCase() : '';
};
const typeHas = (...parts: string[]): Cond => ({ test: (r) => parts.some((p) => typeLc(r).includes(p)) });
const typeIs = (...values: string[]): Cond => ({ test: (r) => values.includes(String(eventTypeRaw.get(r))) });
const metaName = compilePath(J('meta.event.name'));
const metaHas = (...parts: string[]): Cond => ({
  test: (r) => {
    const v = metaName.get(r);
    return typeof v === 'string' && parts.some((p) => v.toLowerCase().includes(p));
  },
});

/** `set <field> copy_from <json field>` (ignore_empty_value). */
const copy = (field: string, from: string, cond?: Cond): Step =>
  cond === undefined ? { op: 'copy', field, from: J(from) } : { op: 'copy', field, from: J(from), if: cond };
/** `append related.<kind>` from a `json.*` field (allow_duplicates: false). */
const related = (kind: 'hash' | 'user' | 'hosts' | 'ip', from: string): Step => ({
  op: 'append',
  field: `related.${kind}`,
  from: J(from),
});
/** `convert` to long into an ECS field. */
const long = (field: string, from: string): Step => ({ op: 'convert', field, from: J(from), type: 'long' });
/** `convert` to string (SentinelOne uids arrive as numbers or strings). */
const str = (field: string, from: string): Step => ({ op: 'convert', field, from: J(from), type: 'string' });
const date = (field: string, from: string): Step => ({
  op: 'date',
  field,
  from: J(from),
  formats: ['ISO8601', 'UNIX_MS'],
});

/** `script_to_remove_quotes_from_begining_and_end` on the two command lines it names. */
function trimQuotes(path: string): Step {
  const a = compilePath(J(path));
  return {
    op: 'script',
    name: `trim_quotes_${path}`,
    run: (r) => {
      const v = a.get(r);
      if (typeof v === 'string' && v.length >= 1 && v.startsWith('"') && v.endsWith('"')) a.set(r, v.slice(1, -1));
    },
  };
}

/** `dissect %{user.domain}\%{user.name}` on `process.user.name` (first backslash splits). */
const splitUser: Step = {
  op: 'script',
  name: 'dissect_user',
  run: (r) => {
    const p = r.doc.process;
    const u = isObject(p) && isObject(p.user) ? p.user.name : undefined;
    if (typeof u !== 'string') return;
    const i = u.indexOf('\\');
    if (i < 0) return;
    const user = (isObject(r.doc.user) ? r.doc.user : (r.doc.user = {})) as Record<string, unknown>;
    user.domain = u.slice(0, i);
    user.name = u.slice(i + 1);
  },
};

/** pipeline-process.yml: `remove process.parent`, `rename process → process.parent`. */
const processToParent: Step = {
  op: 'script',
  name: 'rename_process_to_process_parent',
  run: (r) => {
    const p = r.doc.process;
    if (!isObject(p)) throw new Error('field [process] does not exist');
    delete p.parent;
    r.doc.process = { parent: p };
  },
};

const DNS_TYPES: Record<string, string> = {
  '1': 'A', '2': 'NS', '3': 'MD', '4': 'MF', '5': 'CNAME', '6': 'SOA', '7': 'MB', '8': 'MG', '9': 'MR', '10': 'NULL',
  '11': 'WKS', '12': 'PTR', '13': 'HINFO', '14': 'MINFO', '15': 'MX', '16': 'TXT', '17': 'RP', '18': 'AFSDB',
  '19': 'X25', '20': 'ISDN', '21': 'RT', '22': 'NSAP', '23': 'NSAPPTR', '24': 'SIG', '25': 'KEY', '26': 'PX',
  '27': 'GPOS', '28': 'AAAA', '29': 'LOC', '30': 'NXT', '31': 'EID', '32': 'NIMLOC', '33': 'SRV', '34': 'ATMA',
  '35': 'NAPTR', '36': 'KX', '37': 'CERT', '38': 'A6', '39': 'DNAME', '40': 'SINK', '41': 'OPT', '43': 'DS',
  '46': 'RRSIG', '47': 'NSEC', '48': 'DNSKEY', '49': 'DHCID', '100': 'UINFO', '101': 'UID', '102': 'GID',
  '103': 'UNSPEC', '248': 'ADDRS', '249': 'TKEY', '250': 'TSIG', '251': 'IXFR', '252': 'AXFR', '253': 'MAILB',
  '254': 'MAILA', '255': 'ANY', '65281': 'WINS', '65282': 'WINSR',
}; // prettier-ignore

const V4_MAPPED = /^\[?::ffff:([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)(?:\](?::[0-9]+)?)?$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const isIp = (v: string): boolean => IPV4.test(v) || (v.includes(':') && /^[0-9A-Fa-f:.]+(%\w+)?$/.test(v));

/** script_dnsFieldParsing_to_ecs: `type: N name` question, `type: N data;ip;ip;` answers. */
const dnsParse: Step = {
  op: 'script',
  name: 'script_dnsFieldParsing_to_ecs',
  run: (r) => {
    const j = r.doc.json as Record<string, unknown>;
    const request = j['event.dns.request'];
    const response = j['event.dns.response'];
    const hasReq = typeof request === 'string' && request !== '';
    const hasResp = typeof response === 'string' && response !== '';
    if (!hasReq && !hasResp) return;
    const dns: Record<string, unknown> = {};
    const hosts: string[] = [];
    if (hasReq) {
      const parts = (request as string).split(/\s+/);
      while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
      const question: Record<string, unknown> = {};
      if (parts.length === 3) {
        const t = DNS_TYPES[parts[1]!];
        if (t !== undefined) question.type = t;
        question.name = parts[2];
        hosts.push(parts[2]!);
      } else question.name = request;
      dns.question = question;
    }
    if (hasResp) {
      const answers: Record<string, unknown>[] = [];
      const ips: string[] = [];
      for (const answer of (response as string).split(';')) {
        if (answer === '') continue;
        if (answer.startsWith('type:')) {
          const parts = answer.split(/\s+/);
          while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
          if (parts.length < 2) throw new Error('unexpected event.dns.response format');
          const type = DNS_TYPES[parts[1]!];
          if (parts.length === 3) {
            answers.push(type === undefined ? { data: parts[2] } : { type, data: parts[2] });
            hosts.push(parts[2]!);
          } else answers.push(type === undefined ? {} : { type });
        } else ips.push(answer);
      }
      if (answers.length > 0) dns.answers = answers;
      // foreach gsub (::ffff: mapped addresses) then convert to ip, dropping what is not one.
      const resolved = ips.map((ip) => ip.replace(V4_MAPPED, '$1')).filter(isIp);
      if (resolved.length > 0) dns.resolved_ip = resolved;
      if (hosts.length > 0) {
        const rel = (isObject(r.doc.related) ? r.doc.related : (r.doc.related = {})) as Record<string, unknown>;
        rel.hosts = hosts;
      }
    }
    r.doc.dns = dns;
  },
};

/** The raw value of a flat key (no path compilation: the key is looked up directly). */
const raw = (r: MappingRun, key: string): unknown => (r.doc.json as Record<string, unknown>)[key];
const IP_OK = (r: MappingRun, key: string): boolean => {
  const v = raw(r, key);
  return typeof v === 'string' && isIp(v);
};

/** pipeline-file.yml (ECS part). */
const FILE_STEPS: Step[] = [
  { op: 'set', field: 'event.category', value: ['file'] },
  { op: 'set', field: 'event.type', value: ['creation'], if: typeHas('creat') },
  { op: 'set', field: 'event.type', value: ['deletion'], if: typeHas('delet') },
  { op: 'set', field: 'event.type', value: ['change'], if: typeHas('change', 'modif', 'rename') },
  { op: 'set', field: 'event.type', value: ['info'], override: false },
  { op: 'set', field: 'event.action', value: ['creation'], if: typeHas('creat') },
  { op: 'set', field: 'event.action', value: ['deletion'], if: typeHas('delet') },
  { op: 'set', field: 'event.action', value: ['change'], if: typeHas('change', 'modif') },
  { op: 'set', field: 'event.action', value: ['rename'], if: typeHas('rename') },
  copy('container.id', 'k8sCluster.containerId'),
  { op: 'append', field: 'container.image.hash.all', from: J('k8sCluster.containerImage.sha256') },
  related('hash', 'k8sCluster.containerImage.sha256'),
  copy('container.image.name', 'k8sCluster.containerImage.value'),
  copy('container.labels', 'k8sCluster.containerLabels'),
  copy('container.name', 'k8sCluster.containerName'),
  date('file.created', 'tgt.file.creationTime'),
  copy('file.extension', 'tgt.file.extension'),
  copy('file.hash.md5', 'tgt.file.md5'),
  { op: 'append', field: 'related.hash', from: 'file.hash.md5' },
  copy('file.hash.sha1', 'tgt.file.sha1'),
  { op: 'append', field: 'related.hash', from: 'file.hash.sha1' },
  copy('file.hash.sha256', 'tgt.file.sha256'),
  { op: 'append', field: 'related.hash', from: 'file.hash.sha256' },
  date('file.mtime', 'tgt.file.modificationTime'),
  copy('file.path', 'tgt.file.path'),
  copy('file.type', 'tgt.file.type'),
  {
    op: 'script',
    name: 'file_path_parts',
    run: (r) => {
      const path = raw(r, 'tgt.file.path');
      if (typeof path !== 'string' || path.length <= 1) return;
      const file = (isObject(r.doc.file) ? r.doc.file : (r.doc.file = {})) as Record<string, unknown>;
      let idx = path.lastIndexOf('\\');
      if (idx === -1) idx = path.lastIndexOf('/');
      if (idx > -1) {
        const name = path.slice(idx + 1);
        file.name = name;
        file.directory = path.slice(0, idx);
        const ext = name.lastIndexOf('.');
        if (ext > -1 && file.type === 'file') file.extension = name.slice(ext + 1);
      }
      if (path.indexOf(':') === 1) file.drive_letter = path.slice(0, 1).toUpperCase();
    },
  },
  long('file.size', 'tgt.file.size'),
  long('process.thread.id', 'src.process.tid'),
  related('hash', 'tgt.file.oldMd5'),
  related('hash', 'tgt.file.oldSha1'),
  related('hash', 'tgt.file.oldSha256'),
];

/** pipeline-process.yml (ECS part). */
const PROCESS_STEPS: Step[] = [
  { op: 'set', field: 'event.category', value: ['process'] },
  { op: 'set', field: 'event.type', value: ['start'], if: { eq: J('meta.event.name'), value: 'PROCESSCREATION' } },
  {
    op: 'set',
    field: 'event.type',
    value: ['end'],
    if: typeIs('ProcessExit', 'ProcessTermination', 'Process Exit', 'Process Termination'),
  },
  { op: 'copy', field: 'event.action', from: 'event.type' },
  copy('container.id', 'k8sCluster.containerId'),
  { op: 'append', field: 'container.image.hash.all', from: J('k8sCluster.containerImage.sha256') },
  related('hash', 'k8sCluster.containerImage.sha256'),
  copy('container.image.name', 'k8sCluster.containerImage.value'),
  copy('container.labels', 'k8sCluster.containerLabels'),
  copy('container.name', 'k8sCluster.containerName'),
  copy('file.hash.sha1', 'tgt.file.sha1'),
  { op: 'append', field: 'related.hash', from: 'file.hash.sha1' },
  related('user', 'tgt.process.user'),
  related('hash', 'tgt.process.image.md5'),
  related('hash', 'tgt.process.image.sha1'),
  related('hash', 'tgt.process.image.sha256'),
  related('user', 'tgt.process.lUserName'),
  copy('process.code_signature.subject_name', 'tgt.process.publisher'),
  {
    op: 'set',
    field: 'process.code_signature.exists',
    value: true,
    if: { eq: J('tgt.process.signedStatus'), value: 'signed' },
  },
  {
    op: 'set',
    field: 'process.code_signature.exists',
    value: false,
    if: { ne: J('tgt.process.signedStatus'), value: 'signed' },
  },
  {
    op: 'set',
    field: 'process.code_signature.trusted',
    value: true,
    if: { eq: J('tgt.process.verifiedStatus'), value: 'verified' },
  },
  {
    op: 'set',
    field: 'process.code_signature.trusted',
    value: false,
    if: {
      all: [
        { eq: 'process.code_signature.exists', value: true },
        { ne: J('tgt.process.verifiedStatus'), value: 'verified' },
      ],
    },
  },
  processToParent,
  { op: 'append', field: 'process.user.name', from: J('tgt.process.user') },
  copy('process.name', 'tgt.process.name'),
  copy('process.executable', 'tgt.process.image.path'),
  long('process.pid', 'tgt.process.pid'),
  copy('process.thread.id', 'tgt.process.tid'),
  copy('process.entity_id', 'tgt.process.uid'),
  copy('process.command_line', 'tgt.process.cmdline'),
  copy('process.hash.md5', 'tgt.process.image.md5'),
  copy('process.hash.sha1', 'tgt.process.image.sha1'),
  copy('process.hash.sha256', 'tgt.process.image.sha256'),
  str('process.real_user.id', 'tgt.process.rUserUid'),
  copy('process.real_user.name', 'tgt.process.rUserName'),
  date('process.start', 'tgt.process.startTime'),
  copy('process.title', 'tgt.process.displayName'),
  str('process.user.id', 'tgt.process.eUserUid'),
  copy('process.user.name', 'tgt.process.user'),
];

/** pipeline-registry.yml (ECS part). */
const REGISTRY_STEPS: Step[] = [
  { op: 'set', field: 'event.category', value: ['registry'] },
  { op: 'set', field: 'event.type', value: ['creation'], if: typeHas('create') },
  { op: 'set', field: 'event.type', value: ['deletion'], if: typeHas('delet') },
  { op: 'set', field: 'event.type', value: ['change'], if: typeHas('change', 'modif') },
  {
    op: 'set',
    field: 'event.action',
    value: ['creation'],
    if: { all: [{ exists: J('event.type') }, metaHas('regvaluecreate', 'regkeycreate')] },
  },
  {
    op: 'set',
    field: 'event.action',
    value: ['modification'],
    if: { all: [{ exists: J('event.type') }, metaHas('regvaluemodified')] },
  },
  {
    op: 'set',
    field: 'event.action',
    value: ['deletion'],
    if: { all: [{ exists: J('event.type') }, metaHas('regvaluedelete', 'regkeydelete')] },
  },
  copy('registry.path', 'registry.keyPath'),
  {
    op: 'script',
    name: 'registry_key_value',
    if: { present: 'registry.path' },
    run: (r) => {
      const reg = r.doc.registry as Record<string, unknown>;
      const path = reg.path as string;
      const idx = path.lastIndexOf('\\');
      if (idx >= 0) {
        reg.key = path.slice(0, idx);
        reg.value = path.slice(idx + 1);
      }
    },
  },
  copy('registry.data.strings', 'registry.value'),
  copy('registry.data.type', 'registry.valueType'),
];

/** pipeline-network-action.yml (ECS part). */
const netDirection = compilePath(J('event.network.direction'));
const NETWORK_STEPS: Step[] = [
  { op: 'set', field: 'event.category', value: ['network'] },
  { op: 'set', field: 'event.type', value: ['start', 'connection'], if: typeIs('IPConnect', 'IP Connect') },
  {
    op: 'set',
    field: 'event.action',
    value: ['connection_attempted'],
    if: { all: [typeIs('IPConnect', 'IP Connect'), { test: (r) => netDirection.get(r) === 'OUTGOING' }] },
  },
  {
    op: 'set',
    field: 'event.action',
    value: ['connection_accepted'],
    if: { all: [typeIs('IPConnect', 'IP Connect'), { test: (r) => netDirection.get(r) === 'INCOMING' }] },
  },
  copy('container.id', 'k8sCluster.containerId'),
  { op: 'append', field: 'container.image.hash.all', from: J('k8sCluster.containerImage.sha256') },
  related('hash', 'k8sCluster.containerImage.sha256'),
  copy('container.image.name', 'k8sCluster.containerImage.value'),
  copy('container.labels', 'k8sCluster.containerLabels'),
  copy('container.name', 'k8sCluster.containerName'),
  {
    op: 'when',
    cond: { test: (r) => IP_OK(r, 'dst.ip.address') },
    then: [
      related('ip', 'dst.ip.address'),
      copy('destination.ip', 'dst.ip.address'),
      copy('destination.address', 'dst.ip.address'),
    ],
    else: [
      {
        op: 'convert',
        field: '$dst',
        from: J('dst.ip.address'),
        type: 'ip',
      },
    ],
  },
  long('destination.port', 'dst.port.number'),
  {
    op: 'set',
    field: 'event.outcome',
    value: 'unknown',
    if: {
      test: (r) => String(raw(r, 'event.network.connectionStatus') ?? '').toLowerCase() === 'blocked',
    },
  },
  {
    op: 'lowercase',
    field: 'event.outcome',
    from: J('event.network.connectionStatus'),
    if: { all: [{ present: J('event.network.connectionStatus') }, { ne: 'event.outcome', value: 'unknown' }] },
  },
  {
    op: 'set',
    field: 'network.direction',
    value: 'ingress',
    if: { test: (r) => String(netDirection.get(r) ?? '').toLowerCase() === 'incoming' },
  },
  {
    op: 'set',
    field: 'network.direction',
    value: 'egress',
    if: { test: (r) => String(netDirection.get(r) ?? '').toLowerCase() === 'outgoing' },
  },
  {
    op: 'lowercase',
    field: 'network.protocol',
    from: J('event.network.protocolName'),
    if: { present: J('event.network.protocolName') },
  },
  {
    op: 'when',
    cond: { test: (r) => IP_OK(r, 'src.ip.address') },
    then: [related('ip', 'src.ip.address'), copy('source.ip', 'src.ip.address')],
    else: [{ op: 'convert', field: '$src', from: J('src.ip.address'), type: 'ip' }],
  },
  long('source.port', 'src.port.number'),
  {
    op: 'append',
    field: 'event.type',
    value: 'connection',
    if: {
      all: [
        { any: [{ exists: 'source.ip' }, { exists: 'source.address' }] },
        { exists: 'source.port' },
        { any: [{ exists: 'destination.ip' }, { exists: 'destination.address' }] },
        { exists: 'destination.port' },
      ],
    },
  },
  { op: 'set', field: 'event.type', value: ['info'], override: false },
];

/** pipeline-dns.yml (ECS part). */
const DNS_STEPS: Step[] = [
  { op: 'set', field: 'event.category', value: ['network'] },
  { op: 'set', field: 'event.type', value: ['info', 'protocol'] },
  { op: 'set', field: 'event.action', value: ['lookup_requested'] },
  dnsParse,
];

/** pipeline-login.yml (ECS part). */
const LOGIN_STEPS: Step[] = [
  { op: 'set', field: 'event.category', value: ['authentication'] },
  { op: 'set', field: 'event.type', value: ['start'], if: typeIs('Login') },
  { op: 'set', field: 'event.type', value: ['end'], if: typeIs('Logout') },
  { op: 'set', field: 'event.type', value: ['info'], override: false },
  copy('user.name', 'event.login.userName'),
  { op: 'append', field: 'related.user', from: 'user.name' },
  {
    op: 'when',
    cond: { test: (r) => IP_OK(r, 'src.endpoint.ip.address') },
    then: [
      related('ip', 'src.endpoint.ip.address'),
      { op: 'append', field: 'host.ip', from: J('src.endpoint.ip.address') },
      related('hosts', 'src.endpoint.ip.address'),
    ],
  },
];

/** pipeline-module.yml: hashes into `related.hash` only (Elastic maps no `dll.*`). */
const MODULE_STEPS: Step[] = [related('hash', 'module.md5'), related('hash', 'module.sha1')];

export const S1_STEPS: Step[] = [
  { op: 'set', field: 'ecs.version', value: '8.11.0' },
  { op: 'set', field: 'event.kind', value: 'event' },
  {
    op: 'script',
    name: 'script_to_change_name_of_k8sCluster_containerImage',
    run: (r) => {
      const j = r.doc.json as Record<string, unknown>;
      if ('k8sCluster.containerImage' in j) {
        j['k8sCluster.containerImage.value'] = j['k8sCluster.containerImage'];
        delete j['k8sCluster.containerImage'];
      }
    },
  },
  trimQuotes('src.process.parent.cmdline'),
  trimQuotes('tgt.process.cmdline'),
  date('@timestamp', 'event.time'),

  // Login / logout targets.
  copy('destination.user.name', 'event.logout.tgt.user.name'),
  copy('destination.user.domain', 'event.login.tgt.domainName'),
  copy('destination.user.domain', 'event.logout.tgt.domainName'),
  copy('destination.user.name', 'event.login.tgt.user.name'),
  { op: 'append', field: 'related.user', from: 'destination.user.name' },
  { op: 'append', field: 'related.user', from: 'destination.user.domain' },

  copy('event.id', 'event.id'),
  copy('file.name', 'tgt.file.name'),
  copy('group.id', 'group.id'),
  copy('host.hostname', 'endpoint.name'),
  related('hosts', 'endpoint.name'),
  copy('host.os.name', 'os.name'),
  copy('host.os.platform', 'endpoint.os'),
  copy('host.os.type', 'endpoint.os', {
    in: J('endpoint.os'),
    values: ['linux', 'windows', 'macos', 'ios', 'android'],
  }),
  related('hosts', 'endpoint.os'),
  copy('host.type', 'endpoint.type'),
  related('hosts', 'endpoint.type'),

  // src.process → process.* (the actor; for process creations, later the parent).
  copy('process.command_line', 'src.process.cmdline'),
  copy('process.executable', 'src.process.image.path'),
  copy('process.hash.md5', 'src.process.image.md5'),
  { op: 'append', field: 'related.hash', from: 'process.hash.md5' },
  copy('process.hash.sha1', 'src.process.image.sha1'),
  { op: 'append', field: 'related.hash', from: 'process.hash.sha1' },
  copy('process.hash.sha256', 'src.process.image.sha256'),
  { op: 'append', field: 'related.hash', from: 'process.hash.sha256' },
  copy('process.name', 'src.process.name'),
  copy('process.parent.command_line', 'src.process.parent.cmdline'),
  copy('process.parent.hash.md5', 'osSrc.process.parent.image.md5'),
  { op: 'append', field: 'related.hash', from: 'process.parent.hash.md5' },
  copy('process.parent.hash.sha1', 'src.process.parent.image.sha1'),
  { op: 'append', field: 'related.hash', from: 'process.parent.hash.sha1' },
  copy('process.parent.hash.sha256', 'src.process.parent.image.sha256'),
  { op: 'append', field: 'related.hash', from: 'process.parent.hash.sha256' },
  copy('process.parent.name', 'src.process.parent.name'),
  long('process.parent.pid', 'src.process.parent.pid'),
  str('process.parent.real_user.id', 'src.process.parent.rUserUid'),
  { op: 'append', field: 'related.user', from: 'process.parent.real_user.id' },
  copy('process.parent.real_user.name', 'src.process.parent.rUserName'),
  { op: 'append', field: 'related.user', from: 'process.parent.real_user.name' },
  date('process.parent.start', 'src.process.parent.startTime'),
  copy('process.parent.title', 'src.process.parent.displayName'),
  str('process.parent.user.id', 'src.process.parent.eUserUid'),
  { op: 'append', field: 'related.user', from: 'process.parent.user.id' },
  copy('process.parent.user.name', 'src.process.parent.eUserName'),
  copy('process.parent.user.name', 'src.process.parent.user'),
  { op: 'append', field: 'related.user', from: 'process.parent.user.name' },
  long('process.pid', 'src.process.pid'),
  str('process.real_user.id', 'src.process.rUserUid'),
  { op: 'append', field: 'related.user', from: 'process.real_user.id' },
  copy('process.real_user.name', 'src.process.rUserName'),
  { op: 'append', field: 'related.user', from: 'process.real_user.name' },
  date('process.start', 'src.process.startTime'),
  copy('process.title', 'src.process.displayName'),
  str('process.user.id', 'src.process.eUserUid'),
  copy('process.user.name', 'src.process.user'),
  { op: 'copy', field: 'user.name', from: 'process.user.name' },
  { op: 'copy', field: 'user.domain', from: 'process.user.name' },
  splitUser,
  copy('process.user.name', 'src.process.eUserName'),
  copy('threat.indicator.description', 'tiIndicator.description'),
  copy('threat.indicator.reference', 'tiIndicator.references'),
  { op: 'append', field: 'threat.tactic.name', from: J('tiIndicator.mitreTactics') },
  copy('host.id', 'agent.uuid'),

  // related.* from the vendor fields, in the pipeline's order.
  related('hash', 'osSrc.process.image.md5'),
  related('hash', 'osSrc.process.image.sha1'),
  related('hash', 'osSrc.process.image.sha256'),
  related('hash', 'osSrc.process.parent.image.sha1'),
  related('hash', 'osSrc.process.parent.image.sha256'),
  related('user', 'osSrc.process.parent.user'),
  related('user', 'osSrc.process.user'),
  related('user', 'src.process.lUserName'),
  related('user', 'src.process.lUserUid'),
  related('hash', 'src.process.parent.image.md5'),
  copy('process.parent.executable', 'src.process.parent.image.path'),
  related('user', 'src.process.parent.lUserName'),
  related('user', 'src.process.parent.lUserUid'),
  copy('process.parent.entity_id', 'src.process.parent.uid'),
  related('user', 'src.process.parent.userSid'),
  related('user', 'tgt.process.eUserName'),
  related('user', 'tgt.process.eUserUid'),
  related('user', 'tgt.process.lUserName'),
  related('user', 'tgt.process.lUserUid'),
  related('user', 'tgt.process.rUserName'),
  related('user', 'tgt.process.rUserUid'),
  long('process.thread.id', 'src.process.tid'),
  {
    op: 'set',
    field: 'process.code_signature.exists',
    value: true,
    if: { eq: J('src.process.signedStatus'), value: 'signed' },
  },
  {
    op: 'set',
    field: 'process.code_signature.exists',
    value: false,
    if: { eq: J('src.process.signedStatus'), value: 'unsigned' },
  },
  copy('process.entity_id', 'src.process.uid'),
  copy('process.code_signature.subject_name', 'src.process.publisher'),
  {
    op: 'set',
    field: 'process.code_signature.trusted',
    value: true,
    if: { matches: J('src.process.verifiedStatus'), pattern: /verified/ },
  },
  {
    op: 'set',
    field: 'process.code_signature.trusted',
    value: false,
    override: false,
    if: { eq: 'process.code_signature.exists', value: true },
  },
  related('hash', 'driver.peSha1'),
  related('hash', 'driver.peSha256'),
  related('user', 'event.login.tgt.userSid'),
  related('user', 'event.logout.tgt.userSid'),
  related('user', 'osSrc.process.parent.userSid'),
  related('user', 'osSrc.process.userSid'),
  related('user', 'registry.owner.user'),
  related('user', 'registry.owner.userSid'),
  related('user', 'tgt.file.owner.userSid'),
  related('user', 'src.process.userSid'),
  related('user', 'tgt.process.userSid'),

  // Per-category pipelines (substring tests on event.category, as in default.yml).
  { op: 'when', cond: catHas('dns'), then: DNS_STEPS },
  { op: 'when', cond: catHas('file'), then: FILE_STEPS },
  { op: 'when', cond: catHas('login'), then: LOGIN_STEPS },
  { op: 'when', cond: catHas('module'), then: MODULE_STEPS },
  { op: 'when', cond: { all: [catHas('ip'), { not: catHas('command') }] }, then: NETWORK_STEPS },
  { op: 'when', cond: { all: [catHas('process'), { not: catHas('cross') }] }, then: PROCESS_STEPS },
  { op: 'when', cond: catHas('registry'), then: REGISTRY_STEPS },

  // Windows-like SplitCommandLine (splitter A); empty arguments are dropped by the final cleanup.
  { op: 'argv', from: 'process.command_line', args: 'process.args', count: 'process.args_count', algorithm: 'go' },
  {
    op: 'argv',
    from: 'process.parent.command_line',
    args: 'process.parent.args',
    count: 'process.parent.args_count',
    algorithm: 'go',
  },
];
