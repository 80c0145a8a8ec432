#!/bin/bash
# Prepares a Rocky Linux 9 container as a lab host. RHEL 9 already behaves as the contract says
# (postfix not chrooted, dovecot-init.service, /var/log/maillog via rsyslog, aliases rebuilt on
# start); this only adapts systemd to a container, adds the users and disables the services.
# Written from RHEL 9's packaging (see the note at the top of the Containerfile), never run: the
# `need` checks below stop the build with a clear message if a fact it relies on is wrong.
set -euxo pipefail

need() { local what=$1; shift; "$@" >/dev/null 2>&1 || { echo "maillab-setup: RHEL 9 fact does not hold: $what" >&2; exit 1; }; }

# --- systemd as PID 1 in a container: mask what cannot work without a real machine -----------
for unit in \
  systemd-udevd.service systemd-udevd-control.socket systemd-udevd-kernel.socket \
  systemd-udev-trigger.service systemd-udev-settle.service \
  systemd-modules-load.service systemd-remount-fs.service systemd-firstboot.service \
  sys-kernel-config.mount sys-kernel-debug.mount sys-kernel-tracing.mount sys-fs-fuse-connections.mount \
  dev-hugepages.mount dev-mqueue.mount getty.target console-getty.service getty@tty1.service \
  systemd-ask-password-wall.path systemd-ask-password-console.path \
  dnf-makecache.timer fstrim.timer; do
  systemctl mask "$unit"
done
: >/etc/machine-id

# --- postfix: RHEL 9's own main.cf, except IPv4 only (lab networks have no IPv6, and with
# inet_protocols = all postfix refuses to start when ::1 is missing) ------------------------------
need "postfix main.cf has compatibility_level = 2" test "$(postconf -h compatibility_level)" = 2
need "postfix master.cf chroots nothing" bash -c '! postconf -F "*/*/chroot" | grep -q "= y$"'
need "postfix %post made its TLS certificate" test -s /etc/pki/tls/certs/postfix.pem -a -s /etc/pki/tls/private/postfix.key
# ...at build, so every lab booted from this image would hold the same key: removed here, and made anew
# at each host's boot by maillab-host-keys.service, with the package's own commands.
rm -f /etc/pki/tls/certs/postfix.pem /etc/pki/tls/private/postfix.key
postconf -e 'inet_protocols = ipv4'
newaliases
# The contract promises a silent `postfix check`; RHEL 9 prints nothing (seen on an EL9 host).
check=$(postfix check 2>&1) || true
[ -z "$check" ] || { echo "maillab-setup: RHEL 9 fact does not hold: postfix check is silent: $check" >&2; exit 1; }

# --- SASL: saslauthd with PAM (cyrus-sasl's /etc/sysconfig/saslauthd already says MECH=pam; the
# package creates the saslauth group; postfix's package ships /etc/sasl2/smtpd.conf) --------------
need "/etc/sysconfig/saslauthd says MECH=pam" grep -q '^MECH=pam' /etc/sysconfig/saslauthd
need "postfix's /etc/sasl2/smtpd.conf uses saslauthd" grep -q '^pwcheck_method: *saslauthd' /etc/sasl2/smtpd.conf
usermod -aG saslauth postfix

# --- dovecot: RHEL's defaults, certificate made by dovecot-init.service at first start ---------
# The package only %ghost-s the two .pem files; removing them makes sure every lab host makes its own.
need "dovecot ships dovecot-init.service" test -f /usr/lib/systemd/system/dovecot-init.service
need "dovecot ships mkcert.sh" test -x /usr/libexec/dovecot/mkcert.sh
need "dovecot ships /etc/pki/dovecot/dovecot-openssl.cnf" test -f /etc/pki/dovecot/dovecot-openssl.cnf
need "/etc/pki/dovecot has certs/ and private/" test -d /etc/pki/dovecot/certs -a -d /etc/pki/dovecot/private
rm -f /etc/pki/dovecot/certs/dovecot.pem /etc/pki/dovecot/private/dovecot.pem

# --- command line the contract lists ------------------------------------------------------------
# s-nail provides /usr/bin/mail (and mailx) through alternatives; nmap-ncat provides /usr/bin/nc the
# same way; curl must be the full one (curl-minimal has no POP3/IMAP/SMTP).
need "mail is s-nail" bash -c 'readlink -f "$(command -v mail)" | grep -q s-nail'
need "nc is nmap's ncat" bash -c 'nc --version 2>&1 | grep -qi ncat'
need "curl speaks pop3s and imaps" bash -c 'curl -V | grep -qw pop3s && curl -V | grep -qw imaps'
for tool in mutt fetchmail procmail telnet swaks openssl curl dig host ss ip netstat ping firewall-cmd \
  python3 man sudo less nano vi which hostname service; do
  need "$tool is on PATH" command -v "$tool"
done
# vim-minimal provides vi; learners type vim too.
[ -e /usr/bin/vim ] || ln -s /usr/bin/vi /usr/local/bin/vim

# --- logging: RHEL 9's rsyslog.conf already writes mail.* to /var/log/maillog (from the journal,
# through imjournal); rsyslog creates the file only at the first mail line, and the contract promises
# it from boot. Mode 0600 as rsyslog.service's UMask=0066 would make it.
need "rsyslog.conf logs mail.* to /var/log/maillog" grep -Eq '^mail\.\*[[:space:]]+-?/var/log/maillog' /etc/rsyslog.conf
touch /var/log/maillog /var/log/messages /var/log/secure
chmod 0600 /var/log/maillog /var/log/messages /var/log/secure

# --- services: rsyslog on, as on RHEL; everything a lesson turns on starts disabled -----------
systemctl enable rsyslog.service maillab-resolv.service maillab-host-keys.service
# (firewalld is enabled by RHEL's presets; the others are not, but say so explicitly.)
for unit in postfix.service dovecot.service dovecot.socket saslauthd.service firewalld.service fetchmail.service; do
  systemctl disable "$unit" || true
done

# --- users: as every lab host has them (RHEL's useradd already makes the home and the mail spool
# file and gives bash; `wheel` comes from the setup package and has sudo in /etc/sudoers) ----------
need "group wheel exists" getent group wheel
useradd -m -s /bin/bash -G wheel student
for user in jerry kelly li; do useradd -m -s /bin/bash "$user"; done
printf '%s\n' root:redhat student:student jerry:redhat kelly:redhat li:redhat | chpasswd

rm -rf /tmp/* /var/log/dnf* /var/cache/dnf

# --- no private key may stay in the image: every lab booted from it would share it ---------------
# (sshd is not installed, so no host keys; dovecot's pair is removed above; postfix's too.)
# Where a key made at install or build lives; /usr holds only keys every copy of a package ships (test
# and example keys in documentation), public anyway.
keys=$(grep -rlsI -e '^-----BEGIN [A-Z ]*PRIVATE KEY-----' /etc /var /root /home /srv /opt /usr/local || true)
[ -z "$keys" ] || { echo "maillab-setup: the image would carry these private keys, shared by every lab: $keys" >&2; exit 1; }
