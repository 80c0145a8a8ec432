// The grader-side judge library (server/checker/lib/judge.sh + judge.py) against real daemons: the
// functions every lesson check is written with must read real postfix, dovecot and journal output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newNonce } from '../../server/checker/checker.ts';
import { EVIDENCE_DIR, stepProgram } from '../../server/checker/step-runner.ts';
import type { Services } from '../../server/compose.ts';
import type { LabState } from '../../server/labs/lab-service.ts';
import { realEngine } from '../support/engine.ts';

const services = await realEngine();

describe.runIf(services)('judge library on a real lab', () => {
  const s = services as Services;
  let lab: LabState;
  let env: Record<string, string>;
  const nonce = newNonce();

  /** Runs bash on the grader exactly as a judge step runs, with the library loaded. */
  const judge = async (script: string) => {
    const result = await s.runtime.exec(
      lab.labId,
      'grader',
      ['/bin/bash', '-c', stepProgram('grader', script), 'test'],
      {
        env,
        timeoutMs: 60_000,
      },
    );
    expect(result.stderr, `stderr of: ${script}`).not.toMatch(/Traceback|syntax error/);
    return result.stdout.trim();
  };
  const fields = (line: string) => line.split('\x1f');
  /** Each output line as its first two fields: "login ok", "needle found". */
  const lines = (output: string) => output.split('\n').map((l) => fields(l).slice(0, 2).join(' '));

  beforeAll(async () => {
    lab = await s.labs.start(`judge-lib-${process.pid}`, '06');
    await s.labs.readyLab(lab.labId);
    // Dovecot as lesson 10 and 11 will have it: the RHEL spool, TLS with the certificate made at start.
    const dovecot = await s.runtime.exec(lab.labId, 'server', [
      '/bin/bash',
      '-c',
      `sed -i -E 's|^#?mail_location =.*|mail_location = mbox:~/mail:INBOX=/var/mail/%u|; s|^#?mail_privileged_group =.*|mail_privileged_group = mail|' /etc/dovecot/conf.d/10-mail.conf
       systemctl enable --now dovecot >/dev/null 2>&1 && systemctl is-active dovecot`,
    ]);
    expect(dovecot.stdout.trim()).toBe('active');
    const info = await s.runtime.getLab(lab.labId);
    env = { MAILLAB_NONCE: nonce, MAILLAB_EVIDENCE: EVIDENCE_DIR, PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };
    for (const h of info?.hosts ?? []) if (h.address) env[`MAILLAB_IP_${h.name}`] = h.address;
    await judge(`mkdir -p "$MAILLAB_EVIDENCE/server" /var/lib/maillab/work`);
  });

  afterAll(async () => {
    if (lab) await s.labs.finish(lab.labId);
  });

  it('holds an SMTP conversation that delivers the nonce, and one that is refused relay', async () => {
    const sent = await judge(
      'smtp_talk server.example.com 25 --from grader@example.com --rcpt student@example.com --data-nonce "$MAILLAB_NONCE"',
    );
    const steps = sent.split('\n').map(fields);
    expect(steps.map((f) => `${f[0]} ${f[1]}`)).toEqual([
      'connect 220',
      'ehlo 250',
      'mail 250',
      'rcpt student@example.com 250',
      'data 250',
    ]);
    const tls = await judge(
      'smtp_talk server.example.com 25 --starttls --from grader@example.com --rcpt student@example.com',
    );
    expect(tls.split('\n').map((l) => fields(l).slice(0, 2).join(' '))).toEqual([
      'connect 220',
      'ehlo 250',
      'starttls 220',
      'mail 250',
      'rcpt student@example.com 250',
    ]);
    const relay = await judge(
      'smtp_talk server.example.com 25 --from a@elsewhere.test --rcpt b@elsewhere.test',
    );
    const refused = relay
      .split('\n')
      .map(fields)
      .find((f) => f[0] === 'rcpt b@elsewhere.test');
    expect(refused?.[1]).toMatch(/^(454|554)$/);
    expect(refused?.[2]).toContain('Relay access denied');
  });

  it('finds the nonce in a mailbox the engine copied, and postfix lines for its Message-ID in the copied journal', async () => {
    await s.runtime.copyFiles(lab.labId, 'server', 'grader', {
      paths: ['/var/spool/mail/student', '/var/log/journal', '/etc/dovecot', '/etc/pki/dovecot/certs'],
      into: `${EVIDENCE_DIR}/server`,
    });
    const message = fields(
      await judge(
        'mbox_messages --needle "$MAILLAB_NONCE" "$(evidence server /var/spool/mail/student)" | tail -n1',
      ),
    );
    expect(message[1]).toBe(`maillab check ${nonce}`);
    // The client address server recorded is this Check's probe address, which ip_of grader names.
    expect(message[6]).toBe(await judge('ip_of grader'));
    expect(message[6]).not.toBe(env.MAILLAB_IP_grader);
    expect(message[8]).toBe('1');
    const log = await judge(`log_text server postfix "<${nonce}.smtp@maillab.invalid>"`);
    expect(log).toMatch(/^postfix\/smtpd: \w+: client=.*\[/m);
    expect(log).toMatch(
      /^postfix\/local: \w+: to=<student@example\.com>.*status=sent \(delivered to mailbox\)/m,
    );
  });

  it('does not believe a logger line that claims to be postfix', async () => {
    await s.runtime.exec(lab.labId, 'server', [
      'logger',
      '-t',
      'postfix/local',
      `FAKE1: to=<student@example.com>, status=sent (delivered to mailbox) ${nonce}`,
    ]);
    await s.runtime.copyFiles(lab.labId, 'server', 'grader', {
      paths: ['/var/log/journal'],
      into: `${EVIDENCE_DIR}/server`,
    });
    expect(await judge('log_text server postfix | grep -c FAKE1 || true')).toBe('0');
  });

  it("believes dovecot's own lines, and not a program run as a look-alike unit or under another name", async () => {
    const marker = `FORGED${nonce}`;
    // Any program can be made a unit named like the daemon's (measured: its lines carry
    // _SYSTEMD_UNIT=dovecot@x.service and its own _COMM, here python3.11, when it lives long enough
    // for journald to read its cgroup): such lines are not the daemon's.
    for (const argv of [
      [
        'systemd-run',
        '--quiet',
        '--wait',
        '--unit=dovecot@x',
        '/usr/bin/python3.11',
        '-c',
        `import time; print("imap-login: Login: ${marker}", flush=True); time.sleep(2)`,
      ],
      [
        'systemd-run',
        '--quiet',
        '--wait',
        '--unit=saslauthd@x',
        '/usr/bin/python3.11',
        '-c',
        `import time; print("auth success: ${marker}", flush=True); time.sleep(2)`,
      ],
    ])
      expect((await s.runtime.exec(lab.labId, 'server', argv)).exitCode).toBe(0);
    // dovecot's own: a login it logs itself.
    await s.runtime.exec(lab.labId, 'server', [
      '/bin/bash',
      '-c',
      'printf "a login student nosuchpassword\r\na logout\r\n" | timeout 5 nc 127.0.0.1 143 >/dev/null; sleep 1',
    ]);
    await s.runtime.copyFiles(lab.labId, 'server', 'grader', {
      paths: ['/var/log/journal'],
      into: `${EVIDENCE_DIR}/server`,
    });
    expect(await judge(`log_text server dovecot | grep -c ${marker} || true`)).toBe('0');
    expect(await judge(`log_text server saslauthd | grep -c ${marker} || true`)).toBe('0');
    expect(await judge('log_text server dovecot | grep -c "imap-login" || true')).not.toBe('0');
  });

  it('reads effective dovecot settings with the grader’s own doveconf from the copied files', async () => {
    expect(await judge('dc server mail_location')).toBe('mbox:~/mail:INBOX=/var/mail/%u');
    expect(await judge('dc server ssl')).toBe('required');
  });

  it('logs in over POP3S and IMAPS and finds the nonce; plaintext POP3 login is refused', async () => {
    const pop3s = await judge(
      'pop3_fetch server.example.com 995 student student --ssl --needle "$MAILLAB_NONCE"',
    );
    expect(lines(pop3s)).toContain('login ok');
    expect(lines(pop3s)).toContain('needle found');
    const imaps = await judge(
      'imap_fetch server.example.com 993 student student --ssl --needle "$MAILLAB_NONCE"',
    );
    expect(lines(imaps)).toContain('select ok');
    expect(lines(imaps)).toContain('needle found');
    const plain = await judge('pop3_fetch server.example.com 110 student student');
    expect(lines(plain)).toContain('login err');
  });

  it('sees the certificate dovecot serves and matches it to the file dovecot names', async () => {
    const served = fields((await judge('tls_probe server.example.com 993')).split('\n')[1] ?? '');
    const file = fields(await judge('cert_file "$(evidence server /etc/pki/dovecot/certs/dovecot.pem)"'));
    expect(served[0]).toBe('cert');
    expect(served[1]).toMatch(/^[0-9a-f]{64}$/);
    expect(file[1]).toBe(served[1]);
    expect(served[2]).toMatch(/CN=/);
  });

  it('counts replies on port 25 as postfix’s only where server’s smtpd logged them', async () => {
    // The journal copied above holds the first test's conversations: the nonce message, then the
    // refused relay. A recipient smtpd never refused has no line, whatever a responder could reply.
    // The address server's smtpd saw is this Check's probe address (ip_of grader), not the grader's own.
    const grader = await judge('ip_of grader');
    const id = `<${nonce}.smtp@maillab.invalid>`;
    expect(await judge(`smtpd_took server ${grader} "${id}"`)).toMatch(/^\w+$/);
    expect(await judge(`smtpd_took server 10.0.0.1 "${id}" || echo none`)).toBe('none');
    expect(await judge(`smtpd_refused server ${grader} b@elsewhere.test '[45][0-9][0-9]' "${id}"`)).toMatch(
      /NOQUEUE: reject: RCPT from .*Relay access denied.*to=<b@elsewhere\.test>/,
    );
    expect(await judge(`smtpd_refused server ${grader} nobody@elsewhere.test 554 "${id}" || echo none`)).toBe(
      'none',
    );
  });

  it("binds smtpd's lines to this Check by time: connections, accepted recipients, refusals", async () => {
    // The probe address is drawn from the lab's /28, so an earlier Check can have used it: only lines
    // written since the Check began (check_began) count.
    const grader = await judge('ip_of grader');
    expect(Number(await judge(`smtpd_connects server ${grader}`))).toBeGreaterThanOrEqual(3);
    expect(await judge(`smtpd_accepted server ${grader}`)).toMatch(/^\w+$/);
    expect(await judge(`smtpd_refused_now server ${grader} b@elsewhere.test '[45][0-9][0-9]'`)).toMatch(
      /NOQUEUE: reject: RCPT from .*Relay access denied.*to=<b@elsewhere\.test>/,
    );
    const later = await judge(
      `began=$(check_began); echo $(( $(date +%s%6N) + 1000000 )) >/var/lib/maillab/work/check-began
       smtpd_connects server ${grader} >/dev/null || echo no-connects
       smtpd_accepted server ${grader} || echo no-recipient
       smtpd_refused_now server ${grader} b@elsewhere.test '[45][0-9][0-9]' || echo no-refusal
       echo "$began" >/var/lib/maillab/work/check-began`,
    );
    expect(later.split('\n')).toEqual(['no-connects', 'no-recipient', 'no-refusal']);
  });

  it("tells dovecot's log process from a process that joined dovecot's cgroup under its name", async () => {
    // Root on server may write dovecot.service's cgroup.procs; a copy of python3 named `log` then
    // writes lines with dovecot's unit and its log process's name (measured): only the pid differs.
    const marker = `JOINED${nonce}`;
    const joined = await s.runtime.exec(lab.labId, 'server', [
      '/bin/bash',
      '-c',
      `cp /usr/bin/python3 /usr/local/sbin/log
       for cg in $(find /sys/fs/cgroup/systemd /sys/fs/cgroup/unified -type d -name dovecot.service); do echo $$ >"$cg/cgroup.procs"; done
       exec /usr/local/sbin/log -c 'import syslog, time; syslog.openlog("dovecot", 0, syslog.LOG_MAIL); syslog.syslog("imap-login: ${marker}"); time.sleep(1)'`,
    ]);
    expect(joined.exitCode).toBe(0);
    await s.runtime.copyFiles(lab.labId, 'server', 'grader', {
      paths: ['/var/log/journal'],
      into: `${EVIDENCE_DIR}/server`,
    });
    const pids = (await judge('daemon_pids server dovecot')).split('\n').map(fields);
    const forged = pids.filter((f) => f[1]?.includes(marker)).map((f) => f[0]);
    const own = new Set(
      pids.filter((f) => f[1]?.startsWith('imap-login: ') && !f[1].includes(marker)).map((f) => f[0]),
    );
    expect(forged).toHaveLength(1);
    expect(own.size).toBe(1);
    expect(own.has(forged[0] ?? '')).toBe(false);
  });

  it('vouches for a copied program only when it is the file its package shipped', async () => {
    await judge('mkdir -p "$MAILLAB_EVIDENCE/desktop"');
    await s.runtime.copyFiles(lab.labId, 'desktop', 'grader', {
      paths: ['/usr/bin/mutt'],
      into: `${EVIDENCE_DIR}/desktop`,
    });
    expect(await judge('binary_genuine desktop /usr/bin/mutt | field 1')).toBe('genuine');
    // The same file with one byte more, as a patched or wrapped program would differ.
    await judge('printf x >>"$(evidence desktop /usr/bin/mutt)"');
    expect(await judge('binary_genuine desktop /usr/bin/mutt | field 1')).toBe('differs');
    expect(await judge('binary_genuine desktop /usr/bin/fetchmail | field 1')).toBe('missing');
  });

  it('tells a refused port from an open one', async () => {
    expect(await judge('tcp_probe server.example.com 25 | field 1')).toBe('connected');
    expect(await judge('tcp_probe server.example.com 2525 | field 1')).toBe('refused');
  });

  it('reads where postfix listens from master.cf and main.cf together', async () => {
    const dir = '"$MAILLAB_EVIDENCE/desktop/etc/postfix"';
    await judge(
      `mkdir -p ${dir} && printf 'inet_interfaces = all\n' >${dir}/main.cf && printf '%s\n' '#smtp inet n - n - - smtpd' '127.0.0.1:smtp inet n - n - - smtpd' 'submission inet n - n - - smtpd' 'pickup unix n - n 60 1 pickup' >${dir}/master.cf`,
    );
    const listens = (await judge('pf_listens desktop')).split('\n').map((l) => fields(l).join(' '));
    expect(listens).toEqual([
      '127.0.0.1:smtp 127.0.0.1 smtp master.cf',
      'submission all submission inet_interfaces',
    ]);
    expect(
      await judge(
        'loopback_address 127.0.0.1 && loopback_address localhost && ! loopback_address all && echo ok',
      ),
    ).toBe('ok');
  });

  /** Copies HOST's unit paths to the grader and returns the judge's MAILLAB_COPY note, as a collect step makes it. */
  const collectUnits = async (units: string[], extra: string[] = []) => {
    const paths = (await judge(`unit_paths ${units.join(' ')}`)).split('\n');
    await judge(
      'rm -rf "$MAILLAB_EVIDENCE/server/etc/systemd" "$MAILLAB_EVIDENCE/server/run/systemd" /var/lib/maillab/work/distrust-*',
    );
    const copy = await s.runtime.copyFiles(lab.labId, 'server', 'grader', {
      paths: [...paths, ...extra],
      into: `${EVIDENCE_DIR}/server`,
    });
    env.MAILLAB_COPY_server = [
      copy.missing.length ? `missing: ${copy.missing.join(' ')}` : '',
      copy.dropped.length ? `not copied: ${copy.dropped.slice(0, 5).join('; ')}` : '',
    ]
      .filter(Boolean)
      .join('; ');
  };
  const onServer = (script: string) => s.runtime.exec(lab.labId, 'server', ['/bin/bash', '-c', script]);

  it('sees a unit masked in /etc/systemd/system, and not one enabled and only masked at runtime', async () => {
    await onServer(
      'systemctl enable dovecot saslauthd 2>/dev/null; systemctl mask dovecot; systemctl mask --runtime saslauthd',
    );
    await collectUnits(['dovecot', 'saslauthd']);
    // dovecot's unit is the package's, so systemctl mask links /etc/systemd/system/dovecot.service to
    // /dev/null; saslauthd's sits in /etc/systemd/system on the offline image, which the /run link cannot hide.
    expect(await judge('unit_boot_state server dovecot | field 1')).toBe('masked');
    // The engine's copy cannot see /run (a tmpfs mount): a --runtime mask is not judged.
    expect(await judge('unit_boot_state server saslauthd | field 1')).toBe('enabled');
    await onServer(
      'systemctl unmask dovecot; systemctl unmask --runtime saslauthd; systemctl disable saslauthd 2>/dev/null',
    );
    await collectUnits(['dovecot', 'saslauthd']);
    expect(await judge('unit_boot_state server dovecot')).toBe('enabled');
    expect(await judge('unit_boot_state server saslauthd')).toBe('disabled');
  });

  it("refuses postfix's lines when a drop-in runs a program in its unit, not when it only sets the environment", async () => {
    // The forger of lessons/README.md (L2): started by ExecStartPost, it renames itself "local" and
    // logs as postfix/local, so journald files its line under postfix.service with _COMM=local.
    const forged = `FORGED: to=<student@example.com>, status=sent (delivered to mailbox) ${nonce}`;
    await onServer(`mkdir -p /etc/systemd/system/postfix.service.d /run/maillab-test
      printf '[Service]\\nEnvironment=MAILLAB_TEST=1\\nLimitNOFILE=8192\\n' >/etc/systemd/system/postfix.service.d/10-env.conf
      systemctl daemon-reload && systemctl restart postfix`);
    await collectUnits(['postfix'], ['/var/log/journal']);
    expect(await judge('unit_exec_changed server postfix || echo same')).toBe('same');
    await onServer(`printf '%s\\n' 'import ctypes, syslog' 'ctypes.CDLL(None).prctl(15, b"local", 0, 0, 0)' 'syslog.openlog("postfix/local", 0, syslog.LOG_MAIL)' 'syslog.syslog("${forged}")' >/run/maillab-test/forger.py
      printf '[Service]\\nExecStartPost=/usr/bin/python3 /run/maillab-test/forger.py\\n' >/etc/systemd/system/postfix.service.d/20-forger.conf
      systemctl daemon-reload && systemctl restart postfix && sleep 1`);
    await collectUnits(['postfix'], ['/var/log/journal']);
    // Without trust_units the forged line counts as postfix's own: the attack works.
    expect(await judge(`log_text server postfix | grep -c 'FORGED: .*${nonce}'`)).toBe('1');
    expect(await judge('unit_exec_changed server postfix')).toContain(
      'ExecStartPost runs /usr/bin/python3 /run/maillab-test/forger.py',
    );
    expect(
      await judge(`trust_units server postfix; log_text server postfix | grep -c 'FORGED: .*${nonce}'`),
    ).toBe('0');
    expect(await judge('trust_units server postfix; unit_distrusted server postfix')).toContain(
      'ExecStartPost',
    );
    await onServer(
      'rm -rf /etc/systemd/system/postfix.service.d /run/maillab-test; systemctl daemon-reload; systemctl restart postfix',
    );
  });

  // Last: it leaves server with a killed firewalld's rules in the kernel.
  it('believes firewalld runs only while systemd itself last said it started', async () => {
    const onServer = (script: string) => s.runtime.exec(lab.labId, 'server', ['/bin/bash', '-c', script]);
    const copyJournal = async () => {
      await judge('rm -rf "$MAILLAB_EVIDENCE/server/var/log/journal"');
      await s.runtime.copyFiles(lab.labId, 'server', 'grader', {
        paths: ['/var/log/journal'],
        into: `${EVIDENCE_DIR}/server`,
      });
    };
    const probe = 'tcp_probe server.example.com "$(closed_port)"';
    const filters = `p=$(${probe}); firewalld_filters server "$(field 1 <<<"$p")" "$(field 2 <<<"$p")" | field 1`;
    expect(
      (await onServer('systemctl start firewalld && firewall-cmd -q --add-service=smtp && echo up')).stdout,
    ).toMatch(/up/);
    await copyJournal();
    expect(await judge('unit_last server firewalld | field 1')).toBe('started');
    // One closed port per Check: the later steps of the same Check probe the same one.
    const port = await judge('closed_port');
    expect(Number(port)).toBeGreaterThanOrEqual(10000);
    expect(await judge('closed_port')).toBe(port);
    expect(await judge(filters)).toBe('yes');
    // kill -9 leaves firewalld's ruleset in the kernel: the port is still rejected, yet nothing runs.
    await onServer('kill -9 "$(systemctl show -p MainPID --value firewalld)"; sleep 1');
    await copyJournal();
    expect(await judge('unit_last server firewalld | field 1')).toBe('failed');
    expect(await judge(`${probe} | field 1`)).toBe('error');
    expect(await judge(filters)).toBe('down');
    // A unit systemd never mentioned is no unit that ran.
    expect(await judge('unit_last server maillab-nothing')).toBe('none');
  });
});
