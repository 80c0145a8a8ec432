#!/bin/bash
# Turns the Debian packages into a RHEL 9-like lab host. Runs once, at image build, after
# rootfs/ has been copied over /. Every step says which RHEL 9 behaviour it reproduces.
set -euxo pipefail

# --- systemd as PID 1 in a container: mask what cannot work without a real machine -----------
systemctl mask \
  systemd-udevd.service systemd-udevd-control.socket systemd-udevd-kernel.socket \
  systemd-udev-trigger.service systemd-udev-settle.service \
  systemd-modules-load.service systemd-remount-fs.service systemd-firstboot.service \
  sys-kernel-config.mount sys-kernel-debug.mount sys-kernel-tracing.mount sys-fs-fuse-connections.mount \
  dev-hugepages.mount getty.target console-getty.service getty@tty1.service \
  systemd-ask-password-wall.path systemd-ask-password-console.path \
  apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer \
  man-db.timer dpkg-db-backup.timer
# Debian's generator would start postfix@- next to our RHEL-style postfix.service.
mkdir -p /etc/systemd/system-generators
ln -sf /dev/null /etc/systemd/system-generators/postfix-instance-generator
# A fresh machine-id per container, made by systemd at boot.
: >/etc/machine-id
rm -f /var/lib/dbus/machine-id

# --- postfix: not chrooted, RHEL 9 main.cf, aliases.db built ----------------------------------
rm -f /etc/mailname
postconf -F '*/*/chroot = n'
newaliases
# RHEL's TLS paths, with Debian's CA bundle under RHEL's name. postfix's key is made at each host's
# boot (maillab-host-keys.service), never here: a key made at build is every lab's key.
mkdir -p /etc/pki/tls/certs /etc/pki/tls/private
chmod 0755 /etc/pki/tls/private
ln -sf /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt
# Debian's ssl-cert made a snakeoil pair when it was installed: unused here, RHEL has none, and its key
# would be the same in every lab. Its hash link in /etc/ssl/certs goes with it.
rm -f /etc/ssl/private/ssl-cert-snakeoil.key /etc/ssl/certs/ssl-cert-snakeoil.pem
find -L /etc/ssl/certs -maxdepth 1 -type l -delete

# --- SASL: RHEL's /etc/sasl2/smtpd.conf. Debian's postfix reads /etc/postfix/sasl/smtpd.conf (it ignores
# /etc/sasl2 and even cyrus_sasl_config_path, measured), and `postfix check` warns about a symlink in
# /etc/postfix that leaves the directory; so the file lives there and /etc/sasl2/smtpd.conf points to it.
mkdir -p /etc/postfix/sasl
mv /etc/sasl2/smtpd.conf /etc/postfix/sasl/smtpd.conf
ln -s ../postfix/sasl/smtpd.conf /etc/sasl2/smtpd.conf
sed -i 's/^MECHANISMS=.*/MECHANISMS="pam"/' /etc/default/saslauthd
usermod -aG sasl postfix

# --- dovecot: RHEL's certificate paths, no Debian snakeoil, RHEL's 10-mail.conf defaults --------
mkdir -p /etc/pki/dovecot/certs /etc/pki/dovecot/private
chmod 0755 /etc/pki/dovecot/certs
chmod 0700 /etc/pki/dovecot/private
rm -rf /etc/dovecot/private
# RHEL 9 leaves mail_location and mail_privileged_group unset: lesson 10 teaches setting them.
sed -i -E 's/^(mail_location|mail_privileged_group) =/#\1 =/' /etc/dovecot/conf.d/10-mail.conf

# --- s-nail provides mail and mailx, as on RHEL 9 ----------------------------------------------
ln -sf /usr/bin/s-nail /usr/bin/mail
ln -sf /usr/bin/s-nail /usr/bin/mailx
# vi and vim both open vim-tiny (RHEL's vim-minimal provides vi only; learners type vim too).
ln -sf /usr/bin/vim.tiny /usr/local/bin/vim

# --- logging: rsyslog reads the journal and writes /var/log/maillog ----------------------------
rm -f /etc/rsyslog.d/*.conf
mkdir -p /var/lib/rsyslog
touch /var/log/maillog /var/log/messages /var/log/secure
chmod 0600 /var/log/maillog /var/log/messages /var/log/secure

# --- services: everything a lesson turns on starts disabled -----------------------------------
systemctl daemon-reload 2>/dev/null || true
systemctl enable rsyslog.service maillab-resolv.service maillab-host-keys.service
for unit in postfix.service dovecot.service saslauthd.service firewalld.service fetchmail.service; do
  systemctl disable "$unit" 2>/dev/null || true
done
# Units Debian adds that RHEL does not have enabled on a lab host.
systemctl disable postfix@-.service 2>/dev/null || true
update-rc.d fetchmail disable 2>/dev/null || true

# --- RHEL's command line where students and RHEL scripts rely on it -------------------------
# nmap's ncat is RHEL's nc (`nc -d 3 -w 5 localhost 110`), not OpenBSD's netcat.
ln -sf /usr/bin/ncat /usr/bin/nc
# useradd as on RHEL: a home directory, a mail spool file, bash. (adduser is useradd on RHEL; the
# link is in /usr/local/sbin. passwd --stdin is a wrapper there too.)
sed -i -E 's/^#?\s*CREATE_HOME.*/CREATE_HOME yes/' /etc/login.defs
grep -q '^CREATE_HOME' /etc/login.defs || echo 'CREATE_HOME yes' >>/etc/login.defs
sed -i -E 's|^#?\s*SHELL=.*|SHELL=/bin/bash|; s|^#?\s*CREATE_MAIL_SPOOL=.*|CREATE_MAIL_SPOOL=yes|' /etc/default/useradd
grep -q '^CREATE_MAIL_SPOOL=' /etc/default/useradd || echo 'CREATE_MAIL_SPOOL=yes' >>/etc/default/useradd

# --- the RHEL prompt, also for non-login shells (docker exec) ----------------------------------
sed -i -E 's/^(\s*)PS1=/\1: PS1=/' /etc/bash.bashrc
echo '. /etc/profile.d/maillab-prompt.sh' >>/etc/bash.bashrc
cp /etc/skel/.bashrc /root/.bashrc

# --- users: as every lab host has them -----------------------------------------------------------
groupadd -f wheel
useradd -m -s /bin/bash -G wheel student
for user in jerry kelly li; do useradd -m -s /bin/bash "$user"; done
printf '%s\n' root:redhat student:student jerry:redhat kelly:redhat li:redhat | chpasswd

# --- leave no build residue ---------------------------------------------------------------------
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/debconf/*-old /var/log/apt/* /var/log/dpkg.log /tmp/*

# --- no private key may stay in the image: every lab booted from it would share it ---------------
# Where a key made at install or build lives; /usr holds only keys every copy of a package ships (test
# and example keys in documentation), public anyway.
keys=$(grep -rlsI -e '^-----BEGIN [A-Z ]*PRIVATE KEY-----' /etc /var /root /home /srv /opt /usr/local || true)
[ -z "$keys" ] || { echo "maillab-setup: the image would carry these private keys, shared by every lab: $keys" >&2; exit 1; }
