#!/bin/bash
# Prepares a Rocky Linux 9 container as a lab host. RHEL 9 already behaves as the contract says
# (postfix not chrooted, dovecot-init.service, /var/log/maillog via rsyslog, aliases rebuilt on
# start); this only adapts systemd to a container, adds the users and disables the services.
set -euxo pipefail

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
postconf -e 'inet_protocols = ipv4'
newaliases
postfix check

# --- SASL: saslauthd with PAM (RHEL's /etc/sysconfig/saslauthd already says MECH=pam) ----------
grep -q '^MECH=pam' /etc/sysconfig/saslauthd
usermod -aG saslauth postfix

# --- dovecot: RHEL's defaults, certificate made by dovecot-init.service at first start ---------
rm -f /etc/pki/dovecot/certs/dovecot.pem /etc/pki/dovecot/private/dovecot.pem

# --- s-nail provides mail ---------------------------------------------------------------------
command -v mail
# vim-minimal provides vi; learners type vim too.
[ -e /usr/bin/vim ] || ln -s /usr/bin/vi /usr/local/bin/vim

# --- services: rsyslog on, as on RHEL; everything a lesson turns on starts disabled -----------
systemctl enable rsyslog.service maillab-resolv.service
for unit in postfix.service dovecot.service saslauthd.service firewalld.service; do
  systemctl disable "$unit" || true
done

# --- users: as every lab host has them -----------------------------------------------------------
useradd -m -s /bin/bash -G wheel student
for user in jerry kelly li; do useradd -m -s /bin/bash "$user"; done
printf '%s\n' root:redhat student:student jerry:redhat kelly:redhat li:redhat | chpasswd

rm -rf /tmp/* /var/log/dnf* /var/cache/dnf
