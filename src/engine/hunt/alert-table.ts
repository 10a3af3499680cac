/**
 * The alerts as a readable table on the terminal (what Hayabusa and Chainsaw print by default),
 * one line per alert in time order: time, severity, host, rule, and what happened (the command
 * line, else the file, registry path, destination or reason). Building blocks are left out: their
 * sequence's shell alert stands for them. Machine formats are `--output` and `--timeline`.
 */
import { lodashGet } from '../alerts/fields.js';
import type { AlertDoc } from './alerting.js';

const SEVERITY_COLOUR: Record<string, string> = { critical: '1;31', high: '31', medium: '33', low: '36' };

function first(a: AlertDoc, path: string): string {
  const v = lodashGet(a, path);
  const x = Array.isArray(v) ? v[0] : v;
  return x === undefined || x === null ? '' : String(x);
}

function fit(s: string, width: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > width ? one.slice(0, width - 1) + '…' : one.padEnd(width);
}

function what(a: AlertDoc): string {
  const cmd = first(a, 'process.command_line');
  if (cmd) return cmd;
  const args = lodashGet(a, 'process.args');
  if (Array.isArray(args) && args.length) return args.join(' ');
  for (const f of ['file.path', 'registry.path', 'dns.question.name', 'destination.ip', 'process.executable']) {
    const v = first(a, f);
    if (v) return `${f}: ${v}`;
  }
  return first(a, 'kibana.alert.reason');
}

export function renderAlertTable(alerts: AlertDoc[], opts: { color: boolean; width?: number }): string {
  const shown = alerts.filter((a) => !a['kibana.alert.building_block_type']);
  if (shown.length === 0) return '';
  const paint = (code: string | undefined, t: string) => (opts.color && code ? `\x1b[${code}m${t}\x1b[0m` : t);
  const hosts = shown.map((a) => first(a, 'host.name') || first(a, 'host.hostname') || first(a, 'host.id') || '-');
  const rules = shown.map((a) => first(a, 'kibana.alert.rule.name'));
  const hostW = Math.min(24, Math.max(4, ...hosts.map((h) => h.length)));
  const ruleW = Math.min(48, Math.max(4, ...rules.map((r) => r.length)));
  const width = opts.width ?? 160;
  const detailW = Math.max(30, width - (24 + 2 + 8 + 2 + hostW + 2 + ruleW + 2));
  const lines = [
    paint('1', `${fit('time', 24)}  ${fit('severity', 8)}  ${fit('host', hostW)}  ${fit('rule', ruleW)}  details`),
  ];
  shown.forEach((a, i) => {
    const sev = first(a, 'kibana.alert.severity');
    const time = first(a, 'kibana.alert.original_time') || first(a, '@timestamp');
    lines.push(
      `${fit(time, 24)}  ${paint(SEVERITY_COLOUR[sev], fit(sev, 8))}  ${fit(hosts[i], hostW)}  ${fit(rules[i], ruleW)}  ` +
        fit(what(a), detailW).trimEnd(),
    );
  });
  return lines.join('\n') + '\n';
}
